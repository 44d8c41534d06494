/**
 * trail-json.ts - a payment's nine-step trail as the admin and merchant APIs answer it
 * (`GET /admin/api/payments/:id/trail`, `GET /api/v1/payment-requests/:id/trail`): the payment in
 * brief, whether steps 1-8 are all recorded, and each step with its name, its columns (from, to),
 * its time, actor and what passed. Exports trailJson.
 */
import type { Payment } from '../../core/index.js'
import {
  describeTrail,
  formatAmount,
  isCompleteTrail,
  merchantStatusOf,
  trailSteps,
} from '../../core/index.js'
import type { Json } from './json.js'

export function trailJson(payment: Payment, model: string): Json {
  return {
    payment: {
      id: payment.id,
      state: payment.state,
      status: merchantStatusOf(payment.state),
      kind: payment.kind,
      channel: payment.channel,
      initiator: payment.initiator,
      payer: payment.payerMsisdn,
      merchant: payment.merchantCode,
      payee: payment.payeeMsisdn,
      amount: formatAmount(payment.amountMinor),
      funding: payment.funding,
      createdAt: new Date(payment.createdMs).toISOString(),
    },
    model,
    complete: isCompleteTrail(payment.trail),
    delivered: payment.trail.some((entry) => entry.code === 9 && entry.status === 'done'),
    steps: describeTrail(payment).map((entry) => ({
      step: entry.code,
      name: trailSteps[entry.code].name,
      status: entry.status,
      at: new Date(entry.atMs).toISOString(),
      atMs: entry.atMs,
      from: trailSteps[entry.code].from,
      to: trailSteps[entry.code].to,
      actor: entry.actor,
      detail: entry.detail,
    })),
  }
}
