/**
 * merchant-paths.ts - the merchant API's operations (/api/v1, channels/merchant/routes.ts) for
 * the OpenAPI document: each call's body, answers and refusal codes as the routes give them.
 * Exports merchantPaths.
 */
import {
  answer,
  bodyRefusals,
  idempotencyKeyHeader,
  jsonContent,
  merchantAuth,
  refusal,
  shared,
} from './responses.js'
import { ref } from './schemas.js'
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
  '409': keyReused,
  '413': shared('BodyTooLarge'),
  '415': shared('Unreadable'),
} as const

export const merchantPaths: Readonly<Record<string, PathItem>> = {
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
