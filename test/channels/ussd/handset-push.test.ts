/**
 * handset-push.test.ts - a merchant's payment prompt pops up on a web handset as a USSD push, on
 * a real gateway: a handset whose stream says it shows pushes (`ussd_push=1`) gets `event:
 * ussd_push` with a session and the prompt; its answer through `POST /ussd` (Africa's Talking's
 * form, the input alone as text) pays with the PIN or declines with 0, and settles the outbox
 * row, so no SMS prompt follows; a handset that does not show pushes gets the prompt by SMS, as
 * before; a wrong PIN pays nothing.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { GatewayFixture } from '../../support/gateway-fixture.js'
import {
  LI,
  LI_PIN,
  RINGTONES,
  requestPayment,
  startTestGateway,
} from '../../support/gateway-fixture.js'
import { openHandsetStream } from '../../support/handset-stream.js'

let gw: GatewayFixture

beforeEach(async () => {
  gw = await startTestGateway()
})

afterEach(async () => {
  await gw.close()
})

interface Push {
  readonly sessionId: string
  readonly serviceCode: string
  readonly type: string
  readonly text: string
}

async function answer(push: Push, text: string): Promise<string> {
  const response = await fetch(`${gw.url}/ussd`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({
      sessionId: push.sessionId,
      serviceCode: push.serviceCode,
      phoneNumber: LI,
      text,
    }).toString(),
  })
  return response.text()
}

async function pushed(): Promise<{ push: Push; close: () => void; paymentId: string }> {
  const stream = await openHandsetStream(gw.url, LI, {}, '&ussd_push=1')
  const paymentId = await requestPayment(gw, RINGTONES, {
    msisdn: LI,
    amount: '5.00',
    reference: 'push-1',
    account: 'wallet',
  })
  await gw.advance(0)
  const event = await stream.next((frame) => frame.event === 'ussd_push', 5_000)
  return { push: event.data as unknown as Push, close: () => stream.close(), paymentId }
}

async function stateOf(paymentId: string): Promise<string> {
  const answerJson = await gw.merchant(RINGTONES, 'GET', `/api/v1/payment-requests/${paymentId}`)
  return (answerJson.json as { status: string }).status
}

describe('the USSD push on a web handset', () => {
  it('pops up, takes the PIN, pays, and no SMS prompt follows', async () => {
    const { push, close, paymentId } = await pushed()
    expect(push).toMatchObject({ serviceCode: '*123#', type: 'CON' })
    expect(push.text).toContain('5.00')
    expect(push.sessionId).toMatch(/^handset-push-/)
    const end = await answer(push, LI_PIN)
    expect(end, end).toMatch(/^END Paid/)
    expect(await stateOf(paymentId)).toBe('completed')
    // The row was answered: later sweeps send no SMS prompt.
    await gw.advance(120)
    expect(await gw.smsTo(LI)).toEqual([])
    const outbox = await gw.admin('GET', '/admin/api/outbox?kind=sms')
    expect(JSON.stringify(outbox.json)).not.toContain('push-1')
    close()
  })

  it('declines with 0, and a wrong PIN pays nothing', async () => {
    const { push, close, paymentId } = await pushed()
    const again = await answer(push, '9999')
    expect(again).toMatch(/^CON /)
    expect(await stateOf(paymentId)).not.toBe('completed')
    const declined = await answer(push, '9999*0')
    expect(declined).toMatch(/^END /)
    expect(await stateOf(paymentId)).toMatch(/cancel|declin/)
    close()
  })

  it('is not offered to a handset that does not show pushes: the prompt comes by SMS', async () => {
    const stream = await openHandsetStream(gw.url, LI)
    await requestPayment(gw, RINGTONES, { msisdn: LI, amount: '5.00', reference: 'push-2' })
    await gw.advance(0)
    const mt = await stream.next((frame) => frame.data.direction === 'mt', 5_000)
    expect(mt.data.text).toContain('Reply YES')
    expect(stream.events.some((frame) => frame.event === 'ussd_push')).toBe(false)
    stream.close()
  })
})
