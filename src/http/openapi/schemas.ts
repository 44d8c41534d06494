/**
 * schemas.ts - the shapes of the merchant and admin APIs' JSON answers, as JSON Schema 2020-12
 * for the OpenAPI document's components.schemas. Objects are closed (additionalProperties false):
 * the OpenAPI test validates real answers against them, so a field renamed or added in a route
 * and not here fails it. Enumerations come from the core where it has them (payment states,
 * funding accounts, reasons), so that the document cannot fall behind the code. Exports schemas,
 * ref, errorBody, reasonsAnswered, merchantStatuses, amountPattern and dateTimePattern.
 */
import type { AccountKind, Reason } from '../../core/index.js'
import { fundingKinds, operatingModelIds, paymentStates, reasons } from '../../core/index.js'
import { smsStates } from '../../gateway/handset/index.js'
import { httpStatusOf } from '../../gateway/http/status.js'
import { alarmIds } from '../overview/alarms.js'
import type { JsonSchema } from './types.js'

/** "25.00": yuan with exactly two decimals, as formatAmount writes them (negative: owed). */
export const amountPattern = '^-?[0-9]+\\.[0-9]{2}$'

/** An instant as Date#toISOString writes it; the test gives ajv this for `date-time`. */
export const dateTimePattern = '^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}\\.[0-9]{3}Z$'

/** A reference to one of components.schemas. */
export function ref(name: keyof typeof schemas): JsonSchema {
  return { $ref: `#/components/schemas/${name}` }
}

/** The refusal body `{ error, message }` whose `error` is one of `codes`. */
export function errorBody(codes: readonly string[]): JsonSchema {
  return {
    $ref: '#/components/schemas/Error',
    type: 'object',
    properties: { error: { type: 'string', enum: [...codes] } },
  }
}

/** The core's refusal reasons a route answers with `status` (src/gateway/http/status.ts). */
export function reasonsAnswered(status: number): Reason[] {
  return reasons.filter((reason) => httpStatusOf(reason) === status)
}

const amount: JsonSchema = {
  type: 'string',
  pattern: amountPattern,
  description: 'Yuan as a string with two decimals.',
  examples: ['25.00'],
}
const nullableAmount: JsonSchema = { type: ['string', 'null'], pattern: amountPattern }
const dateTime: JsonSchema = { type: 'string', format: 'date-time' }
const nullableDateTime: JsonSchema = { type: ['string', 'null'], format: 'date-time' }
const msisdn: JsonSchema = {
  type: 'string',
  pattern: '^[1-9][0-9]{7,14}$',
  description: 'International digits, no prefix.',
  examples: ['8613800138000'],
}
const text: JsonSchema = { type: 'string' }
const nullableText: JsonSchema = { type: ['string', 'null'] }
const count: JsonSchema = { type: 'integer', minimum: 0 }

/** An RFID-SIM's card number: the issuer 8601 and the MSISDN padded to 16 digits. */
const cardNumber: JsonSchema = {
  type: 'string',
  pattern: '^[0-9]{20}$',
  examples: ['86010008613800138000'],
}
const paymentId: JsonSchema = {
  type: 'string',
  pattern: '^P[0-9A-Z]{7,}$',
  examples: ['P0000001'],
}
const transferRef: JsonSchema = { type: 'string', pattern: '^T[0-9A-Z]{6}$', examples: ['T000005'] }
const funding: JsonSchema = { type: 'string', enum: [...fundingKinds] }
const nullableNumber: JsonSchema = { type: ['number', 'null'] }
/** The fee parties' accounts a payment's legs credit. */
const feeAccounts = ['operator_fees', 'bank_fees', 'platform_fees'] as const satisfies AccountKind[]
const smppMode: JsonSchema = {
  type: 'string',
  enum: ['simulator', 'operator', 'none'],
  description: '`none`: SMS is off.',
}
const smppBindFields: Readonly<Record<string, JsonSchema>> = {
  id: count,
  systemId: text,
  bindType: { type: 'string', enum: ['transmitter', 'receiver', 'transceiver'] },
  remote: { type: 'string', description: "The ESME's address and port." },
  outstanding: { ...count, description: 'Our requests to it awaiting a response.' },
  windowMax: count,
  queued: { ...count, description: 'Our requests waiting for room in the window.' },
  requestsIn: { ...count, description: 'Requests it sent us since it bound.' },
  requestsOut: { ...count, description: 'Requests we sent it since it bound.' },
}
const language: JsonSchema = { type: 'string', enum: ['en', 'zh'] }

/** An object whose every listed field is always there, and nothing else. */
function closed(
  properties: Readonly<Record<string, JsonSchema>>,
  description?: string,
): JsonSchema {
  return {
    type: 'object',
    ...(description === undefined ? {} : { description }),
    properties,
    required: Object.keys(properties),
    additionalProperties: false,
  }
}

const checkoutId: JsonSchema = {
  type: 'string',
  pattern: '^ck_',
  examples: ['ck_3q2-7wEr0Ykz1fVxGx4Lkw'],
}

/** A payment's status in the merchant API's words (merchantStatusOf). */
export const merchantStatuses = [
  'pending_authorization',
  'processing',
  'completed',
  'declined',
  'cancelled',
  'expired',
  'failed',
]

const partyNames = closed(
  { operator: text, bank: text, platform: text },
  'What the running operating model calls each fee party.',
)
const partyFees: JsonSchema = {
  type: 'array',
  items: closed({
    party: { type: 'string', enum: ['operator', 'bank', 'platform'] },
    fees: amount,
  }),
}
const fields = closed({ subscribers: count, merchants: count, orders: count })
const merchantFields: Readonly<Record<string, JsonSchema>> = {
  code: { type: 'string', pattern: '^[0-9]{3,8}$' },
  name: text,
  category: { type: 'string', enum: ['merchant', 'biller'] },
  settlementBank: nullableText,
  feeBasisPoints: {
    type: ['integer', 'null'],
    description: "Its own fee rate (150 = 1.50 %); null: the platform's.",
  },
  feeFixed: amount,
  feeMin: amount,
  feeMax: { ...nullableAmount, description: 'null: no cap.' },
  balance: amount,
}

export const schemas = {
  Error: {
    ...closed({
      error: { type: 'string', description: 'A stable snake_case code.' },
      message: { type: 'string', description: 'In English, for a person.' },
    }),
    description: 'Every refusal: a code to act on and words to show.',
  },
  Amount: amount,
  PaymentRequestAccepted: closed({
    id: paymentId,
    status: { const: 'pending_authorization' },
    checkoutUrl: {
      type: 'string',
      pattern: '^/checkout/P[0-9A-Z]{7,}\\?t=[0-9a-f]{32}$',
      description: "The shopper's page of this request, with its token.",
    },
  }),
  Payment: closed(
    {
      id: paymentId,
      status: { type: 'string', enum: merchantStatuses, description: "The merchant API's words." },
      state: { type: 'string', enum: [...paymentStates], description: "The core's state." },
      kind: {
        type: 'string',
        enum: ['merchant', 'order', 'bill', 'airtime', 'send', 'load', 'card'],
      },
      initiator: { type: 'string', enum: ['payer', 'merchant'] },
      channel: { type: 'string', examples: ['api', 'sms', 'ussd'] },
      msisdn: msisdn,
      account: funding,
      merchant: nullableText,
      payee: { type: ['string', 'null'], description: 'The payee of a transfer to a phone.' },
      orderNo: nullableText,
      customerRef: nullableText,
      amount,
      fee: amount,
      refunded: amount,
      currency: { const: 'CNY' },
      reference: nullableText,
      description: nullableText,
      transactionRef: { type: ['string', 'null'], pattern: '^T[0-9A-Z]{6}$' },
      reason: { type: ['string', 'null'], description: 'Why it was declined or failed.' },
      createdAt: dateTime,
      updatedAt: dateTime,
      expiresAt: { ...nullableDateTime, description: 'While it waits for the PIN.' },
    },
    'A payment as the merchant and admin APIs show it.',
  ),
  Trail: closed(
    {
      payment: closed({
        id: paymentId,
        state: { type: 'string', enum: [...paymentStates] },
        status: { type: 'string', enum: merchantStatuses },
        kind: text,
        channel: text,
        initiator: { type: 'string', enum: ['payer', 'merchant'] },
        payer: msisdn,
        merchant: nullableText,
        payee: nullableText,
        amount,
        funding,
        createdAt: dateTime,
      }),
      model: { type: 'string', enum: [...operatingModelIds] },
      complete: { type: 'boolean', description: 'Steps 1 to 8 are all recorded.' },
      delivered: { type: 'boolean', description: 'Step 9 (delivery) is recorded.' },
      steps: {
        type: 'array',
        items: closed({
          step: {
            type: ['integer', 'string'],
            description: '1 to 9, or a branch: declined, cancelled, expired, failed, refund.',
          },
          name: text,
          status: { type: 'string', enum: ['done', 'skipped'] },
          at: dateTime,
          atMs: count,
          from: text,
          to: text,
          actor: text,
          detail: text,
        }),
      },
    },
    "A payment's nine-step trail (docs/payments.md).",
  ),
  MerchantOrder: closed({
    orderNo: { type: 'string', pattern: '^[0-9]{4,12}$' },
    amount,
    reference: text,
    description: text,
  }),
  Refund: closed({
    paymentId: paymentId,
    refundRef: transferRef,
    amount,
    refunded: { ...amount, description: 'Refunded so far, this refund included.' },
    remaining: { ...amount, description: 'What may still be refunded.' },
  }),
  MerchantSettlement: closed({
    date: { type: 'string', format: 'date' },
    merchant: text,
    currency: { const: 'CNY' },
    payments: count,
    gross: amount,
    fees: amount,
    refunds: amount,
    net: amount,
    operatingModel: { type: 'string', enum: [...operatingModelIds] },
    partyNames,
    parties: partyFees,
  }),
  MerchantProfile: closed(
    {
      code: { type: 'string', pattern: '^[0-9]{3,8}$' },
      name: text,
      category: { type: 'string', enum: ['merchant', 'biller'] },
      settlementBank: nullableText,
      fee: closed(
        {
          basisPoints: { ...count, description: "Its rate (150 = 1.50 %), or the platform's." },
          fixed: amount,
          min: amount,
          max: { ...nullableAmount, description: 'null: no cap.' },
        },
        'Its fee rule.',
      ),
      apiKeyLast4: {
        type: 'string',
        maxLength: 4,
        description: 'Of the key this request used: telepay keeps only its SHA-256.',
      },
      apiKeyStored: { const: 'sha256' },
    },
    'The merchant as its portal shows it; never its API key.',
  ),
  WebhookSecret: closed({
    webhookSecret: {
      type: 'string',
      description: 'Webhooks and checkout results are signed with it (HMAC-SHA256).',
    },
  }),
  MerchantPaymentPage: closed({
    payments: { type: 'array', items: { $ref: '#/components/schemas/Payment' } },
    next: {
      type: ['string', 'null'],
      description: "The next page's `before` (a payment id); null on the last page.",
    },
  }),
  PaymentWithTrail: closed({
    payment: { $ref: '#/components/schemas/Payment' },
    trail: { $ref: '#/components/schemas/Trail' },
  }),
  Sales: closed(
    {
      from: { type: 'string', format: 'date' },
      to: { type: 'string', format: 'date' },
      currency: { const: 'CNY' },
      channels: { type: 'array', items: text, description: 'The channels that sold, by name.' },
      days: {
        type: 'array',
        description: 'Every day of the range, oldest first.',
        items: closed({
          date: { type: 'string', format: 'date' },
          payments: count,
          gross: amount,
          fees: amount,
          refunded: amount,
          net: amount,
          byChannel: {
            type: 'object',
            description: 'The channels that sold that day, by name.',
            additionalProperties: closed({ payments: count, gross: amount }),
          },
        }),
      },
    },
    "The merchant's completed payments by local day and channel, dated by when they were made.",
  ),
  MerchantOrderPage: closed({
    orders: {
      type: 'array',
      items: closed({
        orderNo: { type: 'string', pattern: '^[0-9]{4,12}$' },
        amount,
        reference: text,
        description: text,
        status: { type: 'string', enum: ['open', 'paid'] },
        paymentId: { ...nullableText, description: 'The payment that paid it.' },
        createdAt: dateTime,
      }),
    },
    next: {
      type: ['string', 'null'],
      description: "The next page's `before` (an order number); null on the last page.",
    },
  }),
  WebhookDeliveries: closed({
    deliveries: {
      type: 'array',
      items: closed({
        eventId: { ...count, description: 'As the body and X-Telepay-Event-Id carry it.' },
        paymentId,
        url: text,
        state: { type: 'string', enum: ['delivered', 'retrying', 'abandoned'] },
        attempts: count,
        createdAt: dateTime,
        deliveredAt: nullableDateTime,
        nextAttemptAt: nullableDateTime,
        tries: {
          type: 'array',
          description: 'Each attempt, newest first.',
          items: closed({
            attempt: { type: 'integer', minimum: 1 },
            at: dateTime,
            statusCode: {
              type: ['integer', 'null'],
              description: "The answer's status; null: none came (a timeout, a refusal).",
            },
            response: {
              type: 'string',
              maxLength: 256,
              description: 'The first characters of the answer, or the error.',
            },
            signature: { type: 'string', description: 'X-Telepay-Signature as sent.' },
            body: { type: 'string', description: 'The JSON sent.' },
          }),
        },
      }),
    },
    next: {
      type: ['string', 'null'],
      description: "The next page's `before` (an event id); null on the last page.",
    },
  }),
  CheckoutOpened: closed(
    {
      id: checkoutId,
      url: {
        type: 'string',
        pattern: '^/checkout/ck_',
        description: "The checkout's page on this gateway: send the shopper there.",
      },
      amount,
      reference: text,
      returnUrl: { type: 'string', format: 'uri' },
      expiresAt: { ...dateTime, description: 'Half an hour after it was opened.' },
    },
    'A web checkout, open for its shopper.',
  ),
  Checkout: closed({
    id: {
      ...checkoutId,
      pattern: '^(ck_|P)',
      description: "The checkout's; or a recent payment request's, whose page follows it.",
    },
    status: {
      type: 'string',
      enum: ['open', ...merchantStatuses],
      description:
        "`open` until the shopper types a number, then the payment's; `cancelled` or " +
        '`expired` when none was asked.',
    },
    paymentId: { ...nullableText, description: 'Once the shopper typed a number.' },
    amount,
    reference: text,
    expiresAt: dateTime,
    reason: { ...nullableText, description: 'Why the payment was declined or failed.' },
  }),
  Health: closed({
    status: { type: 'string', enum: ['ready', 'not_ready'] },
    store: { type: 'string', enum: ['ok', 'unavailable'] },
    channels: {
      type: 'object',
      additionalProperties: { type: 'string', enum: ['ready', 'not_ready'] },
      description: 'Each channel that runs, by name.',
    },
    commandQueueDepth: count,
  }),
  Subscriber: closed({
    msisdn,
    name: text,
    language,
    locked: { type: 'boolean', description: 'Locked after wrong PINs, until lockedUntil.' },
    lockedUntil: nullableDateTime,
    pendingPaymentId: { type: ['string', 'null'], description: 'The payment waiting for YES.' },
    accounts: {
      type: 'array',
      items: {
        oneOf: [
          closed(
            {
              account: { type: 'string', enum: ['wallet', 'phone_bill'] },
              balance: amount,
              creditLimit: { ...amount, description: 'How far below zero it may go.' },
            },
            'A wallet or phone bill, held in the ledger.',
          ),
          closed(
            {
              account: { const: 'bank' },
              balance: { ...nullableAmount, description: "The bank's; null: it has no card." },
              bank: text,
              last4: { type: 'string', pattern: '^[0-9]{4}$' },
              drawn: { ...amount, description: 'Paid with the card through telepay.' },
              reserved: { ...amount, description: 'Held for card payments under way.' },
            },
            "A linked bank card; its balance is the bank's.",
          ),
        ],
      },
    },
    limits: closed(
      {
        date: { type: 'string', format: 'date', description: 'The local (China) day.' },
        dailyMax: { ...amount, description: 'What may leave the subscriber in a day.' },
        usedToday: {
          ...amount,
          description:
            'What left the subscriber this day, over all their accounts (a wallet load from ' +
            'their own card does not count).',
        },
        leftToday: { ...amount, description: 'dailyMax less usedToday, never below 0.00.' },
        microPaymentMax: {
          ...amount,
          description:
            "The micro-payment line: below it the SIM authorizes; the phone bill's most.",
        },
        walletPaymentMax: { ...amount, description: 'The most one wallet payment may be.' },
        walletHeldMax: { ...amount, description: 'The most a wallet may hold.' },
        bankPaymentMax: { ...amount, description: 'The most one card payment may be.' },
        pinAttemptsMax: { type: 'integer', minimum: 1, description: 'Wrong PINs before a lock.' },
      },
      "The subscriber's limits, and what is left of the daily one.",
    ),
  }),
  LedgerCheck: closed({
    balanced: { type: 'boolean' },
    mode: { type: 'string', enum: ['incremental', 'full'] },
    checkedThroughTransfer: count,
    transfersRead: count,
    transfers: count,
    entries: count,
    accounts: count,
    total: {
      ...amount,
      description: 'The sum of every balance: 0.00 when balanced.',
      examples: ['0.00'],
    },
    orphanTransfers: count,
    unbalancedTransfers: {
      type: 'array',
      items: closed({ transferId: count, sum: amount }),
    },
    driftedAccounts: {
      type: 'array',
      items: closed({ accountId: count, balance: amount, entries: amount }),
    },
    reservationMismatches: {
      type: 'array',
      items: closed({ accountId: count, reserved: amount, authorized: amount }),
    },
  }),
  CheckJob: closed({
    id: { type: 'string', pattern: '^check-[0-9]+$' },
    state: { type: 'string', enum: ['running', 'done', 'failed'] },
    startedAt: dateTime,
    finishedAt: nullableDateTime,
    transfersRead: count,
    transfersTotal: count,
    result: { oneOf: [{ type: 'null' }, { $ref: '#/components/schemas/LedgerCheck' }] },
    error: nullableText,
  }),
  TopUp: closed({
    msisdn,
    account: { type: 'string', enum: ['wallet', 'phone_bill'] },
    amount,
    balance: { ...nullableAmount, description: 'The account after the top-up.' },
    reference: transferRef,
  }),
  Merchant: closed(merchantFields),
  MerchantList: closed({
    merchants: { type: 'array', items: { $ref: '#/components/schemas/Merchant' } },
  }),
  MerchantOpened: closed(
    {
      ...merchantFields,
      apiKey: { type: 'string', description: 'telepay keeps only its SHA-256.' },
      webhookSecret: text,
    },
    'The merchant, with its API key and webhook secret shown this once.',
  ),
  MerchantChanged: {
    type: 'object',
    description: 'The merchant; apiKey when rotated and webhookSecret when changed, this once.',
    properties: { ...merchantFields, apiKey: text, webhookSecret: text },
    required: Object.keys(merchantFields),
    additionalProperties: false,
  },
  AdminOrder: closed({
    orderNo: { type: 'string', pattern: '^[0-9]{4,12}$' },
    merchantCode: text,
    amount,
    reference: text,
    description: text,
  }),
  WorldLoadReport: closed({
    added: fields,
    kept: fields,
    refused: {
      type: 'array',
      items: text,
      description: 'One line per step the core refused, naming what and why.',
    },
  }),
  WorldInvalid: closed({
    error: { const: 'world_invalid' },
    message: text,
    problems: { type: 'array', items: text, description: 'Each with its place in the file.' },
  }),
  TransactionPage: closed({
    transactions: { type: 'array', items: { $ref: '#/components/schemas/Payment' } },
    nextBefore: {
      type: ['string', 'null'],
      description: "The next page's `before`; null on the last page.",
    },
  }),
  Sms: closed({
    seq: count,
    messageId: text,
    msisdn,
    direction: { type: 'string', enum: ['mo', 'mt'] },
    party: { type: 'string', description: 'The other end: the short code or another service.' },
    text,
    coding: { type: 'string', examples: ['gsm7', 'ucs2'] },
    parts: { type: 'integer', minimum: 1 },
    state: { type: 'string', enum: [...smsStates] },
    createdAt: dateTime,
    updatedAt: dateTime,
  }),
  MessagePage: closed({
    messages: { type: 'array', items: { $ref: '#/components/schemas/Sms' } },
    nextBefore: { type: ['integer', 'null'], description: "The next page's `before`." },
  }),
  ClockAdvanced: closed({ now: dateTime }),
  BankBehaviour: closed({
    mode: { type: 'string', enum: ['approve', 'decline', 'slow', 'timeout', 'down'] },
    slowMs: count,
  }),
  AdminSettlement: closed({
    date: { type: 'string', format: 'date' },
    currency: { const: 'CNY' },
    operatingModel: { type: 'string', enum: [...operatingModelIds] },
    partyNames,
    parties: partyFees,
    merchants: {
      type: 'array',
      items: closed({
        merchant: text,
        payments: count,
        gross: amount,
        fees: amount,
        refunds: amount,
        net: amount,
      }),
    },
  }),
  OperatingModel: closed({
    operatingModel: { type: 'string', enum: [...operatingModelIds] },
    accounts: { type: 'array', items: funding },
    cardPaysOwnBankOnly: { type: 'boolean' },
    selfRegistration: { type: 'boolean' },
    microPaymentMax: amount,
    feeShares: {
      type: 'object',
      description: 'Percent of a fee each party takes, by funding account.',
      additionalProperties: {
        type: 'array',
        items: closed({ party: text, percent: { type: 'number' } }),
      },
    },
    partyNames,
  }),
  Outbox: closed({
    outbox: {
      type: 'array',
      items: closed({
        id: count,
        kind: { type: 'string', enum: ['sms', 'webhook'] },
        attempts: count,
        createdAt: dateTime,
        to: { type: ['string', 'null'], description: 'The MSISDN or the webhook URL.' },
        text: nullableText,
        paymentId: nullableText,
      }),
    },
  }),
  CallRecords: closed({
    calls: {
      type: 'array',
      items: closed({
        callId: text,
        provider: text,
        caller: text,
        msisdn: nullableText,
        number: text,
        language,
        startedAt: dateTime,
        endedAt: nullableDateTime,
        durationSeconds: { type: ['number', 'null'] },
        outcome: nullableText,
        reference: nullableText,
        steps: count,
        inputs: { type: 'array', items: text, description: 'Keys as typed, PINs masked.' },
      }),
    },
  }),
  PaymentTransfers: closed(
    {
      payment: { $ref: '#/components/schemas/Payment' },
      transfers: {
        type: 'array',
        description: 'Oldest first; none while it waits or when it was refused.',
        items: closed({
          id: count,
          reference: transferRef,
          kind: { type: 'string', enum: ['payment', 'refund'] },
          createdAt: dateTime,
          legs: {
            type: 'array',
            items: closed({
              leg: count,
              account: { type: 'string', enum: [...fundingKinds, 'merchant', ...feeAccounts] },
              owner: { type: 'string', description: 'An MSISDN, a merchant code or `platform`.' },
              side: { type: 'string', enum: ['debit', 'credit'] },
              amount,
            }),
          },
          total: { ...amount, description: "The legs' sum: 0.00.", examples: ['0.00'] },
        }),
      },
      exchange: {
        oneOf: [
          { type: 'null' },
          closed(
            {
              channel: { type: 'string', enum: ['ussd', 'wap'] },
              dialog: {
                type: 'string',
                description: '`<provider>:<session>` for USSD, `wap:<session>` for WAP.',
              },
              msisdn,
              startedAt: dateTime,
              earlierSteps: {
                ...count,
                description: 'Steps before the first shown, no longer kept (16 are kept).',
              },
              steps: {
                type: 'array',
                items: closed({
                  at: dateTime,
                  input: {
                    ...nullableText,
                    description:
                      'The dial string, the key typed, the page asked for or the fields ' +
                      'posted; a PIN as ****.',
                  },
                  screen: {
                    type: 'string',
                    description: 'USSD: `CON`/`END` and the text; WAP: the title and lines.',
                  },
                }),
              },
            },
            'What the USSD session or WAP visit that made the payment showed and was given, ' +
              'step by step, while the gateway keeps it (the 10,000 most recent payments of ' +
              'those channels; not across a restart).',
          ),
        ],
      },
    },
    'A payment, the ledger transfers that moved its money (its own and any refund), and the ' +
      'channel exchange that made it (null: none kept, or made another way).',
  ),
  Clock: closed({
    clock: {
      type: 'string',
      enum: ['test', 'system'],
      description: '`test`: moved only by POST /admin/api/clock.',
    },
    now: dateTime,
  }),
  Webhook: closed(
    {
      id: { ...count, description: 'The event id (X-Telepay-Event-Id).' },
      merchant: nullableText,
      paymentId: nullableText,
      url: nullableText,
      state: { type: 'string', enum: ['pending', 'delivered', 'abandoned'] },
      attempts: count,
      lastError: { ...nullableText, description: 'Why the last attempt failed.' },
      createdAt: dateTime,
      nextAttemptAt: { ...nullableDateTime, description: 'While pending.' },
      deliveredAt: nullableDateTime,
      abandonedAt: nullableDateTime,
    },
    "A merchant's webhook: a payment's final status POSTed to its callbackUrl.",
  ),
  WebhookPage: closed({
    webhooks: { type: 'array', items: { $ref: '#/components/schemas/Webhook' } },
    nextBefore: {
      type: ['integer', 'null'],
      description: "The next page's `before`; null on the last page.",
    },
  }),
  SmppBinds: closed({
    mode: smppMode,
    binds: {
      type: 'array',
      items: closed(
        { ...smppBindFields, boundAtMs: { ...count, description: 'When it bound, in ms.' } },
        'An ESME bound to the SMSC simulator (none in operator mode).',
      ),
    },
  }),
  SmppUnbound: closed({ id: count, unbound: { const: true } }),
  UssdSessions: closed({
    open: { ...count, description: 'Open sessions in all, listed or not.' },
    sessions: {
      type: 'array',
      items: closed(
        {
          key: { ...text, description: '`<provider>:<session id>`: DELETE takes it.' },
          provider: text,
          msisdn: { ...text, description: 'Masked, as in the log (86*******8000).' },
          startedAt: dateTime,
          activeAt: dateTime,
          hops: count,
          screen: { ...text, description: 'The first 80 characters of the last screen.' },
        },
        'An open USSD session.',
      ),
    },
  }),
  EndedDialog: closed({
    key: text,
    ended: { const: true },
    outcome: { const: 'ended_by_operator' },
  }),
  ActiveCalls: closed({
    calls: {
      type: 'array',
      items: closed(
        {
          callId: text,
          provider: text,
          caller: text,
          number: text,
          startedAt: dateTime,
          activeAt: dateTime,
          steps: count,
        },
        'A call in progress.',
      ),
    },
  }),
  EndedCall: closed({
    callId: text,
    ended: { const: true },
    outcome: { const: 'ended_by_operator' },
  }),
  Overview: closed(
    {
      at: dateTime,
      chart: closed(
        {
          startSecond: { ...count, description: 'The first second, in seconds since 1970.' },
          commands: { type: 'array', items: count },
          byChannel: {
            type: 'object',
            additionalProperties: { type: 'array', items: count },
            description: "Each channel's commands a second, by name.",
          },
          p50Ms: { type: 'array', items: nullableNumber },
          p99Ms: { type: 'array', items: nullableNumber },
        },
        'The last 120 seconds, oldest first, one array per figure.',
      ),
      lastMinute: closed({
        commands: count,
        perSecond: { type: 'number', minimum: 0 },
        byChannel: { type: 'object', additionalProperties: count },
        byResult: {
          type: 'object',
          additionalProperties: count,
          description: '`ok` or the refusal reason.',
        },
      }),
      sessions: closed({ ussd: count, ivr: count, wap: count }, 'Open now.'),
      smpp: closed({
        mode: smppMode,
        binds: {
          type: 'array',
          items: closed({
            ...smppBindFields,
            boundAt: dateTime,
            inPerSecond: { ...nullableNumber, description: 'Since the last snapshot.' },
            outPerSecond: nullableNumber,
          }),
        },
      }),
      outbox: closed(
        { sms: count, webhook: count, card_load: count },
        'Notifications waiting: SMS, webhooks, and card top-ups to send over the air.',
      ),
      bank: { $ref: '#/components/schemas/BankBehaviour' },
      ledger: {
        description: 'The last incremental check (every 30 s while someone watches); null before.',
        oneOf: [
          { type: 'null' },
          closed({
            balanced: { type: 'boolean' },
            checkedAt: dateTime,
            transfers: count,
            total: { ...amount, description: 'The sum of every balance.', examples: ['0.00'] },
          }),
        ],
      },
      commandQueueDepth: count,
      channels: {
        type: 'object',
        additionalProperties: { type: 'boolean' },
        description: 'Each channel that runs, ready or not.',
      },
      alarms: {
        type: 'array',
        items: closed({
          id: { type: 'string', enum: [...alarmIds] },
          level: { type: 'string', enum: ['bad', 'warn'] },
          text,
        }),
      },
    },
    'The gateway now, as the operator console shows it.',
  ),
  // On-site payment (src/http/clearing-api.ts, src/http/admin-onsite.ts).
  ClearingAnswer: closed({
    batchNo: text,
    terminal: text,
    terminalId: { type: 'string', pattern: '^[0-9]{12}$' },
    merchant: text,
    records: count,
    accepted: count,
    duplicates: { type: 'array', items: count, description: 'Terminal serials cleared before.' },
    refused: {
      type: 'array',
      items: closed({
        terminalSerial: count,
        reason: {
          type: 'string',
          enum: [
            'key_version_unknown',
            'card_unknown',
            'type_unknown',
            'time_invalid',
            'tac_mismatch',
          ],
        },
      }),
    },
    cleared: amount,
    fee: amount,
    gaps: closed({
      terminalSerials: { type: 'array', items: { type: 'array', items: count } },
      cards: {
        type: 'array',
        items: closed({
          cardNumber: cardNumber,
          cardSerials: { type: 'array', items: { type: 'array', items: count } },
        }),
      },
      truncated: { type: 'boolean' },
    }),
  }),
  TerminalBlacklist: closed({ terminal: text, cards: { type: 'array', items: cardNumber } }),
  ClearingReport: closed({
    date: { type: 'string', format: 'date' },
    terminals: {
      type: 'array',
      items: closed({
        merchant: text,
        terminalId: text,
        purchases: count,
        amount,
        fee: amount,
        net: amount,
        serials: { type: 'array', items: count },
      }),
    },
    total: closed({ purchases: count, amount, fee: amount, net: amount }),
  }),
  PurseReconciliation: closed({
    float: amount,
    cardsKnown: amount,
    inFlight: amount,
    difference: amount,
    balanced: { type: 'boolean' },
    cards: count,
  }),
  CardPurse: closed({
    cardNumber,
    msisdn: { type: ['string', 'null'] },
    balanceKnown: amount,
    inFlight: amount,
    blacklisted: { type: 'boolean' },
    cleared: {
      type: 'array',
      items: closed({
        terminalId: text,
        terminalSerial: count,
        merchant: text,
        cardSerial: count,
        amount,
        balanceAfter: amount,
        at: dateTime,
        clearedAt: dateTime,
      }),
    },
  }),
  Blacklist: closed({ cards: { type: 'array', items: cardNumber } }),
  BlacklistChange: closed({ cardNumber, blacklisted: { type: 'boolean' } }),
  CardLoad: closed({
    paymentId: text,
    msisdn,
    cardNumber,
    amount,
    stage: { type: 'string', enum: ['init', 'credit', 'settle', 'done'] },
    attempts: count,
    creditSent: { type: 'boolean' },
    nextAttemptAt: dateTime,
    outcome: { type: ['string', 'null'], enum: ['loaded', 'refunded', null] },
    detail: nullableText,
  }),
  CardLoads: closed({ loads: { type: 'array', items: { $ref: '#/components/schemas/CardLoad' } } }),
} as const satisfies Record<string, JsonSchema>
