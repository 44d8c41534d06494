/**
 * failures.test.ts - every timeout and failure path of the IVR call engine: escalating no-input
 * and no-match re-prompts, three failures then a polite goodbye, the timers (inter-digit, late
 * keys, early silence), hang-up at any point, and the PIN kept out of the stored call and trail.
 */
import { describe, expect, it } from 'vitest'
import { ivrFlowLimits, loadIvrEngine } from '../../../../channels/ivr/flow/index.js'
import { answer, Caller, ids, refusal, sayOf, spoken, waitingForPin } from './ivr-driver.js'

const engine = loadIvrEngine()

/** A caller at the confirm menu of order 880001, the core holding the payment. */
function atConfirm(): Caller {
  const caller = Caller.dial(engine)
  caller.press('2')
  caller.pressForCommand('880001#')
  caller.resume(waitingForPin('en'))
  return caller
}

describe('no input and no match', () => {
  it('silence re-prompts with a stronger text and the help, then says goodbye', () => {
    const caller = Caller.dial(engine)
    const first = sayOf(caller.wait(6_000).silence())
    expect(ids(first)).toEqual(['main.no_input.1', 'main.say'])
    const second = sayOf(caller.wait(6_000).silence())
    expect(ids(second)).toEqual(['main.no_input.2', 'main.help'])
    expect(second.prompts[0]?.text).not.toBe(first.prompts[0]?.text)
    const last = sayOf(caller.wait(6_000).silence())
    expect(ids(last)).toEqual(['goodbye_failed.say'])
    expect(last.ended).toBe(true)
    expect(last.gather).toBeNull()
    expect(caller.call.outcome).toBe('failed_input')
  })

  it('wrong keys re-prompt with escalating texts, then say goodbye', () => {
    const caller = Caller.dial(engine)
    expect(ids(sayOf(caller.press('6')))).toEqual(['main.no_match.1', 'main.say'])
    expect(ids(sayOf(caller.press('7')))).toEqual(['main.no_match.2', 'main.help'])
    const last = sayOf(caller.press('0'))
    expect(last.ended).toBe(true)
    expect(caller.call.outcome).toBe('failed_input')
  })

  it('no input and no match count together on one question', () => {
    const caller = Caller.dial(engine)
    caller.silence()
    caller.press('#')
    expect(sayOf(caller.silence()).ended).toBe(true)
  })

  it('the count starts again on the next question', () => {
    const caller = Caller.dial(engine)
    caller.silence()
    caller.press('6')
    expect(ids(sayOf(caller.press('2')))).toEqual(['pay_order.say'])
    expect(caller.call.failures).toBe(0)
    expect(ids(sayOf(caller.silence()))).toEqual(['pay_order.no_input.1', 'pay_order.say'])
  })

  it('an input the validator refuses says what was wrong, then spells the question out', () => {
    const caller = Caller.dial(engine)
    caller.press('2')
    const first = sayOf(caller.press('12#'))
    expect(ids(first)).toEqual(['pay_order.no_match.1', 'pay_order.say'])
    expect(first.prompts[0]?.text).toMatch(/4 to 12 digits/)
    expect(ids(sayOf(caller.press('99#')))).toEqual(['pay_order.no_match.2', 'pay_order.help'])
  })

  it('# alone is an empty input, re-prompted as no input', () => {
    const caller = Caller.dial(engine)
    caller.press('2')
    expect(ids(sayOf(caller.press('#')))).toEqual(['pay_order.no_input.1', 'pay_order.say'])
  })

  it('an amount with two decimal points is refused with the keypad example', () => {
    const caller = Caller.dial(engine)
    caller.press('3')
    caller.press('2001#')
    caller.press('12345#')
    const step = sayOf(caller.press('1*2*3#'))
    expect(ids(step)).toEqual(['pay_bill.amount.no_match.1', 'pay_bill.amount.say'])
    expect(spoken(step)).toContain('star')
  })
})

describe('timers', () => {
  it('the inter-digit timeout accepts a complete number without #', () => {
    const caller = Caller.dial(engine)
    caller.press('2')
    const pending = sayOf(caller.press('880001'))
    expect(pending.prompts).toEqual([])
    expect(caller.wait(5_000).silenceForCommand()).toMatchObject({ command: { orderNo: '880001' } })
  })

  it('the inter-digit timeout on an incomplete number is no match', () => {
    const caller = Caller.dial(engine)
    caller.press('2')
    caller.press('12')
    expect(ids(sayOf(caller.wait(5_000).silence()))).toEqual([
      'pay_order.no_match.1',
      'pay_order.say',
    ])
  })

  it('keys after the inter-digit timer fired do not join the earlier ones', () => {
    const caller = Caller.dial(engine)
    caller.press('2')
    caller.press('88')
    // 6 s later: the 5 s timer fired first, "88" is too short, and a no match flushes the rest.
    const step = sayOf(caller.wait(6_000).press('0001#'))
    expect(ids(step)).toEqual(['pay_order.no_match.1', 'pay_order.say'])
    expect(caller.call.collecting?.digits).toBe('')
    expect(caller.call.typeAhead).toBe('')
  })

  it('keys slower than the inter-digit timeout but each in time are one input', () => {
    const caller = Caller.dial(engine)
    caller.press('2')
    for (const key of '88000') caller.wait(4_000).press(key)
    expect(caller.wait(4_000).pressForCommand('1#').command).toMatchObject({ orderNo: '880001' })
  })

  it('a first key after a long prompt is in time: the channel reports first-digit timeout', () => {
    const caller = Caller.dial(engine)
    expect(caller.wait(30_000).pressForCommand('1').command.kind).toBe('balance')
  })

  it('silence reported before the deadline is judged at the deadline', () => {
    const caller = Caller.dial(engine)
    expect(ids(sayOf(caller.silence()))).toEqual(['main.no_input.1', 'main.say'])
  })

  it('the gathers carry the timeouts of the scripts', () => {
    const caller = Caller.dial(engine)
    expect(sayOf(caller.last).gather).toMatchObject({
      firstDigitTimeoutMs: 6_000,
      interDigitTimeoutMs: 3_000,
    })
    expect(sayOf(caller.press('2')).gather).toMatchObject({
      firstDigitTimeoutMs: 10_000,
      interDigitTimeoutMs: 5_000,
      digitsMax: null,
    })
  })
})

describe('three failures with a payment waiting', () => {
  it('at the PIN: the payment is cancelled before the goodbye', () => {
    const caller = atConfirm()
    caller.press('1')
    caller.silence()
    caller.press('12#')
    expect(caller.pressForCommand('#').command.kind).toBe('cancel')
    const step = sayOf(
      caller.resume(answer('payment.cancelled', 'en', { amount: '25.00', payee: 'Ringtones Ltd' })),
    )
    expect(ids(step)).toEqual(['pay.abandon.result.payment.cancelled', 'goodbye_failed.say'])
    expect(step.ended).toBe(true)
    expect(caller.call.outcome).toBe('failed_input')
  })

  it('at the confirm menu: the payment is cancelled before the goodbye', () => {
    const caller = atConfirm()
    caller.press('7')
    caller.silence()
    expect(caller.silenceForCommand().command.kind).toBe('cancel')
  })
})

describe('hang-up', () => {
  it('mid-payment ends the call and runs no command; later events change nothing', () => {
    const caller = atConfirm()
    caller.press('1')
    caller.press('12')
    const call = caller.hangup()
    expect(call).toMatchObject({ ended: true, outcome: 'hung_up', collecting: null, typeAhead: '' })
    for (const step of [
      caller.press('34#'),
      caller.silence(),
      caller.resume(answer('payment.cancelled', 'en')),
    ]) {
      expect(step).toMatchObject({ kind: 'say', prompts: [], gather: null, ended: true })
    }
    expect(caller.call.outcome).toBe('hung_up')
  })

  it('after the goodbye keeps the outcome of the call', () => {
    const caller = Caller.dial(engine)
    caller.silence()
    caller.silence()
    caller.silence()
    expect(caller.hangup().outcome).toBe('failed_input')
  })

  it('while a command runs: the call ends, and its answer is not spoken', () => {
    const caller = Caller.dial(engine)
    caller.pressForCommand('1')
    caller.hangup()
    expect(
      caller.resume(answer('balance.summary', 'en', { wallet: '1.00', phoneBill: '1.00' })).prompts,
    ).toEqual([])
  })
})

describe('the PIN', () => {
  const pin = '9876'

  function payWithPin(keys: readonly string[]): Caller {
    const caller = atConfirm()
    caller.press('1')
    for (const key of keys.slice(0, -1)) caller.press(key)
    const run = caller.pressForCommand(keys[keys.length - 1] ?? '')
    expect(run.pin).toBe(pin)
    return caller
  }

  it.each([
    ['typed at once', [`${pin}#`]],
    ['typed key by key', [...pin, '#']],
  ])(
    '%s is not in the stored call once its command is produced, nor in the trail',
    (_how, keys) => {
      const caller = payWithPin(keys)
      expect(JSON.stringify(caller.call)).not.toContain(pin)
      expect(caller.call.trail).toEqual(['2', '880001#', '1', '****'])
      caller.resume(
        answer(
          'payment.completed',
          'en',
          { amount: '25.00', payee: 'Ringtones Ltd', account: 'wallet', ref: 'T9ZZ9ZZ' },
          'T9ZZ9ZZ',
        ),
      )
      expect(JSON.stringify(caller.call)).not.toContain(pin)
    },
  )

  it('typed ahead with the whole flow is not in the stored call after the confirm command', () => {
    const caller = Caller.dial(engine)
    caller.pressForCommand(`2880001#1${pin}#`)
    const run = caller.resume(waitingForPin('en'))
    expect(run.kind).toBe('command')
    expect(JSON.stringify(caller.call)).not.toContain(pin)
    expect(caller.call.trail).toContain('****')
  })

  it('a wrong PIN typed three times never reaches the stored call', () => {
    const caller = atConfirm()
    caller.press('1')
    for (let attempt = 0; attempt < 2; attempt += 1) {
      caller.pressForCommand(`${pin}#`)
      caller.resume(refusal('pin_incorrect', 'en', { triesLeft: String(2 - attempt) }))
    }
    caller.pressForCommand(`${pin}#`)
    caller.resume(refusal('pin_attempts_exceeded', 'en', { lockMinutes: '15' }))
    expect(caller.call.ended).toBe(true)
    expect(caller.stored.filter((json) => json.includes(pin))).toEqual([])
  })
})

describe('limits', () => {
  it('a call that goes on past stepsPerCallMax ends politely', () => {
    const limited = loadIvrEngine(undefined, { limits: { ...ivrFlowLimits, stepsPerCallMax: 6 } })
    const caller = Caller.dial(limited)
    let step = sayOf(caller.last)
    for (let press = 0; press < 10 && !step.ended; press += 1) step = sayOf(caller.press('9'))
    expect(step.ended).toBe(true)
    expect(ids(step)).toEqual(['main.cannot_continue'])
    expect(caller.call.outcome).toBe('error')
    expect(caller.call.step).toBe(7)
  })
})
