/**
 * push-stale.test.ts - a pushed payment prompt (USSD over SMPP, network-initiated) whose request
 * was replaced while it was on the phone's screen by a payment the subscriber started by SMS
 * (SPEC section 4): the PIN typed on it pays nothing and the dialogue says so; its decline
 * cancels nothing; the SMS payment still waits for its own YES.
 */
import { afterEach, describe, expect, it } from 'vitest'
import { ussdOp } from '../../../../src/bearer/smpp/ussd-op.js'
import type { CommandResult } from '../../../../src/core/index.js'
import { CINEMA, LI, LI_PIN, RINGTONES, requestPayment } from '../../../support/gateway-fixture.js'
import type { UssdWorld } from './harness.js'
import { screenFor, startUssdWorld, typeIn } from './harness.js'

let world: UssdWorld | null = null
afterEach(async () => {
  await world?.close()
  world = null
})

async function statusOf(world: UssdWorld, merchant: string, id: string): Promise<string> {
  return (await world.gw.merchant(merchant, 'GET', `/api/v1/payment-requests/${id}`)).json
    .status as string
}

/**
 * A world where Ringtone Store's request for 25.00 is on Li Lei's screen and 300.00 by SMS replaced
 * it.
 */
async function replacedPrompt(): Promise<{
  world: UssdWorld
  request: string
  bySms: string
  info: Buffer | null
}> {
  const started = await startUssdWorld()
  world = started
  const { phone, gw } = started
  // The phone's bind speaks USSD for Li Lei: a balance check first.
  const info = phone.newSessionInfo()
  await phone.dial(LI, '*123#', { sessionInfo: info })
  await screenFor(phone, LI)
  expect((await typeIn(phone, LI, '1', info)).op).toBe(ussdOp.pssrResponse)
  const request = await requestPayment(gw, RINGTONES, {
    msisdn: LI,
    amount: '25.00',
    reference: 'song-7',
  })
  const prompt = await screenFor(phone, LI)
  expect(prompt.text).toMatch(/^Ringtone Store asks for CNY 25\.00 from your wallet for song-7\./)
  const sms: CommandResult = await gw.phone(
    {
      kind: 'pay_merchant',
      msisdn: LI,
      merchantCode: CINEMA,
      amountMinor: 30_000n,
      funding: 'wallet',
      authorize: false,
    },
    { channel: 'sms' },
  )
  expect(sms.payment?.state).toBe('awaiting_authorization')
  return { world: started, request, bySms: sms.payment?.id ?? '', info: prompt.sessionInfo }
}

describe('a pushed payment prompt whose request was replaced', () => {
  it('pays nothing with the PIN typed on it, says so; the SMS payment awaits its YES', async () => {
    const { world, request, bySms, info } = await replacedPrompt()
    const done = await typeIn(world.phone, LI, LI_PIN, info)
    expect(done.op).toBe(ussdOp.ussnRequest)
    expect(done.text).toBe(
      'This payment request is no longer waiting for you: it expired or was replaced. ' +
        'Nothing was paid.',
    )
    expect(done.text).not.toContain(request)
    expect(await world.gw.balance(LI, 'wallet')).toBe('500.00')
    expect(await statusOf(world, RINGTONES, request)).not.toBe('completed')
    expect((await world.gw.subscriber(LI)).pendingPaymentId).toBe(bySms)
    const yes = await world.gw.confirm(LI, LI_PIN)
    expect(yes.payment?.id).toBe(bySms)
    expect(await world.gw.balance(LI, 'wallet')).toBe('200.00')
  })

  it('cancels nothing when declined with 0', async () => {
    const { world, bySms, info } = await replacedPrompt()
    const done = await typeIn(world.phone, LI, '0', info)
    expect(done.text).toMatch(/no longer waiting for you.*Nothing was paid\./)
    expect((await world.gw.subscriber(LI)).pendingPaymentId).toBe(bySms)
  })
})
