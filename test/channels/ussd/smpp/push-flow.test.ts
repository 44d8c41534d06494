/**
 * push-flow.test.ts - the NI payment prompt's flow on its own: the first screen per request kind
 * and language, always one page even for a long payee and reference; answers becoming confirm
 * (with the PIN, which stays out of the session) or cancel, both naming the requested payment;
 * an answer that finds it gone (replaced from another channel) told so; which waiting payment a
 * prompt describes; wrong inputs re-prompted and the third one ending the dialogue; and menu
 * sessions passing through to the menu engine untouched.
 */
import { describe, expect, it } from 'vitest'
import type { EngineStep, UssdSession } from '../../../../channels/ussd/contract.js'
import { ussdMenuLimits } from '../../../../channels/ussd/menu/limits.js'
import { fitsPage } from '../../../../channels/ussd/menu/paging.js'
import {
  openPush,
  promptDescribes,
  pushBookkeeping,
  pushedPaymentId,
  pushStates,
  withPushFlow,
} from '../../../../channels/ussd/smpp/index.js'
import type { CommandResult, Payment } from '../../../../src/core/index.js'
import { refused, succeeded } from '../../../../src/core/index.js'
import type { Caller, ChannelContext } from '../../../../src/gateway/context.js'
import { fakeEngine } from '../fake-engine.js'

const LI = '8613800138000'
const engine = withPushFlow(fakeEngine())
/** The requested payment's id, as the push found it waiting. */
const REQUESTED = 'P000042'

function prompt(
  key: 'request.prompt' | 'request.prompt_sim',
  params: Record<string, string>,
  language: 'en' | 'zh' = 'en',
) {
  const opened = openPush({
    sessionId: 's1',
    msisdn: LI,
    language,
    message: { key, params },
    outboxId: 42,
    paymentId: REQUESTED,
  })
  if (opened === null) throw new Error('not opened')
  return opened
}

function sessionOf(step: EngineStep): UssdSession {
  return step.session
}

const basic = { payee: 'Ringtone Store', amount: '25.00', account: 'wallet', reference: 'song-7' }

/** The context's two reads pushedPaymentId uses, over a ledger's subscriber and payment reads. */
function readsOf(ledger: {
  subscriber(msisdn: string): Promise<{ readonly subscriber: Caller } | null>
  payment(id: string): Promise<Payment | null>
}): Pick<ChannelContext, 'identify' | 'payment'> {
  return {
    identify: async (msisdn) => (await ledger.subscriber(msisdn))?.subscriber ?? null,
    payment: (id) => ledger.payment(id),
  }
}

/** LI's reads when `pending` waits for LI (or nothing does); another MSISDN is nobody. */
function readsWaiting(pending: Payment | null): Pick<ChannelContext, 'identify' | 'payment'> {
  return readsOf({
    subscriber: (msisdn: string) =>
      Promise.resolve(
        msisdn !== LI
          ? null
          : {
              subscriber: {
                msisdn: LI,
                language: 'en' as const,
                lockedUntilMs: 0,
                pendingPaymentId: pending?.id ?? null,
              },
            },
      ),
    payment: (id: string) =>
      Promise.resolve(pending !== null && pending.id === id ? pending : null),
  })
}

describe('the push flow', () => {
  it('opens with a PIN prompt for a wallet request, 1/2 for a phone bill, in its language', () => {
    expect(prompt('request.prompt', basic).screen).toEqual({
      type: 'CON',
      text:
        'Ringtone Store asks for CNY 25.00 from your wallet for song-7.\nEnter your PIN to ' +
        'pay, or 0 to decline',
    })
    const sim = prompt('request.prompt_sim', { ...basic, account: 'phone_bill' }, 'zh')
    expect(sim.session.state).toBe(pushStates.sim)
    expect(sim.screen.text).toBe(
      'Ringtone Store请您从话费账户支付25.00元（song-7）。\n1 确认\n2 拒绝',
    )
    expect(
      openPush({
        sessionId: 's2',
        msisdn: LI,
        language: 'en',
        message: { key: 'payment.expired', params: {} },
        outboxId: 1,
        paymentId: REQUESTED,
      }),
    ).toBeNull()
  })

  it('keeps a long payee and reference in one page, shortening them, not the question', () => {
    const long = {
      payee: 'A Very Long Merchant Name That Goes On And On',
      amount: '1999.99',
      account: 'bank',
      reference: 'R'.repeat(60),
    }
    for (const language of ['en', 'zh'] as const) {
      for (const key of ['request.prompt', 'request.prompt_sim'] as const) {
        const { screen } = prompt(key, long, language)
        expect(fitsPage(screen.text, ussdMenuLimits)).toBe(true)
        expect(screen.text).toContain('1999.99')
        expect(screen.text).toMatch(
          key === 'request.prompt' ? /PIN|密码/ : /1 (Confirm|确认)\n2 (Decline|拒绝)$/,
        )
      }
    }
  })

  it("turns the PIN into a confirm of the request, never the session's, and 0 a cancel", () => {
    const { session } = prompt('request.prompt', basic)
    const step = engine.input(session, ' 1234 ')
    expect(step.kind).toBe('command')
    if (step.kind !== 'command') return
    expect(step.run).toEqual({
      command: { kind: 'confirm', msisdn: LI, paymentId: REQUESTED },
      pin: '1234',
      newPin: null,
    })
    expect(JSON.stringify(step.session)).not.toContain('1234')
    expect(step.session.trail).toEqual(['****'])
    expect(pushBookkeeping(step.session)).toEqual({
      outboxId: 42,
      answered: true,
      abandoned: false,
    })
    const cancel = engine.input(session, '0')
    expect(cancel.kind === 'command' && cancel.run.command).toEqual({
      kind: 'cancel',
      msisdn: LI,
      paymentId: REQUESTED,
    })
    const sim = prompt('request.prompt_sim', basic).session
    const one = engine.input(sim, '1')
    expect(one.kind === 'command' && one.run).toEqual({
      command: { kind: 'confirm', msisdn: LI, paymentId: REQUESTED },
      pin: null,
      newPin: null,
    })
    const two = engine.input(sim, '2')
    expect(two.kind === 'command' && two.run.command).toEqual({
      kind: 'cancel',
      msisdn: LI,
      paymentId: REQUESTED,
    })
    // The id is the engine's own: no screen of the prompt shows it.
    expect(prompt('request.prompt', basic).screen.text).not.toContain(REQUESTED)
  })

  it('re-prompts a wrong input, masked, and ends at the third with nothing paid', () => {
    let session = prompt('request.prompt', basic).session
    const first = engine.input(session, '12')
    expect(first.kind === 'screen' && first.screen.type).toBe('CON')
    expect(first.kind === 'screen' && first.screen.text).toMatch(
      /^A PIN is 4 to 6 digits\.\nRingtone Store/,
    )
    session = sessionOf(first)
    session = sessionOf(engine.input(session, 'abc'))
    const third = engine.input(session, '1')
    expect(third.kind === 'screen' && third.screen).toEqual({
      type: 'END',
      text: 'Too many wrong entries. Nothing was paid. The request follows by SMS.',
    })
    expect(third.session.trail).toEqual(['****', '****', '****'])
    expect(pushBookkeeping(third.session)).toEqual({
      outboxId: 42,
      answered: false,
      abandoned: true,
    })
  })

  it("asks again after a wrong PIN and ends with the core's answer otherwise", () => {
    const { session } = prompt('request.prompt', basic)
    const step = engine.input(session, '9999')
    if (step.kind !== 'command') throw new Error('expected a command')
    const wrongPin: CommandResult = refused('pin_incorrect', 'en', { params: { triesLeft: '2' } })
    const again = engine.resume(step.session, wrongPin)
    expect(again.kind === 'screen' && again.screen.type).toBe('CON')
    expect(again.kind === 'screen' && again.screen.text).toMatch(
      /^Wrong PIN\. Tries left before your account is locked: 2.*\nRingtone Store asks/s,
    )
    const paid = engine.resume(
      step.session,
      succeeded(
        { key: 'payment.cancelled', params: { amount: '25.00', payee: 'Ringtone Store' } },
        'en',
      ),
    )
    expect(paid.kind === 'screen' && paid.screen).toEqual({
      type: 'END',
      text: 'Payment of CNY 25.00 to Ringtone Store cancelled. No money was taken.',
    })
    expect(paid.session.ended).toBe(true)
  })

  it.each([
    [
      'en',
      '1234',
      'This payment request is no longer waiting for you: it expired or was replaced. ' +
        'Nothing was paid.',
    ],
    [
      'en',
      '0',
      'This payment request is no longer waiting for you: it expired or was replaced. ' +
        'Nothing was paid.',
    ],
    ['zh', '1234', '该笔付款请求已不在等待确认（已失效或被替代），未扣款。'],
  ] as const)(
    'in %s, answering %s when the requested payment no longer waits says so and that ' +
      'nothing was paid',
    (language, input, text) => {
      const step = engine.input(prompt('request.prompt', basic, language).session, input)
      if (step.kind !== 'command') throw new Error('expected a command')
      const gone = engine.resume(step.session, refused('no_pending_payment', language))
      expect(gone.kind === 'screen' && gone.screen).toEqual({ type: 'END', text })
      expect(pushBookkeeping(gone.session)).toEqual({
        outboxId: 42,
        answered: true,
        abandoned: false,
      })
    },
  )

  it('leaves menu sessions to the menu engine', () => {
    const started = engine.start('m1', LI, 'en', '*123#')
    expect(started.kind === 'screen' && started.screen.text).toMatch(/1 Balance/)
    expect(pushBookkeeping(started.session)).toBeNull()
    const next = engine.input(started.session, '2')
    expect(next.kind === 'screen' && next.screen.text).toBe('Merchant code:')
  })
})

describe('which waiting payment a prompt describes', () => {
  const request: Payment = {
    id: REQUESTED,
    state: 'awaiting_authorization',
    kind: 'merchant',
    initiator: 'merchant',
    channel: 'api',
    payerMsisdn: LI,
    funding: 'wallet',
    merchantCode: '1001',
    payeeMsisdn: null,
    orderNo: null,
    customerRef: null,
    amountMinor: 2500n,
    feeMinor: 0n,
    refundedMinor: 0n,
    merchantReference: 'song-7',
    description: null,
    callbackUrl: null,
    reason: null,
    transferRef: null,
    createdMs: 0,
    updatedMs: 0,
    expiresMs: 120_000,
    trail: [],
  }
  const notice = { key: 'request.prompt' as const, params: basic }

  it("is the merchant's request for the amount, account and reference named, while waiting", () => {
    expect(promptDescribes(notice, request)).toBe(true)
    expect(
      promptDescribes(
        { key: 'request.prompt_sim', params: { ...basic, account: 'phone_bill' } },
        { ...request, funding: 'phone_bill' },
      ),
    ).toBe(true)
  })

  it.each([
    [
      'a payment the subscriber started (an SMS PAY that replaced the request)',
      { initiator: 'payer', merchantReference: null },
    ],
    ['another amount', { amountMinor: 30000n }],
    ['another reference', { merchantReference: 'song-8' }],
    ['another account', { funding: 'bank' }],
    ['a request no longer waiting', { state: 'cancelled' }],
  ] as const)('is not %s', (_what, change) => {
    expect(promptDescribes(notice, { ...request, ...change })).toBe(false)
  })

  it('is nothing for a notice that is not a payment prompt', () => {
    expect(promptDescribes({ key: 'payment.expired', params: basic }, request)).toBe(false)
  })

  it('is the payment now waiting for the subscriber, or none when that is another', async () => {
    // A notice written before notices named their payment: matched by what it says.
    expect(await pushedPaymentId(readsWaiting(request), { msisdn: LI, message: notice })).toBe(
      REQUESTED,
    )
    expect(
      await pushedPaymentId(
        readsWaiting({ ...request, id: 'P000050', initiator: 'payer', merchantReference: null }),
        { msisdn: LI, message: notice },
      ),
    ).toBeNull()
    expect(await pushedPaymentId(readsWaiting(null), { msisdn: LI, message: notice })).toBeNull()
    expect(
      await pushedPaymentId(readsWaiting(request), { msisdn: '8613700137000', message: notice }),
    ).toBeNull()
  })

  it('is the payment the notice names, only while that one waits', async () => {
    expect(
      await pushedPaymentId(readsWaiting(request), {
        msisdn: LI,
        message: notice,
        paymentId: REQUESTED,
      }),
    ).toBe(REQUESTED)
    // An identical request (same amount, account, reference) that replaced the named one is not it.
    expect(
      await pushedPaymentId(readsWaiting({ ...request, id: 'P000051' }), {
        msisdn: LI,
        message: notice,
        paymentId: REQUESTED,
      }),
    ).toBeNull()
  })
})
