/**
 * world-schema.ts - the JSON Schema of a world file (YAML or JSON): subscribers with their PIN,
 * accounts, balances and card, merchants and billers with their settlement bank and keys, open
 * orders. Amounts are strings ("50.00"), never numbers: a YAML number is a float. Each leaf
 * carries a `hint`, the words a problem is reported with. docs/world.schema.json is this object
 * (test/world/world-file.test.ts compares). The formats the admin API shares come from
 * field-formats.ts. Exports worldSchema and hintKeyword.
 */
import { fieldFormats } from './field-formats.js'

/** The schema keyword holding a field's hint: not JSON Schema's, registered with the validator. */
export const hintKeyword = 'hint'

const amount = {
  type: 'string',
  pattern: '^[0-9]{1,12}(\\.[0-9]{1,2})?$',
  hint: 'must be an amount in yuan written as a string, such as "50.00"',
} as const

const bank = {
  type: 'string',
  pattern: fieldFormats.bank.pattern,
  hint: `must be ${fieldFormats.bank.words}`,
} as const

const subscriber = {
  type: 'object',
  additionalProperties: false,
  // A PIN in clear (a fixture) or its hash (an export: telepay never knows a PIN it stored);
  // exactly one of them, which world-file.ts checks with a clearer answer than the schema's.
  required: ['msisdn', 'name'],
  properties: {
    msisdn: {
      type: 'string',
      pattern: '^\\+?[0-9]{8,15}$',
      hint: 'must be an international number of 8 to 15 digits, such as "8613800138000"',
    },
    name: { type: 'string', minLength: 1, maxLength: 40, hint: 'must be 1 to 40 characters' },
    pin: {
      type: 'string',
      pattern: fieldFormats.pin.pattern,
      hint: `must be ${fieldFormats.pin.words} written as a string, such as "1234"`,
    },
    pinHash: {
      type: 'string',
      pattern: '^scrypt\\$[0-9]{1,7}\\$[A-Za-z0-9+/]{4,64}={0,2}\\$[A-Za-z0-9+/]{4,128}={0,2}$',
      hint: 'must be a PIN hash as telepay exports it (scrypt$<cost>$<salt>$<key>)',
    },
    language: { enum: ['en', 'zh'], hint: 'must be "en" or "zh" (default "en")' },
    phoneBill: {
      type: 'object',
      additionalProperties: false,
      properties: {
        // Below zero when the subscriber has used the line's credit (an export).
        balance: {
          type: 'string',
          pattern: '^-?[0-9]{1,12}(\\.[0-9]{1,2})?$',
          hint: 'must be an amount in yuan written as a string, such as "50.00" or "-12.00"',
        },
        creditLimit: amount,
      },
      hint: 'must be { balance, creditLimit } (each default "0.00")',
    },
    wallet: amount,
    card: {
      anyOf: [
        { type: 'null' },
        {
          type: 'object',
          additionalProperties: false,
          required: ['bank', 'last4'],
          properties: {
            bank,
            last4: {
              type: 'string',
              pattern: fieldFormats.last4.pattern,
              hint: `must be ${fieldFormats.last4.words}`,
            },
            bankBalance: amount,
          },
        },
      ],
      hint: 'must be null or { bank, last4, bankBalance }',
    },
  },
} as const

const merchant = {
  type: 'object',
  additionalProperties: false,
  required: ['code', 'name'],
  properties: {
    code: {
      type: 'string',
      pattern: fieldFormats.merchantCode.pattern,
      hint: `must be ${fieldFormats.merchantCode.words}`,
    },
    name: { type: 'string', minLength: 1, maxLength: 60, hint: 'must be 1 to 60 characters' },
    category: {
      enum: ['merchant', 'biller'],
      hint: 'must be "merchant" or "biller" (default "merchant")',
    },
    settlementBank: bank,
    apiKey: {
      type: 'string',
      pattern: fieldFormats.apiKey.pattern,
      hint: `must be ${fieldFormats.apiKey.words} (default test_key_<code>)`,
    },
    apiKeySha256: {
      type: 'string',
      pattern: '^[0-9a-f]{64}$',
      hint: 'must be the SHA-256 of an API key in hex, as telepay exports it (instead of apiKey)',
    },
    webhookSecret: {
      type: 'string',
      minLength: 16,
      maxLength: 128,
      hint: 'must be 16 to 128 characters (default test_secret_<code>)',
    },
    feeBasisPoints: {
      type: 'integer',
      minimum: 0,
      maximum: 10_000,
      hint: 'must be a whole number of basis points from 0 to 10000 (150 = 1.50 %)',
    },
    feeFixed: amount,
    feeMin: amount,
    feeMax: amount,
  },
} as const

const order = {
  type: 'object',
  additionalProperties: false,
  required: ['orderNo', 'merchantCode', 'amount'],
  properties: {
    orderNo: {
      type: 'string',
      pattern: fieldFormats.orderNo.pattern,
      hint: `must be ${fieldFormats.orderNo.words}`,
    },
    merchantCode: { type: 'string', hint: 'must be the code of a merchant in this file' },
    amount,
    reference: { type: 'string', maxLength: 64, hint: 'must be at most 64 characters' },
    description: { type: 'string', maxLength: 140, hint: 'must be at most 140 characters' },
  },
} as const

export const worldSchema = {
  $schema: 'http://json-schema.org/draft-07/schema#',
  title: 'telepay world',
  description:
    'Subscribers, merchants and billers, and open orders that telepay loads into a ledger.',
  type: 'object',
  additionalProperties: false,
  required: ['subscribers', 'merchants'],
  properties: {
    subscribers: { type: 'array', maxItems: 1_000_000, items: subscriber },
    merchants: { type: 'array', maxItems: 100_000, items: merchant },
    orders: { type: 'array', maxItems: 100_000, items: order },
  },
} as const
