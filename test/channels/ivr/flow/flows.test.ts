/**
 * flows.test.ts - every IVR flow of menus/ivr in English and Chinese against fake core answers:
 * balance, pay an order, pay a bill, buy airtime (own and other number), cancel, 9 repeat,
 * * back, type-ahead, and a caller from an unregistered number. What a caller would check: the
 * questions asked, the command the core receives, what is said after its answer.
 */
import { describe, expect, it } from 'vitest'
import { loadIvrEngine } from '../../../../channels/ivr/flow/index.js'
import type { Language } from '../../../../src/core/index.js'
import {
  answer,
  Caller,
  commandOf,
  HAN,
  ids,
  isInLanguage,
  LI,
  paymentIdOf,
  refusal,
  STRANGER,
  sayOf,
  spoken,
  waitingForPin,
} from './ivr-driver.js'

const engine = loadIvrEngine()
const languages: readonly Language[] = ['en', 'zh']

describe.each(languages)('IVR flows in %s', (language) => {
  const dial = (): Caller => Caller.dial(engine, { language })

  it('answers with the welcome and the main menu, collecting one key', () => {
    const caller = dial()
    const step = sayOf(caller.last)
    expect(ids(step)).toEqual(['main.welcome', 'main.say'])
    for (const prompt of step.prompts) {
      expect(prompt.language).toBe(language)
      expect(isInLanguage(prompt.text, language)).toBe(true)
    }
    expect(step.gather).toMatchObject({ digitsMax: 1, finishOnKey: '', secret: false })
    expect([...(step.gather?.validKeys ?? '')].sort().join('')).toBe('*123459')
    expect(step.ended).toBe(false)
  })

  it('1 speaks the balance, then the main menu again', () => {
    const caller = dial()
    const run = caller.pressForCommand('1')
    expect(run.command).toEqual({ kind: 'balance', msisdn: LI })
    expect(run.pin).toBeNull()
    const step = sayOf(
      caller.resume(answer('balance.summary', language, { wallet: '500.00', phoneBill: '50.00' })),
    )
    expect(ids(step)).toEqual(['balance.result.balance.summary', 'main.say'])
    expect(step.prompts[0]?.text).toContain('500.00')
    expect(step.prompts[0]?.text).toContain('50.00')
    expect(isInLanguage(spoken(step), language)).toBe(true)
    expect(step.gather?.digitsMax).toBe(1)
  })

  it('2 pays an order: number and #, hear payee and amount, 1, PIN and #', () => {
    const caller = dial()
    const ask = sayOf(caller.press('2'))
    expect(ids(ask)).toEqual(['pay_order.say'])
    expect(ask.gather).toMatchObject({ finishOnKey: '#', secret: false })

    const pay = caller.pressForCommand('880001#')
    expect(pay.command).toEqual({
      kind: 'pay_order',
      msisdn: LI,
      orderNo: '880001',
      funding: 'wallet',
      authorize: false,
    })

    const waiting = waitingForPin(language)
    const confirm = sayOf(caller.resume(waiting))
    expect(ids(confirm)).toEqual(['pay_order.confirm.say'])
    expect(spoken(confirm)).toContain('Ringtones Ltd')
    expect(spoken(confirm)).toContain('25.00')
    // The order number is spoken key by key.
    expect(spoken(confirm)).toContain('8 8 0 0 0 1')
    expect(confirm.gather?.digitsMax).toBe(1)

    const pinAsk = sayOf(caller.press('1'))
    expect(ids(pinAsk)).toEqual(['pay.pin.say'])
    expect(pinAsk.gather).toMatchObject({ finishOnKey: '#', secret: true })

    const run = caller.pressForCommand('1234#')
    // The confirm names the payment whose payee and amount were spoken.
    expect(run.command).toEqual({ kind: 'confirm', msisdn: LI, paymentId: paymentIdOf(waiting) })
    expect(run.pin).toBe('1234')

    const done = sayOf(
      caller.resume(
        answer(
          'payment.completed',
          language,
          { amount: '25.00', payee: 'Ringtones Ltd', account: 'wallet', ref: 'T1A2B3C' },
          'T1A2B3C',
        ),
      ),
    )
    expect(ids(done)).toEqual(['pay.confirm.result.payment.completed', 'goodbye.say'])
    expect(spoken(done)).toContain('T 1 A 2 B 3 C')
    expect(isInLanguage(spoken(done), language)).toBe(true)
    expect(done.ended).toBe(true)
    expect(done.gather).toBeNull()
    expect(caller.call).toMatchObject({ ended: true, outcome: 'completed', reference: 'T1A2B3C' })
    expect(caller.call.trail).toEqual(['2', '880001#', '1', '****'])
  })

  it('5 then 1 speaks the SIM card purse; 5 then 2 loads the card with the PIN', () => {
    const reader = dial()
    expect(ids(sayOf(reader.press('5')))).toEqual(['card.say'])
    expect(reader.pressForCommand('1').command).toEqual({ kind: 'card_balance', msisdn: LI })
    const purse = sayOf(
      reader.resume(
        answer('card.balance', language, { balance: '48.00', rows: '12-01 Bus -2.00' }),
      ),
    )
    expect(ids(purse)).toEqual(['card.balance.result.card.balance', 'main.say'])
    expect(spoken(purse)).toContain('48.00')
    expect(isInLanguage(spoken(purse), language)).toBe(true)

    const loader = dial()
    loader.press('5')
    expect(ids(sayOf(loader.press('2')))).toEqual(['card.load.amount.say'])
    expect(loader.pressForCommand('50#').command).toEqual({
      kind: 'load_card',
      msisdn: LI,
      amountMinor: 5000n,
      funding: 'wallet',
      authorize: false,
    })
    const waiting = waitingForPin(language, '', '50.00', 'card_load.confirm_pin')
    const confirm = sayOf(loader.resume(waiting))
    expect(ids(confirm)).toEqual(['card.load.confirm.say'])
    expect(spoken(confirm)).toContain('50.00')
    expect(isInLanguage(spoken(confirm), language)).toBe(true)
    loader.press('1')
    const run = loader.pressForCommand('1234#')
    expect(run.command).toEqual({ kind: 'confirm', msisdn: LI, paymentId: paymentIdOf(waiting) })
    expect(run.pin).toBe('1234')
    expect(loader.call.trail).toEqual(['5', '2', '50#', '1', '****'])
  })

  it('2 at the confirm menu cancels the waiting payment and goes back to the main menu', () => {
    const caller = dial()
    caller.press('2')
    caller.pressForCommand('880001#')
    const waiting = waitingForPin(language)
    caller.resume(waiting)
    expect(caller.pressForCommand('2').command).toEqual({
      kind: 'cancel',
      msisdn: LI,
      paymentId: paymentIdOf(waiting),
    })
    const step = sayOf(
      caller.resume(
        answer('payment.cancelled', language, { amount: '25.00', payee: 'Ringtones Ltd' }),
      ),
    )
    expect(ids(step)).toEqual(['pay.cancel.result.payment.cancelled', 'main.say'])
    expect(spoken(step)).toContain('25.00')
    expect(step.ended).toBe(false)
  })

  it('3 pays a bill: biller, customer number, amount with * as the decimal point', () => {
    const caller = dial()
    caller.press('3')
    expect(ids(sayOf(caller.press('2001#')))).toEqual(['pay_bill.ref.say'])
    expect(ids(sayOf(caller.press('12345#')))).toEqual(['pay_bill.amount.say'])
    const run = caller.pressForCommand('25*5#')
    expect(run.command).toEqual({
      kind: 'pay_bill',
      msisdn: LI,
      billerCode: '2001',
      customerRef: '12345',
      amountMinor: 2550n,
      funding: 'wallet',
      authorize: false,
    })
    const waiting = waitingForPin(language, 'City Water', '25.50')
    const confirm = sayOf(caller.resume(waiting))
    expect(ids(confirm)).toEqual(['pay_bill.confirm.say'])
    expect(spoken(confirm)).toContain('City Water')
    expect(spoken(confirm)).toContain('1 2 3 4 5')
    caller.press('1')
    expect(caller.pressForCommand('4321#')).toMatchObject({
      command: { kind: 'confirm', msisdn: LI, paymentId: paymentIdOf(waiting) },
      pin: '4321',
    })
  })

  it('a biller the core does not know is spoken as a biller, then the main menu', () => {
    const caller = dial()
    caller.press('3')
    caller.press('9999#')
    caller.press('1#')
    caller.pressForCommand('10#')
    const step = sayOf(caller.resume(refusal('merchant_not_found', language)))
    expect(ids(step)).toEqual(['pay_bill.ask.result.refusal.merchant_not_found', 'main.say'])
    expect(spoken(step)).toMatch(language === 'en' ? /Biller/ : /缴费单位/)
  })

  it('4 then 1 buys airtime for the own number', () => {
    const caller = dial()
    expect(ids(sayOf(caller.press('4')))).toEqual(['airtime.say'])
    expect(ids(sayOf(caller.press('1')))).toEqual(['airtime.amount.say'])
    const run = caller.pressForCommand('30#')
    expect(run.command).toEqual({
      kind: 'top_up_airtime',
      msisdn: LI,
      beneficiaryMsisdn: LI,
      amountMinor: 3000n,
      funding: 'wallet',
      authorize: false,
    })
    const confirm = sayOf(
      caller.resume(
        answer('airtime.confirm_pin', language, { amount: '30.00', payee: LI, account: 'wallet' }),
      ),
    )
    expect(ids(confirm)).toEqual(['airtime.confirm.say'])
    expect(spoken(confirm)).toContain('30.00')
  })

  it('4 then 2 buys airtime for another number', () => {
    const caller = dial()
    caller.press('4')
    expect(ids(sayOf(caller.press('2')))).toEqual(['airtime.number.say'])
    caller.press(`${HAN}#`)
    expect(caller.pressForCommand('20#').command).toMatchObject({
      kind: 'top_up_airtime',
      beneficiaryMsisdn: HAN,
      amountMinor: 2000n,
    })
  })

  it('9 repeats the question without counting a failure', () => {
    const caller = dial()
    for (let times = 0; times < 4; times += 1) {
      const step = sayOf(caller.press('9'))
      expect(ids(step)).toEqual(['main.say'])
      expect(step.ended).toBe(false)
    }
    expect(caller.call.failures).toBe(0)
    expect(caller.pressForCommand('1').command.kind).toBe('balance')
  })

  it('9 at the confirm menu repeats payee and amount', () => {
    const caller = dial()
    caller.press('2')
    caller.pressForCommand('880001#')
    caller.resume(waitingForPin(language))
    const step = sayOf(caller.press('9'))
    expect(ids(step)).toEqual(['pay_order.confirm.say'])
    expect(spoken(step)).toContain('Ringtones Ltd')
  })

  it('* goes back one question', () => {
    const caller = dial()
    caller.press('3')
    caller.press('2001#')
    expect(ids(sayOf(caller.press('*#')))).toEqual(['pay_bill.say'])
    expect(ids(sayOf(caller.press('*#')))).toEqual(['main.say'])
    // At the main menu there is nothing further back: it asks again.
    expect(ids(sayOf(caller.press('*')))).toEqual(['main.say'])
    // * without # goes back when the inter-digit timer fires.
    caller.press('2')
    caller.press('*')
    expect(ids(sayOf(caller.wait(5_000).silence()))).toEqual(['main.say'])
  })

  it('* at the confirm menu or the PIN cancels the waiting payment', () => {
    const caller = dial()
    caller.press('2')
    caller.pressForCommand('880001#')
    caller.resume(waitingForPin(language))
    expect(caller.pressForCommand('*').command.kind).toBe('cancel')

    const again = dial()
    again.press('2')
    again.pressForCommand('880001#')
    again.resume(waitingForPin(language))
    again.press('1')
    expect(again.pressForCommand('*#').command.kind).toBe('cancel')
  })

  it('a wrong PIN is spoken with the tries left and the PIN is asked again', () => {
    const caller = dial()
    caller.press('2')
    caller.pressForCommand('880001#')
    caller.resume(waitingForPin(language))
    caller.press('1')
    caller.pressForCommand('9999#')
    const step = sayOf(caller.resume(refusal('pin_incorrect', language, { triesLeft: '2' })))
    expect(ids(step)).toEqual(['pay.confirm.result.refusal.pin_incorrect', 'pay.pin.say'])
    expect(spoken(step)).toContain('2')
    expect(step.gather?.secret).toBe(true)
    expect(caller.pressForCommand('1234#').pin).toBe('1234')
  })

  it('an order the core does not know is spoken, then the main menu', () => {
    const caller = dial()
    caller.press('2')
    caller.pressForCommand('123456#')
    const step = sayOf(caller.resume(refusal('order_not_found', language)))
    expect(ids(step)).toEqual(['pay_order.ask.result.refusal.order_not_found', 'main.say'])
    expect(isInLanguage(spoken(step), language)).toBe(true)
  })

  it('a locked account is spoken and the call ends', () => {
    const caller = dial()
    caller.press('2')
    caller.pressForCommand('880001#')
    caller.resume(waitingForPin(language))
    caller.press('1')
    caller.pressForCommand('9999#')
    const step = sayOf(
      caller.resume(refusal('pin_attempts_exceeded', language, { lockMinutes: '15' })),
    )
    expect(ids(step)).toEqual(['pay.confirm.result.refusal.pin_attempts_exceeded', 'goodbye.say'])
    expect(spoken(step)).toContain('15')
    expect(step.ended).toBe(true)
  })
})

describe('type-ahead', () => {
  it('"2880001#" during the main menu asks the core at once, skipping the order question', () => {
    const caller = Caller.dial(engine)
    const step = caller.last
    expect(step.kind).toBe('say')
    const next = caller.press('2880001#')
    expect(next.prompts).toEqual([])
    expect(commandOf(next).command).toMatchObject({ kind: 'pay_order', orderNo: '880001' })
  })

  it('a whole payment typed ahead: menu, order, confirm and PIN', () => {
    const caller = Caller.dial(engine)
    caller.pressForCommand('2880001#11234#')
    // The keys after the order number wait while the core answers.
    expect(caller.call.typeAhead).toBe('11234#')
    const run = commandOf(caller.resume(waitingForPin('en')))
    expect(run).toMatchObject({ command: { kind: 'confirm' }, pin: '1234' })
    expect(caller.call.typeAhead).toBe('')
  })

  it('keys pressed while a command runs are kept for the question after its answer', () => {
    const caller = Caller.dial(engine)
    caller.pressForCommand('1')
    const held = sayOf(caller.press('2'))
    expect(held.prompts).toEqual([])
    const step = sayOf(
      caller.resume(answer('balance.summary', 'en', { wallet: '1.00', phoneBill: '2.00' })),
    )
    // The balance is still spoken; the main menu question is skipped because 2 answered it.
    expect(ids(step)).toEqual(['balance.result.balance.summary', 'pay_order.say'])
    expect(step.gather).toMatchObject({ finishOnKey: '#' })
    expect(caller.call.state).toBe('pay_order')
  })

  it('a partly typed-ahead number waits for the rest', () => {
    const caller = Caller.dial(engine)
    const step = sayOf(caller.press('28800'))
    expect(step.prompts).toEqual([])
    expect(caller.call.collecting?.digits).toBe('8800')
    expect(caller.pressForCommand('01#').command).toMatchObject({ orderNo: '880001' })
  })

  it('a no match flushes the keys typed after it', () => {
    const caller = Caller.dial(engine)
    const step = sayOf(caller.press('6880001#'))
    expect(ids(step)).toEqual(['main.no_match.1', 'main.say'])
    expect(caller.call.typeAhead).toBe('')
    expect(caller.call.state).toBe('main')
  })
})

describe('a caller from an unregistered number', () => {
  const dialStranger = (): Caller => Caller.dial(engine, { from: STRANGER, registered: false })

  it('is asked for the MSISDN first, then pays as that subscriber', () => {
    const caller = dialStranger()
    expect(ids(sayOf(caller.last))).toEqual(['identify.welcome', 'identify.say'])
    expect(caller.call.msisdn).toBeNull()
    expect(ids(sayOf(caller.press(`${HAN}#`)))).toEqual(['main.say'])
    expect(caller.call.msisdn).toBe(HAN)
    expect(caller.pressForCommand('2880001#').command).toMatchObject({
      kind: 'pay_order',
      msisdn: HAN,
    })
  })

  it('switches to the language of the subscriber once the core answers', () => {
    const caller = dialStranger()
    caller.press(`${HAN}#`)
    caller.pressForCommand('2880001#')
    const step = sayOf(caller.resume(waitingForPin('zh')))
    expect(step.prompts[0]?.language).toBe('zh')
    expect(isInLanguage(spoken(step), 'zh')).toBe(true)
  })

  it('does not hear a balance for a number typed in (a read carries no PIN)', () => {
    const caller = dialStranger()
    caller.press(`${LI}#`)
    const step = sayOf(caller.press('1'))
    expect(ids(step)).toEqual(['balance.caller_id_only', 'main.say'])
  })

  it('hears that a number the core does not know is not registered, and the call ends', () => {
    const caller = dialStranger()
    caller.press(`${STRANGER}#`)
    caller.pressForCommand('2880001#')
    const step = sayOf(caller.resume(refusal('payer_not_registered', 'en')))
    expect(ids(step)).toEqual(['not_registered.say'])
    expect(step.ended).toBe(true)
    expect(caller.call.outcome).toBe('unregistered')
  })

  it('a number that is not an MSISDN is re-prompted with an example', () => {
    const caller = dialStranger()
    const step = sayOf(caller.press('12#'))
    expect(ids(step)).toEqual(['identify.no_match.1', 'identify.say'])
    expect(caller.call.msisdn).toBeNull()
  })
})
