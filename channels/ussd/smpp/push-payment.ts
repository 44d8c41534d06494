/**
 * push-payment.ts - which waiting payment a merchant's payment-request notice asks about, so
 * that the push prompt's answer can name it. The outbox notice (`request.prompt` or
 * `request.prompt_sim`) names its payment (`paymentId`); a notice written before it did is
 * matched by what it says instead. Either way the payment must be the one still waiting for the
 * subscriber when the push opens.
 * When it is not (the request expired, or the subscriber started another payment meanwhile,
 * which replaced it: SPEC section 4) there is nothing for the prompt to ask, and no push.
 * Exports isPaymentPrompt, pushedPaymentId, promptDescribes.
 */
import type { Message, Payment } from '../../../src/core/index.js'
import { formatAmount } from '../../../src/core/index.js'
import type { ChannelContext } from '../../../src/gateway/context.js'

/** Whether a notice is a merchant's payment prompt, which a push can show (others go by SMS). */
export function isPaymentPrompt(message: Message): boolean {
  return message.key === 'request.prompt' || message.key === 'request.prompt_sim'
}

/**
 * Whether `payment` is what the prompt shows and still waits: a merchant's request, for the
 * amount, account and reference the notice names. Two requests alike in all of these are the
 * same question to the user, so the answer may go to either.
 */
export function promptDescribes(message: Message, payment: Payment): boolean {
  const params = message.params
  if (!isPaymentPrompt(message)) return false
  // The SIM alone confirms a phone-bill charge: its prompt asks 1/2, not the PIN.
  if ((message.key === 'request.prompt_sim') !== (payment.funding === 'phone_bill')) return false
  return (
    payment.state === 'awaiting_authorization' &&
    payment.initiator === 'merchant' &&
    payment.funding === params['account'] &&
    formatAmount(payment.amountMinor) === params['amount'] &&
    (payment.merchantReference ?? '') === (params['reference'] ?? '')
  )
}

/**
 * The id of the waiting payment the notice to `msisdn` asks about, or null when none is (see the
 * file comment).
 */
export async function pushedPaymentId(
  reads: Pick<ChannelContext, 'identify' | 'payment'>,
  notice: { readonly msisdn: string; readonly message: Message; readonly paymentId?: string },
): Promise<string | null> {
  const pendingId = (await reads.identify(notice.msisdn))?.pendingPaymentId ?? null
  if (pendingId === null) return null
  if (notice.paymentId !== undefined && notice.paymentId !== pendingId) return null
  const payment = await reads.payment(pendingId)
  return payment !== null && promptDescribes(notice.message, payment) ? payment.id : null
}
