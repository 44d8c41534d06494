/**
 * stale-payment.test.ts - a call answers only the payment it spoke of. The PIN, 2 and * at the
 * confirm menu, star-hash at the PIN and three failures name that payment to the core, so a
 * payment started meanwhile by SMS or a merchant's request (which replaces it, SPEC section 4) is
 * neither paid nor cancelled by the call; the caller hears that the payment is no longer waiting.
 * Against fake core answers (what the engine sends) and against a real gateway (where the money
 * is). That the PIN of a replaced payment pays nothing, over every IVR face, is a row of the
 * channel contract suite (test/gateway/channel-contract.test.ts).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { IvrStep } from '../../../../channels/ivr/contract.js'
import { loadIvrEngine } from '../../../../channels/ivr/flow/index.js'
import type { CommandResult, Language } from '../../../../src/core/index.js'
import { refused } from '../../../../src/core/index.js'
import type { GatewayFixture } from '../../../support/gateway-fixture.js'
import {
  LI,
  LI_PIN,
  RINGTONES,
  requestPayment,
  startTestGateway,
} from '../../../support/gateway-fixture.js'
import { pattern } from '../../../support/pattern.js'
import {
  answer,
  Caller,
  ids,
  paymentIdOf,
  refusal,
  sayOf,
  settle,
  spoken,
  waitingForPin,
} from './ivr-driver.js'

const engine = loadIvrEngine()

/** A caller at the confirm menu of order 880001; the core holds `waiting` for it. */
function atConfirm(waiting: CommandResult, language: Language = 'en'): Caller {
  const caller = Caller.dial(engine, { language })
  caller.press('2')
  caller.pressForCommand('880001#')
  caller.resume(waiting)
  return caller
}

describe('the commands a call sends for the payment it spoke of', () => {
  it('the PIN names the payment whose payee and amount were spoken; its id is never spoken', () => {
    const waiting = waitingForPin('en')
    const caller = atConfirm(waiting)
    const id = paymentIdOf(waiting)
    const heard = [
      spoken(caller.last),
      spoken(sayOf(caller.press('9'))),
      spoken(sayOf(caller.press('1'))),
    ]
    const run = caller.pressForCommand(`${LI_PIN}#`)
    expect(run.command).toEqual({ kind: 'confirm', msisdn: LI, paymentId: id })
    expect(run.pin).toBe(LI_PIN)
    for (const text of heard) expect(text).not.toContain(id)
    expect(caller.call.trail.join(' ')).not.toContain(id)
  })

  const cancels: readonly { readonly how: string; readonly keys: readonly string[] }[] = [
    { how: '2 at the confirm menu', keys: ['2'] },
    { how: '* at the confirm menu', keys: ['*'] },
    { how: 'star-hash at the PIN', keys: ['1', '*#'] },
    { how: 'three wrong keys at the confirm menu', keys: ['7', '8', '0'] },
    { how: 'three failures at the PIN', keys: ['1', '#', '12#', '#'] },
  ]

  it.each(cancels)('$how cancels the payment it spoke of, by its id', ({ keys }) => {
    const waiting = waitingForPin('en')
    const caller = atConfirm(waiting)
    for (const key of keys.slice(0, -1)) sayOf(caller.press(key))
    const run = caller.pressForCommand(keys[keys.length - 1] ?? '')
    expect(run.command).toEqual({ kind: 'cancel', msisdn: LI, paymentId: paymentIdOf(waiting) })
  })

  it('after a wrong PIN (the payment still waiting) the next PIN names the same payment', () => {
    const waiting = waitingForPin('en')
    const caller = atConfirm(waiting)
    caller.press('1')
    caller.pressForCommand('9999#')
    const still = refused('pin_incorrect', 'en', {
      params: { triesLeft: '2' },
      payment: waiting.payment,
    })
    expect(ids(sayOf(caller.resume(still)))).toEqual([
      'pay.confirm.result.refusal.pin_incorrect',
      'pay.pin.say',
    ])
    expect(caller.pressForCommand(`${LI_PIN}#`).command).toEqual({
      kind: 'confirm',
      msisdn: LI,
      paymentId: paymentIdOf(waiting),
    })
  })

  it('a second payment in the same call is the one named, not the first', () => {
    const first = waitingForPin('en')
    const caller = atConfirm(first)
    caller.pressForCommand('2')
    caller.resume(answer('payment.cancelled', 'en', { amount: '25.00', payee: 'Ringtones Ltd' }))
    caller.press('2')
    caller.pressForCommand('880002#')
    const second = waitingForPin('en', 'Cinema Tickets', '80.00')
    caller.resume(second)
    caller.press('1')
    const run = caller.pressForCommand(`${LI_PIN}#`)
    expect(paymentIdOf(second)).not.toBe(paymentIdOf(first))
    expect(run.command).toEqual({ kind: 'confirm', msisdn: LI, paymentId: paymentIdOf(second) })
  })

  it('a whole payment typed ahead names the payment the core answered with', () => {
    const caller = Caller.dial(engine)
    caller.pressForCommand(`2880001#1${LI_PIN}#`)
    const waiting = waitingForPin('en')
    const step = caller.resume(waiting)
    expect(step.kind).toBe('command')
    expect(step.kind === 'command' ? step.run.command : null).toEqual({
      kind: 'confirm',
      msisdn: LI,
      paymentId: paymentIdOf(waiting),
    })
  })

  it('a PIN for no payment the call heard of is not sent bare (it pays any): the call ends', () => {
    const caller = atConfirm(
      answer('payment.confirm_pin', 'en', {
        amount: '25.00',
        payee: 'Ringtones Ltd',
        account: 'wallet',
      }),
    )
    caller.press('1')
    const step = sayOf(caller.press(`${LI_PIN}#`))
    expect(ids(step)).toEqual(['pay.confirm.cannot_continue'])
    expect(spoken(step)).toContain('Nothing was paid')
    expect(step.ended).toBe(true)
  })
})

describe('what the caller hears when the payment it spoke of is gone', () => {
  const gone: Readonly<Record<Language, RegExp>> = {
    en: pattern(
      /^This payment is no longer waiting for you: it expired or was replaced\. /,
      /Nothing was paid\./,
    ),
    zh: /^该笔支付已不在等待确认，可能已失效或被替代，未扣款。/,
  }

  it.each(['en', 'zh'] as const)(
    'at the PIN, in %s: it is no longer waiting and nothing was paid, then goodbye',
    (language) => {
      const caller = atConfirm(waitingForPin(language), language)
      caller.press('1')
      caller.pressForCommand(`${LI_PIN}#`)
      const step = sayOf(caller.resume(refusal('no_pending_payment', language)))
      expect(ids(step)).toEqual(['pay.confirm.result.refusal.no_pending_payment', 'goodbye.say'])
      expect(spoken(step)).toMatch(gone[language])
      expect(step.ended).toBe(true)
    },
  )

  it.each(['en', 'zh'] as const)(
    'at 2, in %s: it is no longer waiting and nothing was paid, then the main menu',
    (language) => {
      const caller = atConfirm(waitingForPin(language), language)
      caller.pressForCommand('2')
      const step = sayOf(caller.resume(refusal('no_pending_payment', language)))
      expect(ids(step)).toEqual(['pay.cancel.result.refusal.no_pending_payment', 'main.say'])
      expect(spoken(step)).toMatch(gone[language])
      expect(step.ended).toBe(false)
    },
  )
})

describe('against a real gateway: a payment started meanwhile on another channel', () => {
  let fixture: GatewayFixture

  beforeAll(async () => {
    fixture = await startTestGateway()
  })

  afterAll(async () => {
    await fixture.close()
  })

  const press = (caller: Caller, keys: string): Promise<IvrStep> =>
    settle(fixture.gateway.context.service, caller, caller.press(keys))

  async function newOrder(amount: string): Promise<string> {
    const made = await fixture.merchant(RINGTONES, 'POST', '/api/v1/orders', {
      amount,
      reference: `stale-${amount}-${Date.now()}`,
      description: 'Ringtone',
    })
    expect(made.status).toBe(201)
    return String(made.json.orderNo)
  }

  it('a merchant request still waits after 2 at the confirm or three failed PINs', async () => {
    for (const keys of [['2'], ['1', '#', '#', '#']]) {
      const orderNo = await newOrder('4.00')
      const caller = Caller.dial(engine, { from: LI, language: 'en' })
      await press(caller, `2${orderNo}#`)
      const request = await requestPayment(fixture, RINGTONES, {
        msisdn: LI,
        amount: '2.00',
        reference: `stale-request-${keys.length}`,
      })
      let step = caller.last
      for (const key of keys) step = await press(caller, key)
      expect(spoken(step)).toContain('This payment is no longer waiting for you')
      expect((await fixture.subscriber(LI)).pendingPaymentId).toBe(request)
      const status = await fixture.merchant(RINGTONES, 'GET', `/api/v1/payment-requests/${request}`)
      expect(status.json).toMatchObject({ state: 'awaiting_authorization' })
      // Leave nothing waiting for the next round.
      expect((await fixture.phone({ kind: 'cancel', msisdn: LI })).ok).toBe(true)
    }
    const ledger = await fixture.admin('GET', '/admin/api/ledger/check')
    expect(ledger.json.balanced).toBe(true)
  })
})
