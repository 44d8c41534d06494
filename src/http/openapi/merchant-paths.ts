/**
 * merchant-paths.ts - the merchant API's operations (/api/v1: channels/merchant/routes.ts, and
 * portal-routes.ts, the reads the merchant portal draws its pages from and the web checkouts)
 * for the OpenAPI document: each call's body, answers and refusal codes as the routes give them.
 * Exports merchantPaths.
 */
import {
  answer,
  bodyRefusals,
  csvAnswer,
  idempotencyKeyHeader,
  jsonContent,
  merchantAuth,
  refusal,
  shared,
} from './responses.js'
import { merchantStatuses, ref } from './schemas.js'
import type { JsonSchema, Parameter, PathItem } from './types.js'

const tags = ['Merchant API']

/** The merchant API takes a key of at most 255 characters, refused (not cut) past it. */
const idempotencyKey = idempotencyKeyHeader(255)

const paymentIdParameter: Parameter = {
  name: 'id',
  in: 'path',
  required: true,
  description: "The payment's id, as the payment request answered it.",
  schema: { type: 'string', examples: ['P0000001'] },
}

const amountInput: JsonSchema = {
  type: 'string',
  pattern: '^[0-9]{1,15}(\\.[0-9]{1,2})?$',
  description: 'Yuan as a string, at most two decimals.',
  examples: ['25.00'],
}

/**
 * The 400s every POST of the merchant API may give before its own fields are read. Every call
 * (a GET too) is refused an Idempotency-Key over 255 characters: the check is the API's, not the
 * route's; only the POSTs use the key.
 */
const postRefusals = ['idempotency_key_invalid', ...bodyRefusals] as const
const amountRefusals = ['amount_invalid', 'amount_too_precise', 'amount_not_positive'] as const

/** A page's length, and where the previous page ended. */
function pageParameters(before: string): Parameter[] {
  return [
    {
      name: 'limit',
      in: 'query',
      required: false,
      description: 'Rows a page, 1 to 100.',
      schema: { type: 'integer', minimum: 1, maximum: 100, default: 20 },
    },
    {
      name: 'before',
      in: 'query',
      required: false,
      description: `The previous page's \`next\` (${before}).`,
      schema: { type: 'string', maxLength: 64 },
    },
  ]
}

const csvHeader = 'date,merchant,line,payments,amount,currency'

const dateParameter: Parameter = {
  name: 'date',
  in: 'query',
  required: true,
  description: 'The local (China) day.',
  schema: { type: 'string', format: 'date', examples: ['2026-01-31'] },
}

/** The 400 of a GET: its own codes, and an Idempotency-Key over 255 characters. */
function queryRefusals(description: string, codes: readonly string[]) {
  return refusal(description, [...codes, 'idempotency_key_invalid'])
}

const notFound = refusal("No such payment for this merchant (another merchant's is not shown).", [
  'payment_not_found',
])
const keyReused = refusal('The Idempotency-Key was used for another request.', [
  'idempotency_key_reused',
])

/** What every merchant call answers besides its own: no key, busy or stopping. */
const common = {
  '401': shared('Unauthorized', 'No API key, or an unknown one.'),
  '503': shared('Busy'),
} as const

/** What every merchant call with a JSON body answers besides its own. */
const withBody = {
  ...common,
  '403': shared('CsrfInvalid'),
  '409': keyReused,
  '413': shared('BodyTooLarge'),
  '415': shared('Unreadable'),
} as const

const checkoutPaths: Readonly<Record<string, PathItem>> = {
  '/api/v1/checkouts': {
    post: {
      operationId: 'openCheckout',
      summary: 'Open a web checkout',
      description:
        'A page on this gateway to send a shopper to (`url`): the shopper types a phone ' +
        'number, that phone gets the payment request, and the page sends the shopper back to ' +
        '`returnUrl` with the signed result (docs/merchant-portal.md). It waits half an hour. ' +
        'No Idempotency-Key: a retry opens another checkout, and the unused one expires.',
      tags,
      security: merchantAuth,
      requestBody: {
        required: true,
        content: jsonContent(
          {
            type: 'object',
            required: ['amount', 'reference', 'returnUrl'],
            properties: {
              amount: amountInput,
              reference: { type: 'string', maxLength: 64 },
              description: { type: 'string', maxLength: 140 },
              returnUrl: {
                type: 'string',
                format: 'uri',
                maxLength: 2_048,
                description: 'An absolute http or https URL without credentials.',
              },
            },
          },
          {
            amount: '25.00',
            reference: 'basket-42',
            returnUrl: 'https://shop.example/telepay/return',
          },
        ),
      },
      responses: {
        '201': answer('Opened.', ref('CheckoutOpened')),
        '400': refusal('A field is missing or malformed.', [
          ...postRefusals,
          ...amountRefusals,
          'reference_invalid',
          'description_invalid',
          'return_url_invalid',
        ]),
        ...common,
        '403': shared('CsrfInvalid'),
        '413': shared('BodyTooLarge'),
        '415': shared('Unreadable'),
      },
    },
  },
  '/api/v1/checkouts/{id}': {
    get: {
      operationId: 'getCheckout',
      summary: 'Read a web checkout',
      description: "Its status: `open` until the shopper types a number, then the payment's.",
      tags,
      security: merchantAuth,
      parameters: [
        {
          name: 'id',
          in: 'path',
          required: true,
          description: "The checkout's id, as opened.",
          schema: { type: 'string', examples: ['ck_3q2-7wEr0Ykz1fVxGx4Lkw'] },
        },
      ],
      responses: {
        '200': answer('The checkout.', ref('Checkout')),
        '400': queryRefusals('The path does not decode, or the Idempotency-Key is too long.', [
          'request_unreadable',
        ]),
        ...common,
        '404': refusal("No such checkout for this merchant (another merchant's is not shown).", [
          'checkout_not_found',
        ]),
      },
    },
  },
}

/** The merchant portal's reads (portal-routes.ts): any client of the API may make them. */
const portalPaths: Readonly<Record<string, PathItem>> = {
  '/api/v1/merchant': {
    get: {
      operationId: 'getMerchantProfile',
      summary: "Read the merchant's profile",
      description:
        'Its code, name, category, settlement bank and fee rule, and the last four characters ' +
        'of the key this request used.',
      tags,
      security: merchantAuth,
      responses: {
        '200': answer('The merchant.', ref('MerchantProfile')),
        '400': queryRefusals('The Idempotency-Key is too long.', []),
        ...common,
      },
    },
  },
  '/api/v1/merchant/webhook-secret': {
    get: {
      operationId: 'getWebhookSecret',
      summary: 'Read the webhook secret',
      description: 'To check the signature of a webhook or of a checkout result.',
      tags,
      security: merchantAuth,
      responses: {
        '200': {
          ...answer('The secret.', ref('WebhookSecret')),
          headers: {
            'Cache-Control': {
              description: '`no-store`: no cache keeps it.',
              schema: { const: 'no-store' },
            },
          },
        },
        '400': queryRefusals('The Idempotency-Key is too long.', []),
        ...common,
      },
    },
  },
  '/api/v1/payments': {
    get: {
      operationId: 'listPayments',
      summary: "List the merchant's payments, newest first",
      description:
        'A page at a time, each as GET /api/v1/payment-requests/{id} answers it. A page ' +
        'filtered by `status` looks at no more than 5,000 payments, then answers what it found ' +
        "with `next`. Another merchant's payment as `before` starts nowhere (an empty page).",
      tags,
      security: merchantAuth,
      parameters: [
        ...pageParameters('a payment id'),
        {
          name: 'status',
          in: 'query',
          required: false,
          description: 'Only payments in this status.',
          schema: { type: 'string', enum: [...merchantStatuses] },
        },
      ],
      responses: {
        '200': answer('A page.', ref('MerchantPaymentPage')),
        '400': queryRefusals('A malformed query.', ['limit_invalid', 'status_invalid']),
        ...common,
      },
    },
  },
  '/api/v1/payments/{id}': {
    get: {
      operationId: 'getPaymentWithTrail',
      summary: 'Read a payment with its trail',
      description: 'The payment and its nine-step trail, in one answer.',
      tags,
      security: merchantAuth,
      parameters: [paymentIdParameter],
      responses: {
        '200': answer('The payment and its trail.', ref('PaymentWithTrail')),
        '400': queryRefusals('The path does not decode, or the Idempotency-Key is too long.', [
          'request_unreadable',
        ]),
        ...common,
        '404': notFound,
      },
    },
  },
  '/api/v1/sales': {
    get: {
      operationId: 'getSales',
      summary: "Read the merchant's sales by day and channel",
      description:
        'Completed payments, dated by when they were made: each day of the range with its ' +
        'payments, gross, fees, refunded and net, and by channel.',
      tags,
      security: merchantAuth,
      parameters: [
        {
          name: 'from',
          in: 'query',
          required: false,
          description: 'The first local day; by default 13 days before today.',
          schema: { type: 'string', format: 'date' },
        },
        {
          name: 'to',
          in: 'query',
          required: false,
          description: 'The last local day; by default today. The range is 1 to 31 days.',
          schema: { type: 'string', format: 'date' },
        },
      ],
      responses: {
        '200': answer('The sales.', ref('Sales')),
        '400': queryRefusals('A date is not YYYY-MM-DD, or the range is not 1 to 31 days.', [
          'date_invalid',
          'range_invalid',
        ]),
        ...common,
      },
    },
  },
  '/api/v1/webhooks/deliveries': {
    get: {
      operationId: 'listWebhookDeliveries',
      summary: "List the merchant's webhook deliveries, newest first",
      description:
        'Each with every attempt: the body and X-Telepay-Signature sent, the status code ' +
        'answered and the first 256 characters of the answer or the error.',
      tags,
      security: merchantAuth,
      parameters: pageParameters('an event id'),
      responses: {
        '200': answer('A page.', ref('WebhookDeliveries')),
        '400': queryRefusals('A malformed query.', ['limit_invalid', 'before_invalid']),
        ...common,
      },
    },
  },
  '/api/v1/settlements.csv': {
    get: {
      operationId: 'getSettlementCsv',
      summary: "Download a day's settlement as CSV",
      description:
        'One line each for `gross`, `fees`, `fee:<party>` (each party that took a share), ' +
        '`refunds` and `net`; fees and refunds negative.',
      tags,
      security: merchantAuth,
      parameters: [dateParameter],
      responses: {
        '200': csvAnswer(
          'The settlement, as an attachment (`telepay-settlement-<code>-<date>.csv`).',
          csvHeader,
        ),
        '400': queryRefusals('No date, or not YYYY-MM-DD; or the Idempotency-Key is too long.', [
          'date_invalid',
        ]),
        ...common,
      },
    },
  },
}

/** Payments, orders, refunds, delivery and the day's settlement. */
const paymentPaths: Readonly<Record<string, PathItem>> = {
  '/api/v1/payment-requests': {
    post: {
      operationId: 'createPaymentRequest',
      summary: 'Ask a subscriber to pay',
      description:
        'The Paybox model: the subscriber gets an SMS asking for `YES <PIN>` and may confirm on ' +
        'any channel. The final status is POSTed to `callbackUrl`, signed with ' +
        '`X-Telepay-Signature` (hex HMAC-SHA256 of the body under the webhook secret).',
      tags,
      security: merchantAuth,
      parameters: [idempotencyKey],
      requestBody: {
        required: true,
        content: jsonContent(
          {
            type: 'object',
            required: ['msisdn', 'amount', 'reference'],
            properties: {
              msisdn: {
                type: 'string',
                description: 'The payer, in international form (+ or 00 allowed).',
                examples: ['8613800138000'],
              },
              amount: amountInput,
              reference: {
                type: 'string',
                maxLength: 64,
                description: "The merchant's own reference, shown on the prompt.",
              },
              description: { type: 'string', maxLength: 140 },
              account: {
                type: 'string',
                enum: ['wallet', 'phone_bill', 'bank'],
                default: 'wallet',
                description: 'The account to pay from.',
              },
              callbackUrl: {
                type: 'string',
                format: 'uri',
                description: 'An http or https URL for the final status.',
              },
            },
          },
          { msisdn: '8613800138000', amount: '25.00', reference: 'ring-42', account: 'wallet' },
        ),
      },
      responses: {
        '202': answer('Asked: the subscriber has the prompt.', ref('PaymentRequestAccepted')),
        '400': refusal('A field is missing or malformed.', [
          ...postRefusals,
          'msisdn_invalid',
          ...amountRefusals,
          'reference_invalid',
          'description_invalid',
          'account_invalid',
          'callback_url_invalid',
        ]),
        ...withBody,
        '422': shared(
          'PaymentRule',
          'Refused by a payment rule: `payer_not_registered`, `account_not_offered`, ' +
            '`amount_above_payment_max`, …',
        ),
      },
    },
  },
  '/api/v1/payment-requests/{id}': {
    get: {
      operationId: 'getPaymentRequest',
      summary: 'Read a payment',
      description: 'Its status, amount, fee, refunds, transfer reference and refusal reason.',
      tags,
      security: merchantAuth,
      parameters: [paymentIdParameter],
      responses: {
        '200': answer('The payment.', ref('Payment')),
        '400': refusal('The path does not decode, or the Idempotency-Key is too long.', [
          'request_unreadable',
          'idempotency_key_invalid',
        ]),
        ...common,
        '404': notFound,
      },
    },
  },
  '/api/v1/payment-requests/{id}/trail': {
    get: {
      operationId: 'getPaymentTrail',
      summary: "Read a payment's nine-step trail",
      description: 'Each step of the remote payment flow with its time, actor and what passed.',
      tags,
      security: merchantAuth,
      parameters: [paymentIdParameter],
      responses: {
        '200': answer('The trail.', ref('Trail')),
        '400': refusal('The path does not decode, or the Idempotency-Key is too long.', [
          'request_unreadable',
          'idempotency_key_invalid',
        ]),
        ...common,
        '404': notFound,
      },
    },
  },
  '/api/v1/orders': {
    get: {
      operationId: 'listOrders',
      summary: "List the merchant's orders, newest first",
      description: 'Open or paid, a page at a time, with the payment that paid each.',
      tags,
      security: merchantAuth,
      parameters: pageParameters('an order number'),
      responses: {
        '200': answer('A page.', ref('MerchantOrderPage')),
        '400': queryRefusals('A malformed query.', ['limit_invalid']),
        ...common,
      },
    },
    post: {
      operationId: 'createOrder',
      summary: 'Open an order',
      description: 'An order any subscriber may pay once (`ORDER <orderNo>`).',
      tags,
      security: merchantAuth,
      parameters: [idempotencyKey],
      requestBody: {
        required: true,
        content: jsonContent(
          {
            type: 'object',
            required: ['amount', 'reference'],
            properties: {
              amount: amountInput,
              reference: { type: 'string', maxLength: 64 },
              description: { type: 'string', maxLength: 140 },
            },
          },
          { amount: '80.00', reference: 'cinema-42', description: 'Two tickets' },
        ),
      },
      responses: {
        '201': answer('The order, numbered.', ref('MerchantOrder')),
        '400': refusal('A field is missing or malformed.', [
          ...postRefusals,
          ...amountRefusals,
          'reference_invalid',
          'description_invalid',
        ]),
        ...withBody,
      },
    },
  },
  '/api/v1/payments/{id}/refunds': {
    post: {
      operationId: 'refundPayment',
      summary: 'Refund a payment, in whole or in part',
      description: 'The money goes back to the account that paid; never more than was paid.',
      tags,
      security: merchantAuth,
      parameters: [paymentIdParameter, idempotencyKey],
      requestBody: {
        required: true,
        content: jsonContent(
          { type: 'object', required: ['amount'], properties: { amount: amountInput } },
          { amount: '5.00' },
        ),
      },
      responses: {
        '201': answer('Refunded.', ref('Refund')),
        '400': refusal('The amount is missing or malformed.', [...postRefusals, ...amountRefusals]),
        ...withBody,
        '404': notFound,
        '422': shared(
          'PaymentRule',
          'Refused: `payment_not_refundable` (not completed), `refund_exceeds_payment`, …',
        ),
      },
    },
  },
  '/api/v1/payments/{id}/delivery': {
    post: {
      operationId: 'reportDelivery',
      summary: 'Report the goods delivered (step 9)',
      description:
        'Records step 9 of the trail; reporting twice records once and answers alike. The body ' +
        'is optional.',
      tags,
      security: merchantAuth,
      parameters: [paymentIdParameter, idempotencyKey],
      requestBody: {
        required: false,
        content: jsonContent(
          {
            type: 'object',
            properties: {
              note: { type: 'string', maxLength: 140, description: "The merchant's words." },
            },
          },
          { note: 'Ringtone sent to the handset' },
        ),
      },
      responses: {
        '200': answer('The trail, step 9 recorded.', ref('Trail')),
        '400': refusal('The note is malformed.', [...postRefusals, 'note_invalid']),
        ...withBody,
        '404': notFound,
        '422': shared('PaymentRule', 'Refused: `payment_not_completed` before the payment did.'),
      },
    },
  },
  '/api/v1/settlements': {
    get: {
      operationId: 'getSettlement',
      summary: "Read a day's settlement",
      description:
        "The merchant's payments, gross, fees, refunds and net for one local day, and which " +
        'party took its fees, named as the running operating model names them.',
      tags,
      security: merchantAuth,
      parameters: [
        {
          name: 'date',
          in: 'query',
          required: true,
          description: 'The local (China) day.',
          schema: { type: 'string', format: 'date', examples: ['2026-01-31'] },
        },
      ],
      responses: {
        '200': answer('The settlement.', ref('MerchantSettlement')),
        '400': refusal('No date, or not YYYY-MM-DD; or the Idempotency-Key is too long.', [
          'date_invalid',
          'idempotency_key_invalid',
        ]),
        ...common,
      },
    },
  },
}

export const merchantPaths: Readonly<Record<string, PathItem>> = {
  ...paymentPaths,
  ...portalPaths,
  ...checkoutPaths,
}
