/**
 * admin-paths.ts - the admin API's operations (/admin/api: src/http/admin-api.ts, admin-world.ts,
 * admin-world-file.ts, check-jobs.ts, admin-operations.ts, admin-overview.ts, and the IVR
 * channel's call records) for the OpenAPI document: each call's body, answers and refusal codes
 * as the routes give them. Exports adminPaths.
 */
import { paymentStates } from '../../core/index.js'
import { fieldFormats } from '../../world/field-formats.js'
import {
  adminAuth,
  answer,
  bodyRefusals,
  csvAnswer,
  dateParameter,
  idempotencyKeyHeader,
  jsonContent,
  pathParameter,
  refusal,
  shared,
} from './responses.js'
import { errorBody, ref } from './schemas.js'
import type { JsonSchema, Parameter, PathItem, RequestBody, ResponseObject } from './types.js'

const tags = ['Admin API']
const idempotencyKey = idempotencyKeyHeader()

/** What every admin call answers besides its own: no token, the default one off loopback, busy. */
const common = {
  '401': shared('Unauthorized', 'No admin token, or not the configured one.'),
  '403': shared('Forbidden'),
  '503': shared('Busy'),
} as const

/** What every admin call that changes something answers: a console session's needs its CSRF. */
const change = { ...common, '403': shared('ForbiddenOrCsrf') } as const

/** What every admin call with a JSON body answers besides its own. */
const withBody = { ...change, '413': shared('BodyTooLarge'), '415': shared('Unreadable') } as const

const keyReused = refusal('The Idempotency-Key was used for another request.', [
  'idempotency_key_reused',
])

/** An operator command through the payment core: a key makes a retry safe. */
const command = { ...withBody, '409': keyReused } as const

const amountRefusals = ['amount_invalid', 'amount_too_precise', 'amount_not_positive'] as const

function queryParameter(name: string, description: string, schema: JsonSchema): Parameter {
  return { name, in: 'query', required: false, description, schema }
}

const msisdnParameter = pathParameter('msisdn', "The subscriber's number.", '8613800138000')
const codeParameter = pathParameter('code', "The merchant's code.", '1001')

const amountInput: JsonSchema = {
  type: 'string',
  pattern: '^[0-9]{1,15}(\\.[0-9]{1,2})?$',
  description: 'Yuan as a string, at most two decimals.',
  examples: ['25.00'],
}
const feeAmount: JsonSchema = { ...amountInput, description: 'Of the fee rule, as "0.10".' }

const limitParameter = queryParameter('limit', 'Rows a page, 1 to 500.', {
  type: 'integer',
  minimum: 1,
  maximum: 500,
  default: 20,
})

/** A JSON body of `properties`, `required` of them required. */
function jsonBody(
  properties: Readonly<Record<string, JsonSchema>>,
  required: readonly string[],
  example: unknown,
): RequestBody {
  return { required: true, content: jsonContent({ type: 'object', required, properties }, example) }
}

/** The 400 of a body's fields (admin-fields.ts names each `<field>_invalid`). */
function fieldRefusals(codes: readonly string[]): ResponseObject {
  return refusal('A field is missing or malformed.', [...bodyRefusals, ...codes])
}

const subscriberFields = {
  name: { type: 'string', minLength: 1, maxLength: 40 },
  language: { type: 'string', enum: ['en', 'zh'], default: 'en' },
  pin: { type: 'string', pattern: fieldFormats.pin.pattern, description: 'Hashed, never shown.' },
} as const satisfies Record<string, JsonSchema>

const merchantFields = {
  name: { type: 'string', minLength: 1, maxLength: 60 },
  settlementBank: {
    type: ['string', 'null'],
    pattern: fieldFormats.bank.pattern,
    description: 'The bank it settles with.',
  },
  feeBasisPoints: {
    type: ['integer', 'null'],
    minimum: 0,
    maximum: 10_000,
    description: "Its own fee rate (150 = 1.50 %); null: the platform's.",
  },
  feeFixed: feeAmount,
  feeMin: feeAmount,
  feeMax: { ...feeAmount, type: ['string', 'null'], description: 'null: no cap.' },
  webhookSecret: { type: 'string', minLength: 16, maxLength: 128 },
} as const satisfies Record<string, JsonSchema>

const merchantRefusals = [
  'name_invalid',
  'settlementBank_invalid',
  'feeBasisPoints_invalid',
  'feeFixed_invalid',
  'feeMin_invalid',
  'feeMax_invalid',
  'webhookSecret_invalid',
  ...amountRefusals,
  'fee_rule_invalid',
] as const

const subscriberPaths: Readonly<Record<string, PathItem>> = {
  '/admin/api/subscribers': {
    post: {
      operationId: 'registerSubscriber',
      summary: 'Register a subscriber',
      description:
        'The operator registers a number under any operating model: its accounts open empty, ' +
        'the PIN is hashed and never answered back.',
      tags,
      security: adminAuth,
      parameters: [idempotencyKey],
      requestBody: jsonBody(
        { msisdn: { type: 'string', examples: ['8613500135000'] }, ...subscriberFields },
        ['msisdn', 'name', 'pin'],
        { msisdn: '8613500135000', name: 'Wang Fang', pin: '2468', language: 'zh' },
      ),
      responses: {
        '201': answer('Registered: the subscriber as GET shows it.', ref('Subscriber')),
        '400': fieldRefusals([
          'msisdn_invalid',
          'name_invalid',
          'language_invalid',
          'pin_format_invalid',
        ]),
        ...command,
        '422': shared('PaymentRule', 'Refused: `already_registered`.'),
      },
    },
  },
  '/admin/api/subscribers/{msisdn}': {
    get: {
      operationId: 'getSubscriber',
      summary: 'Read a subscriber',
      description: "Lock state and each account's balance (the card's from the bank).",
      tags,
      security: adminAuth,
      parameters: [msisdnParameter],
      responses: {
        '200': answer('The subscriber.', ref('Subscriber')),
        '400': refusal('Not an MSISDN, or the path does not decode.', [
          'msisdn_invalid',
          'request_unreadable',
        ]),
        ...common,
        '404': refusal('Not registered.', ['payer_not_registered']),
      },
    },
    patch: {
      operationId: 'changeSubscriber',
      summary: "Change a subscriber's details, PIN or credit",
      description:
        'Changes what is given. A new PIN also clears the wrong-PIN count and lifts a lock; ' +
        '`creditLimit` is how far below zero the phone bill may go.',
      tags,
      security: adminAuth,
      parameters: [msisdnParameter, idempotencyKey],
      requestBody: jsonBody({ ...subscriberFields, creditLimit: amountInput }, [], {
        creditLimit: '30.00',
      }),
      responses: {
        '200': answer('The subscriber as GET shows it.', ref('Subscriber')),
        '400': fieldRefusals([
          'msisdn_invalid',
          'name_invalid',
          'language_invalid',
          'pin_invalid',
          'creditLimit_invalid',
          ...amountRefusals,
          'pin_format_invalid',
        ]),
        ...command,
        '422': shared('PaymentRule', 'Refused: `payer_not_registered`.'),
      },
    },
  },
  '/admin/api/subscribers/{msisdn}/unlock': {
    post: {
      operationId: 'unlockSubscriber',
      summary: "Lift a subscriber's PIN lock",
      description:
        'Lifts the lock and clears the wrong-PIN count, keeping the PIN (a forgotten PIN is a ' +
        'PATCH with a new `pin`, which unlocks too). Answers alike whether or not a lock was ' +
        'on. No body.',
      tags,
      security: adminAuth,
      parameters: [msisdnParameter, idempotencyKey],
      responses: {
        '200': answer('Unlocked: the subscriber as GET shows it.', ref('Subscriber')),
        '400': refusal('Not an MSISDN, or the path does not decode.', [
          'msisdn_invalid',
          'request_unreadable',
        ]),
        ...change,
        '409': keyReused,
        '422': shared('PaymentRule', 'Refused: `payer_not_registered`.'),
      },
    },
  },
  '/admin/api/subscribers/{msisdn}/card': {
    put: {
      operationId: 'linkCard',
      summary: 'Link a bank card',
      description:
        'The simulated bank opens the card with `bankBalance` and it pays at once; a linked ' +
        'card is replaced while nothing is reserved on it.',
      tags,
      security: adminAuth,
      parameters: [msisdnParameter, idempotencyKey],
      requestBody: jsonBody(
        {
          bank: { type: 'string', pattern: fieldFormats.bank.pattern },
          last4: { type: 'string', pattern: fieldFormats.last4.pattern },
          bankBalance: { ...amountInput, default: '0.00' },
        },
        ['bank', 'last4'],
        { bank: 'BOC', last4: '4321', bankBalance: '300.00' },
      ),
      responses: {
        '200': answer('The subscriber as GET shows it.', ref('Subscriber')),
        '400': fieldRefusals([
          'msisdn_invalid',
          'bank_invalid',
          'last4_invalid',
          'bankBalance_invalid',
          ...amountRefusals,
        ]),
        ...command,
        '422': shared(
          'PaymentRule',
          'Refused: `payer_not_registered`, `account_not_available` (money reserved on the card).',
        ),
      },
    },
  },
  '/admin/api/subscribers/{msisdn}/top-ups': {
    post: {
      operationId: 'topUp',
      summary: 'Top up a wallet or phone bill',
      description:
        'Money received outside telepay (cash at an agent, a deposit), credited as a ledger ' +
        "transfer from the platform's funding account; the subscriber gets an SMS.",
      tags,
      security: adminAuth,
      parameters: [msisdnParameter, idempotencyKey],
      requestBody: jsonBody(
        {
          account: { type: 'string', enum: ['wallet', 'phone_bill'], default: 'wallet' },
          amount: amountInput,
        },
        ['amount'],
        { account: 'wallet', amount: '25.00' },
      ),
      responses: {
        '201': answer('Credited.', ref('TopUp')),
        '400': fieldRefusals(['msisdn_invalid', 'account_invalid', ...amountRefusals]),
        ...command,
        '422': shared(
          'PaymentRule',
          'Refused: `payer_not_registered`, `account_not_offered`, `amount_above_funding_max`, ' +
            '`wallet_cap_exceeded`.',
        ),
      },
    },
  },
}

const merchantPaths: Readonly<Record<string, PathItem>> = {
  '/admin/api/merchants': {
    get: {
      operationId: 'listMerchants',
      summary: 'List merchants and billers',
      description: 'Never their API keys.',
      tags,
      security: adminAuth,
      responses: { '200': answer('The merchants.', ref('MerchantList')), ...common },
    },
    post: {
      operationId: 'openMerchant',
      summary: 'Open a merchant or biller',
      description:
        'Answers its API key and webhook secret this once (generated unless given); telepay ' +
        "keeps the key's SHA-256.",
      tags,
      security: adminAuth,
      parameters: [idempotencyKey],
      requestBody: jsonBody(
        {
          code: { type: 'string', pattern: fieldFormats.merchantCode.pattern },
          category: { type: 'string', enum: ['merchant', 'biller'], default: 'merchant' },
          ...merchantFields,
          apiKey: { type: 'string', pattern: fieldFormats.apiKey.pattern },
        },
        ['code', 'name'],
        { code: '5001', name: 'Tea House', settlementBank: 'BOC', feeBasisPoints: 150 },
      ),
      responses: {
        '201': answer('Opened.', ref('MerchantOpened')),
        '400': fieldRefusals([
          'code_invalid',
          'category_invalid',
          'apiKey_invalid',
          ...merchantRefusals,
        ]),
        ...command,
        '409': refusal('The code or the API key is taken, or the Idempotency-Key reused.', [
          'merchant_already_exists',
          'api_key_in_use',
          'idempotency_key_reused',
        ]),
      },
    },
  },
  '/admin/api/merchants/{code}': {
    get: {
      operationId: 'getMerchant',
      summary: 'Read a merchant',
      tags,
      security: adminAuth,
      parameters: [codeParameter],
      responses: {
        '200': answer('The merchant.', ref('Merchant')),
        '400': refusal('The path does not decode.', ['request_unreadable']),
        ...common,
        '404': refusal('No such merchant.', ['merchant_not_found']),
      },
    },
    patch: {
      operationId: 'changeMerchant',
      summary: 'Change a merchant, rotate its API key',
      description:
        'Changes what is given (`null` clears `settlementBank`, `feeBasisPoints` or `feeMax`); ' +
        '`rotateApiKey: true` answers a new key once and the old one stops working.',
      tags,
      security: adminAuth,
      parameters: [codeParameter, idempotencyKey],
      requestBody: jsonBody({ ...merchantFields, rotateApiKey: { type: 'boolean' } }, [], {
        feeBasisPoints: 120,
        rotateApiKey: true,
      }),
      responses: {
        '200': answer('The merchant.', ref('MerchantChanged')),
        '400': fieldRefusals([...merchantRefusals]),
        ...command,
        '404': refusal('No such merchant.', ['merchant_not_found']),
      },
    },
  },
  '/admin/api/orders': {
    post: {
      operationId: 'createAdminOrder',
      summary: 'Open an order for a merchant',
      description: 'Numbered after the highest so far unless `orderNo` is given.',
      tags,
      security: adminAuth,
      parameters: [idempotencyKey],
      requestBody: jsonBody(
        {
          merchantCode: { type: 'string', pattern: fieldFormats.merchantCode.pattern },
          amount: amountInput,
          orderNo: { type: 'string', pattern: fieldFormats.orderNo.pattern },
          reference: { type: 'string', maxLength: 64 },
          description: { type: 'string', maxLength: 140 },
        },
        ['merchantCode', 'amount'],
        { merchantCode: '1002', amount: '80.00', reference: 'cinema-7' },
      ),
      responses: {
        '201': answer('The order.', ref('AdminOrder')),
        '400': fieldRefusals([
          'merchantCode_invalid',
          ...amountRefusals,
          'orderNo_invalid',
          'reference_invalid',
          'description_invalid',
        ]),
        ...command,
        '404': refusal('No such merchant.', ['merchant_not_found']),
        '409': refusal('The order number is taken, or the Idempotency-Key reused.', [
          'order_already_exists',
          'idempotency_key_reused',
        ]),
      },
    },
  },
}

const worldPaths: Readonly<Record<string, PathItem>> = {
  '/admin/api/world': {
    get: {
      operationId: 'exportWorld',
      summary: 'Export the world as a world file',
      description:
        'YAML (docs/world.md): balances as they are, PINs and API keys as their hashes; ' +
        '`telepay world export`.',
      tags,
      security: adminAuth,
      responses: {
        '200': {
          description: 'The world file.',
          content: { 'application/yaml': { schema: { type: 'string' } } },
        },
        ...common,
      },
    },
    post: {
      operationId: 'loadWorld',
      summary: 'Load a world file beside what the ledger holds',
      description:
        'What is new is added, what exists is kept; the answer counts both and lists what the ' +
        'core refused. `telepay world load`.',
      tags,
      security: adminAuth,
      requestBody: {
        required: true,
        description: 'The world file (JSON is YAML too).',
        content: {
          'application/yaml': {
            schema: { type: 'string' },
            example: "merchants:\n  - { code: '5001', name: Tea House }\n",
          },
          'application/json': { schema: { type: 'object' } },
        },
      },
      responses: {
        '200': answer('Loaded.', ref('WorldLoadReport')),
        '400': {
          description: 'No file, or a file with problems (each listed; nothing changed).',
          content: jsonContent({
            oneOf: [ref('WorldInvalid'), errorBody([...bodyRefusals])],
          }),
        },
        ...withBody,
      },
    },
  },
}

/** A check job: 202 when it starts, 200 when one is already running. */
const checkJobAnswer: ResponseObject = {
  description: 'Started: the job, and where to watch it.',
  headers: {
    Location: {
      description: 'The job, /admin/api/ledger/checks/{id}.',
      schema: { type: 'string' },
    },
  },
  content: jsonContent(ref('CheckJob')),
}

const ledgerPaths: Readonly<Record<string, PathItem>> = {
  '/admin/api/ledger/check': {
    get: {
      operationId: 'checkLedger',
      summary: 'Check that the ledger balances',
      description: 'Incremental by default (since the last check); `full` reads all history.',
      tags,
      security: adminAuth,
      parameters: [
        queryParameter('mode', 'How much to read.', {
          type: 'string',
          enum: ['incremental', 'full'],
          default: 'incremental',
        }),
      ],
      responses: {
        '200': answer('The check.', ref('LedgerCheck')),
        '400': refusal('An unknown mode.', ['mode_invalid']),
        ...common,
      },
    },
  },
  '/admin/api/ledger/checks': {
    post: {
      operationId: 'startLedgerCheck',
      summary: 'Start a full check in the background',
      description: 'One runs at a time; the last 10 finished are kept.',
      tags,
      security: adminAuth,
      responses: {
        '200': answer('A check was running already: that one.', ref('CheckJob')),
        '202': checkJobAnswer,
        ...change,
      },
    },
  },
  '/admin/api/ledger/checks/{id}': {
    get: {
      operationId: 'getLedgerCheck',
      summary: 'Watch a background check',
      tags,
      security: adminAuth,
      parameters: [pathParameter('id', 'The job, as started.', 'check-1')],
      responses: {
        '200': answer('The job.', ref('CheckJob')),
        '400': refusal('The path does not decode.', ['request_unreadable']),
        ...common,
        '404': refusal('No such job (or forgotten).', ['not_found']),
      },
    },
  },
  '/admin/api/transactions': {
    get: {
      operationId: 'listTransactions',
      summary: 'List and search payments, newest first',
      description:
        'Across channels, a page at a time; with `msisdn`, as payer or payee, however old. ' +
        'With `status`, `channel`, `merchant` or `reference` it is a search: only the payments ' +
        'that match every filter given. A search reads at most the newest 10,000 payments ' +
        'below `before` a page, so a page may come back short with a `nextBefore` that is not ' +
        'null: the search stopped at its bound and goes on from there.',
      tags,
      security: adminAuth,
      parameters: [
        queryParameter('msisdn', "Only this subscriber's payments.", { type: 'string' }),
        limitParameter,
        queryParameter('before', "The previous page's `nextBefore` (a payment id).", {
          type: 'string',
        }),
        queryParameter(
          'status',
          "A state, or the merchant API's `pending_authorization` or `processing`.",
          { type: 'string', enum: [...paymentStates, 'pending_authorization', 'processing'] },
        ),
        queryParameter('channel', "A channel's name.", {
          type: 'string',
          pattern: '^[a-z][a-z0-9_-]{0,19}$',
          examples: ['sms', 'ussd', 'wap', 'ivr', 'api', 'admin'],
        }),
        queryParameter('merchant', 'A merchant code.', {
          type: 'string',
          pattern: fieldFormats.merchantCode.pattern,
        }),
        queryParameter(
          'reference',
          "A payment's id, its transfer reference (`T00000A`) or the merchant's reference.",
          { type: 'string', maxLength: 64 },
        ),
      ],
      responses: {
        '200': answer('A page.', ref('TransactionPage')),
        '400': refusal('A malformed query.', [
          'msisdn_invalid',
          'limit_invalid',
          'before_invalid',
          'status_invalid',
          'channel_invalid',
          'merchant_invalid',
          'reference_invalid',
        ]),
        ...common,
      },
    },
  },
  '/admin/api/payments/{id}': {
    get: {
      operationId: 'getAnyPayment',
      summary: 'Read any payment, with the ledger transfers that moved its money',
      description:
        'The payment as `transactions` shows it, and its transfers oldest first (its own and ' +
        "any refund's), each with its legs: the payer's account, the merchant's and the fee " +
        "parties'; a transfer's legs sum to zero. `last` names the newest payment.",
      tags,
      security: adminAuth,
      parameters: [pathParameter('id', 'A payment id, or `last`.', 'P0000001')],
      responses: {
        '200': answer('The payment and its transfers.', ref('PaymentTransfers')),
        '400': refusal('The path does not decode.', ['request_unreadable']),
        ...common,
        '404': refusal('No such payment.', ['payment_not_found']),
      },
    },
  },
  '/admin/api/payments/{id}/trail': {
    get: {
      operationId: 'getAnyPaymentTrail',
      summary: "Read any payment's trail",
      description: '`last` names the newest payment.',
      tags,
      security: adminAuth,
      parameters: [pathParameter('id', 'A payment id, or `last`.', 'P0000001')],
      responses: {
        '200': answer('The trail.', ref('Trail')),
        '400': refusal('The path does not decode.', ['request_unreadable']),
        ...common,
        '404': refusal('No such payment.', ['payment_not_found']),
      },
    },
  },
  '/admin/api/settlements': {
    get: {
      operationId: 'getPartySettlement',
      summary: "Read a day's fees per party and per merchant",
      tags,
      security: adminAuth,
      parameters: [dateParameter],
      responses: {
        '200': answer('The settlement.', ref('AdminSettlement')),
        '400': refusal('No date, or not YYYY-MM-DD.', ['date_invalid']),
        ...common,
      },
    },
  },
  '/admin/api/settlements.csv': {
    get: {
      operationId: 'getPartySettlementCsv',
      summary: "Download a day's settlement as CSV",
      description:
        'What an operator opens in a spreadsheet or hands to a bank: one row per party with its ' +
        'fees, then one per merchant with its payments, gross, fees, refunds and net (yuan, as ' +
        'in the JSON).',
      tags,
      security: adminAuth,
      parameters: [dateParameter],
      responses: {
        '200': csvAnswer(
          'The settlement, as an attachment (`telepay-settlement-<date>.csv`).',
          'date,kind,code,name,payments,gross,fees,refunds,net',
        ),
        '400': refusal('No date, or not YYYY-MM-DD.', ['date_invalid']),
        ...common,
      },
    },
  },
}

const platformPaths: Readonly<Record<string, PathItem>> = {
  '/admin/api/messages': {
    get: {
      operationId: 'listMessages',
      summary: "Read one number's SMS, newest first",
      description:
        "Every SMS to and from it (MOs, replies, notices, other services' MTs), PINs of " +
        'MOs to the short code masked; kept 200 a number and 7 days.',
      tags,
      security: adminAuth,
      parameters: [
        {
          ...queryParameter('msisdn', 'The number.', {
            type: 'string',
            examples: ['8613800138000'],
          }),
          required: true,
        },
        limitParameter,
        queryParameter('before', "The previous page's `nextBefore` (a seq).", {
          type: 'integer',
        }),
      ],
      responses: {
        '200': answer('A page.', ref('MessagePage')),
        '400': refusal('A malformed query.', ['msisdn_invalid', 'limit_invalid', 'before_invalid']),
        ...common,
      },
    },
  },
  '/admin/api/outbox': {
    get: {
      operationId: 'listOutbox',
      summary: 'List notifications not yet delivered',
      tags,
      security: adminAuth,
      parameters: [
        queryParameter('kind', 'SMS notices or merchant webhooks.', {
          type: 'string',
          enum: ['sms', 'webhook'],
          default: 'sms',
        }),
      ],
      responses: { '200': answer('The outbox.', ref('Outbox')), ...common },
    },
  },
  '/admin/api/clock': {
    get: {
      operationId: 'getClock',
      summary: "Read the gateway's clock",
      description: 'Which clock it runs on and its time: a test clock may be far from the wall.',
      tags,
      security: adminAuth,
      responses: { '200': answer('The clock.', ref('Clock')), ...common },
    },
    post: {
      operationId: 'advanceClock',
      summary: 'Move the test clock',
      description: 'And run what becomes due (expiry, webhooks). Only with `clock: "test"`.',
      tags,
      security: adminAuth,
      requestBody: jsonBody(
        {
          advanceSeconds: {
            type: 'number',
            minimum: 0,
            maximum: 366 * 86_400,
            description: 'At most a year in one call.',
          },
        },
        ['advanceSeconds'],
        { advanceSeconds: 300 },
      ),
      responses: {
        '200': answer('The clock now.', ref('ClockAdvanced')),
        '400': fieldRefusals(['advance_invalid']),
        ...withBody,
        '409': refusal('The gateway runs on the system clock.', ['no_test_clock']),
      },
    },
  },
  '/admin/api/operating-model': {
    get: {
      operationId: 'getOperatingModel',
      summary: 'Read the running operating model',
      description: 'The accounts it offers, its rules, its fee shares and its party names.',
      tags,
      security: adminAuth,
      responses: { '200': answer('The model.', ref('OperatingModel')), ...common },
    },
  },
  '/admin/api/bank': {
    get: {
      operationId: 'getBank',
      summary: "Read the simulated bank's behaviour",
      tags,
      security: adminAuth,
      responses: { '200': answer('The behaviour.', ref('BankBehaviour')), ...common },
    },
    post: {
      operationId: 'setBank',
      summary: "Change the simulated bank's behaviour",
      description: '`down` makes card payments fail as the bank unavailable, `decline` refuses.',
      tags,
      security: adminAuth,
      requestBody: jsonBody(
        {
          mode: { type: 'string', enum: ['approve', 'decline', 'slow', 'timeout', 'down'] },
          slowMs: { type: 'integer', minimum: 0, description: 'The delay in `slow` mode.' },
        },
        [],
        { mode: 'down' },
      ),
      responses: {
        '200': answer('The behaviour now.', ref('BankBehaviour')),
        '400': fieldRefusals(['mode_invalid', 'slow_ms_invalid']),
        ...withBody,
      },
    },
  },
  '/admin/api/calls': {
    get: {
      operationId: 'listCalls',
      summary: 'List IVR call-detail records',
      description: 'Caller, number, start, end, duration, outcome, reference, keys (PINs masked).',
      tags,
      security: adminAuth,
      parameters: [
        queryParameter('msisdn', 'Only calls for this subscriber.', { type: 'string' }),
        limitParameter,
      ],
      responses: {
        '200': answer('The newest calls.', ref('CallRecords')),
        '400': refusal('A malformed query.', ['msisdn_invalid', 'limit_invalid']),
        ...common,
      },
    },
  },
}

/** The bind's id in the path: a whole number, as GET /admin/api/smpp/binds lists it. */
const bindIdParameter = pathParameter('id', 'The bind, as listed.', '3')
const webhookIdParameter = pathParameter('id', 'The webhook, as listed (its event id).', '12')

const consolePaths: Readonly<Record<string, PathItem>> = {
  '/admin/api/ussd/sessions': {
    get: {
      operationId: 'listUssdSessions',
      summary: 'List the open USSD sessions',
      description:
        'The 200 most recently active first, the number masked, with the start of the last ' +
        'screen; `open` counts them all.',
      tags,
      security: adminAuth,
      responses: { '200': answer('The open sessions.', ref('UssdSessions')), ...common },
    },
  },
  '/admin/api/ussd/sessions/{key}': {
    delete: {
      operationId: 'endUssdSession',
      summary: 'End an open USSD session',
      description:
        "The session ends as `ended_by_operator`; the subscriber's next key starts a new one.",
      tags,
      security: adminAuth,
      parameters: [pathParameter('key', 'The session, as listed.', 'at:ATUid_1')],
      responses: {
        '200': answer('Ended.', ref('EndedDialog')),
        '400': refusal('The path does not decode.', ['request_unreadable']),
        ...change,
        '404': refusal('No such session is open.', ['session_not_found']),
      },
    },
  },
  '/admin/api/calls/active': {
    get: {
      operationId: 'listActiveCalls',
      summary: 'List the calls in progress',
      description: 'The most recently active first.',
      tags,
      security: adminAuth,
      responses: { '200': answer('The calls in progress.', ref('ActiveCalls')), ...common },
    },
  },
  '/admin/api/calls/{callId}': {
    delete: {
      operationId: 'endCall',
      summary: 'Hang up a call in progress',
      description:
        'Hung up as a cap hangs up; its call-detail record says `ended_by_operator`, and its ' +
        'next keys are refused.',
      tags,
      security: adminAuth,
      parameters: [pathParameter('callId', 'The call, as listed.', 'c-1')],
      responses: {
        '200': answer('Ended.', ref('EndedCall')),
        '400': refusal('The path does not decode.', ['request_unreadable']),
        ...change,
        '404': refusal('No such call is in progress.', ['call_not_found']),
      },
    },
  },
  '/admin/api/overview': {
    get: {
      operationId: 'getOverview',
      summary: 'Read the live overview',
      description:
        'The gateway now: commands a second by channel and result with their latency over the ' +
        "last two minutes, open sessions and calls, the SMSC simulator's binds with their " +
        "windows and throughput, the outbox, the bank, the ledger's last check, the command " +
        'queue, and the alarms raised. Reading it runs an incremental ledger check at most ' +
        'every 30 s.',
      tags,
      security: adminAuth,
      responses: { '200': answer('A snapshot.', ref('Overview')), ...common },
    },
  },
  '/admin/api/overview/stream': {
    get: {
      operationId: 'streamOverview',
      summary: 'Follow the live overview, a snapshot a second',
      description:
        'Server-Sent Events, for the console: one snapshot a second shared by every open ' +
        'stream, at most 20 streams at once. A client that stops reading is cut after 5 ' +
        'snapshots queued, and reconnects.',
      tags,
      security: adminAuth,
      responses: {
        '200': {
          description: 'The overview as it changes, in a stream that stays open.',
          content: {
            'text/event-stream': {
              schema: {
                type: 'string',
                description:
                  '`retry: 2000`, then every second an `event: overview` whose `data:` is one ' +
                  'line of JSON: the Overview, as GET /admin/api/overview answers it.',
                pattern: '^retry: [0-9]+\\n\\n(event: overview\\ndata: \\{[^\\n]*\\}\\n\\n)*$',
              },
            },
          },
        },
        ...common,
        '503': {
          description:
            'The gateway is busy or stopping, or 20 streams are open already: retry in a few ' +
            'seconds.',
          headers: {
            'Retry-After': {
              description: 'Seconds to wait, when the streams are full.',
              schema: { type: 'string' },
            },
          },
          content: jsonContent(errorBody(['system_busy', 'streams_full'])),
        },
      },
    },
  },
  '/admin/api/smpp/binds': {
    get: {
      operationId: 'listSmppBinds',
      summary: "List the SMSC simulator's binds",
      description:
        'Each ESME bound now (the SMS channel, phones, services) with its window and the ' +
        'requests each way; none in operator mode or with SMS off.',
      tags,
      security: adminAuth,
      responses: { '200': answer('The binds.', ref('SmppBinds')), ...common },
    },
  },
  '/admin/api/smpp/binds/{id}': {
    delete: {
      operationId: 'endSmppBind',
      summary: 'End a bind to the SMSC simulator',
      description: 'The simulator unbinds the ESME and closes its connection; it may bind again.',
      tags,
      security: adminAuth,
      parameters: [bindIdParameter],
      responses: {
        '200': answer('Unbound.', ref('SmppUnbound')),
        '400': refusal('Not a bind id, or the path does not decode.', [
          'bind_id_invalid',
          'request_unreadable',
        ]),
        ...change,
        '404': refusal('No such bind (it ended already).', ['bind_not_found']),
      },
    },
  },
  '/admin/api/webhooks': {
    get: {
      operationId: 'listWebhooks',
      summary: "List the merchants' webhooks, newest first",
      description:
        'Delivered, pending or abandoned, a page at a time, with their attempts and last error.',
      tags,
      security: adminAuth,
      parameters: [
        limitParameter,
        queryParameter('before', "The previous page's `nextBefore` (a webhook id).", {
          type: 'integer',
          minimum: 1,
        }),
      ],
      responses: {
        '200': answer('A page.', ref('WebhookPage')),
        '400': refusal('A malformed query.', ['limit_invalid', 'before_invalid']),
        ...common,
      },
    },
  },
  '/admin/api/webhooks/{id}/resend': {
    post: {
      operationId: 'resendWebhook',
      summary: 'Send a webhook again',
      description:
        'Whatever its state, it is put back in the outbox, due now, with the same body and ' +
        'event id: a merchant that was down gets it, one that had it gets it twice. No body.',
      tags,
      security: adminAuth,
      parameters: [webhookIdParameter],
      responses: {
        '200': answer('The webhook, pending again.', ref('Webhook')),
        '400': refusal('Not a webhook id, or the path does not decode.', [
          'webhook_id_invalid',
          'request_unreadable',
        ]),
        ...change,
        '404': refusal('No such webhook.', ['webhook_not_found']),
      },
    },
  },
}

export const adminPaths: Readonly<Record<string, PathItem>> = {
  ...subscriberPaths,
  ...merchantPaths,
  ...worldPaths,
  ...ledgerPaths,
  ...platformPaths,
  ...consolePaths,
}
