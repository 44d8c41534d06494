/**
 * payment-request.ts - the one way a merchant asks a subscriber's phone for a payment (the
 * Paybox model of SPEC section 8): the merchant API's POST /payment-requests and the web
 * checkout's phone number both submit it here, so a checkout's request is the API's request,
 * prompt, expiry and webhook alike. Exports submitPaymentRequest and PaymentRequestFields.
 */
import type { CommandResult, FundingKind, Merchant } from '../../src/core/index.js'
import type { CommandPort } from '../../src/gateway/ports.js'

export interface PaymentRequestFields {
  readonly msisdn: string
  readonly amountMinor: bigint
  readonly reference: string
  readonly description: string
  readonly funding: FundingKind
  readonly callbackUrl: string | null
}

/**
 * Submits the request on the merchant API's channel; `key` is the merchant-scoped idempotency
 * key (null: not de-duplicated).
 */
export function submitPaymentRequest(
  service: CommandPort,
  merchant: Merchant,
  fields: PaymentRequestFields,
  key: string | null,
): Promise<CommandResult> {
  return service.execute({
    key,
    channel: 'api',
    command: { kind: 'request_payment', merchantCode: merchant.code, ...fields },
  })
}
