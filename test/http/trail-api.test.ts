/**
 * trail-api.test.ts - the nine-step trail over real HTTP: the operator reads any payment's trail
 * (`last` being the newest), a merchant only its own, and the merchant reports step 9 by
 * `POST /api/v1/payments/:id/delivery`, once, with a clear refusal for what cannot be delivered.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { GatewayFixture } from '../support/gateway-fixture.js'
import {
  CINEMA,
  LI,
  LI_PIN,
  RINGTONES,
  requestPayment,
  startTestGateway,
} from '../support/gateway-fixture.js'

let t: GatewayFixture
beforeEach(async () => {
  t = await startTestGateway()
})
afterEach(async () => {
  await t.close()
})

interface StepJson {
  readonly step: number | string
  readonly name: string
  readonly status: string
  readonly from: string
  readonly to: string
  readonly actor: string
  readonly detail: string
  readonly at: string
}

const codesOf = (steps: readonly StepJson[]): string[] =>
  steps.map((entry) => `${entry.step}${entry.status === 'skipped' ? ' skipped' : ''}`)

describe('the trail API', () => {
  it('shows the operator a merchant request step by step, and the newest as last', async () => {
    const id = await requestPayment(t, RINGTONES, {
      msisdn: LI,
      amount: '25.00',
      reference: 'INV-9',
    })
    await t.advance(5)
    expect((await t.confirm(LI, LI_PIN, 'ussd')).ok).toBe(true)
    const answer = await t.admin('GET', `/admin/api/payments/${id}/trail`)
    expect(answer.status).toBe(200)
    expect(answer.json).toMatchObject({
      payment: { id, state: 'completed', payer: LI, merchant: RINGTONES, amount: '25.00' },
      model: 'cooperative',
      complete: true,
      delivered: false,
    })
    const steps = answer.json.steps as StepJson[]
    expect(codesOf(steps)).toEqual(['1', '2', '5', '6', '3', '4', '7', '8'])
    expect(steps[0]).toMatchObject({ name: 'purchase request', from: 'consumer', to: 'merchant' })
    expect(steps[3]).toMatchObject({ name: 'user authorization', actor: LI })
    expect(Date.parse(steps[3]?.at ?? '') - Date.parse(steps[2]?.at ?? '')).toBe(5_000)
    expect(answer.text).not.toContain(LI_PIN)
    const last = await t.admin('GET', '/admin/api/payments/last/trail')
    expect(last.json.payment.id).toBe(id)
    expect((await t.admin('GET', '/admin/api/payments/P9999999/trail')).status).toBe(404)
  })

  it('lets a merchant read only its own trails and record the delivery once', async () => {
    const id = await requestPayment(t, RINGTONES, { msisdn: LI, amount: '8.00', reference: 'R-1' })
    const early = await t.merchant(RINGTONES, 'POST', `/api/v1/payments/${id}/delivery`, {})
    expect(early.status).toBe(422)
    expect(early.json.error).toBe('payment_not_completed')
    await t.confirm(LI, LI_PIN)
    const own = await t.merchant(RINGTONES, 'GET', `/api/v1/payment-requests/${id}/trail`)
    expect(own.status).toBe(200)
    expect(own.json.complete).toBe(true)
    const other = await t.merchant(CINEMA, 'GET', `/api/v1/payment-requests/${id}/trail`)
    expect(other.status).toBe(404)
    const stranger = await t.merchant(CINEMA, 'POST', `/api/v1/payments/${id}/delivery`)
    expect(stranger.status).toBe(404)

    const delivered = await t.merchant(RINGTONES, 'POST', `/api/v1/payments/${id}/delivery`, {
      note: 'ringtone R-1 sent',
    })
    expect(delivered.status).toBe(200)
    expect(delivered.json.delivered).toBe(true)
    expect(delivered.json.steps.at(-1)).toMatchObject({
      step: 9,
      from: 'merchant',
      to: 'consumer',
      actor: RINGTONES,
      detail: 'goods delivered: ringtone R-1 sent',
    })
    const again = await t.merchant(RINGTONES, 'POST', `/api/v1/payments/${id}/delivery`)
    expect(again.status).toBe(200)
    expect(codesOf(again.json.steps).filter((code) => code === '9')).toHaveLength(1)
  })

  it('refuses a delivery note that is not short text', async () => {
    const id = await requestPayment(t, RINGTONES, { msisdn: LI, amount: '8.00', reference: 'R-2' })
    await t.confirm(LI, LI_PIN)
    const long = await t.merchant(RINGTONES, 'POST', `/api/v1/payments/${id}/delivery`, {
      note: 'x'.repeat(141),
    })
    expect(long.status).toBe(400)
    expect(long.json.error).toBe('note_invalid')
    const trail = await t.merchant(RINGTONES, 'GET', `/api/v1/payment-requests/${id}/trail`)
    expect(trail.json.delivered).toBe(false)
  })
})
