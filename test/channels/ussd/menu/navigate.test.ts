/**
 * navigate.test.ts - 0 back, 00 home, 98 more, invalid inputs with a re-prompt that says what
 * was wrong, and the polite END after three wrong inputs in a row on one screen.
 */
import { describe, expect, it } from 'vitest'
import {
  commandOf,
  dial,
  engine,
  fakeResult,
  fitsOnePage,
  PIN,
  screenOf,
  type,
  WAITING_ID,
  waiting,
} from './drive.js'

const mainEn = screenOf(dial()).text

describe('0 back and 00 home', () => {
  it('goes back one state with 0 and keeps going back to the main menu', () => {
    const merchant = type(dial(), '2')
    const amount = type(merchant, '1001')
    const back = type(amount, '0')
    expect(screenOf(back)).toEqual(screenOf(merchant))
    expect(back.session.state).toBe('pay_merchant')
    expect(screenOf(type(back, '0')).text).toBe(mainEn)
  })

  it('goes back from the PIN screen to the account choice, and a new choice is used', () => {
    const asking = type(dial(), '2', '1001', '25', '1')
    const pinScreen = engine.resume(
      asking.session,
      waiting('payment.confirm_pin', {
        amount: '25.00',
        payee: 'Ringtone Store',
        account: 'wallet',
      }),
    )
    // Leaving the confirm screen cancels the payment the core holds, then shows the accounts.
    const cancelling = engine.input(pinScreen.session, '0')
    expect(commandOf(cancelling).command).toEqual({
      kind: 'cancel',
      msisdn: '8613800138000',
      paymentId: WAITING_ID,
    })
    const accounts = engine.resume(
      cancelling.session,
      fakeResult({ key: 'payment.cancelled', params: {} }),
    )
    expect(screenOf(accounts).text).toContain('1 Wallet')
    const run = commandOf(type(accounts, '3'))
    expect(run.command).toMatchObject({
      kind: 'pay_merchant',
      funding: 'bank',
      amountMinor: 2500n,
      authorize: false,
    })
  })

  it('goes home with 00 from deep in a flow and forgets the values', () => {
    const home = type(dial(), '3', '2001', 'ACC1', '00')
    expect(screenOf(home).text).toBe(mainEn)
    expect(home.session.values).toEqual({})
    expect(home.session.back).toEqual([])
  })

  it('stays on the main menu for 0 at home', () => {
    expect(screenOf(type(dial(), '0')).text).toBe(mainEn)
  })

  it('shows 0 Back on option screens below the main menu', () => {
    expect(screenOf(type(dial(), '8')).text).toBe('Settings\n1 Change PIN\n2 Language\n0 Back')
    expect(screenOf(type(dial('*123#', 'zh'), '8')).text).toBe(
      '设置\n1 修改密码\n2 语言 Language\n0 返回',
    )
  })
})

describe('98 more on a long answer', () => {
  const rows = Array.from(
    { length: 5 },
    (_unused, index) => `T00000${index} -1000.00 State Grid Power`,
  ).join('; ')
  const statement = fakeResult({ key: 'statement.list', params: { rows } })

  it('pages the mini statement with 98 More and ends on the last page', () => {
    const asked = commandOf(type(dial(), '7'))
    expect(asked.command.kind).toBe('statement')
    let step = engine.resume(type(dial(), '7').session, statement)
    const pages: string[] = []
    for (let guard = 0; guard < 10 && screenOf(step).type === 'CON'; guard += 1) {
      const text = screenOf(step).text
      expect(text.split('\n')).toContain('98 More')
      pages.push(text)
      step = engine.input(step.session, '98')
    }
    const last = screenOf(step)
    expect(last.type).toBe('END')
    expect(last.text).not.toContain('98 More')
    pages.push(last.text)
    expect(pages.length).toBeGreaterThan(1)
    for (const page of pages) expect(fitsOnePage(page), page).toBe(true)
    // Every row is shown whole on some page: the text is cut between rows or words, never lost.
    const shown = pages
      .map((page) =>
        page
          .split('\n')
          .filter((line) => !/^(98 More|0 Back)$/.test(line))
          .join(' '),
      )
      .join(' ')
    for (let index = 0; index < 5; index += 1)
      expect(shown).toContain(`T00000${index} -1000.00 State Grid Power`)
  })

  it('pages a Chinese statement within 80 characters, 0 returning to the previous page', () => {
    const zhRows = Array.from(
      { length: 8 },
      (_unused, index) => `T00000${index} -25.00 国家电网电费代收`,
    ).join('; ')
    const first = engine.resume(
      type(dial('*123#', 'zh'), '7').session,
      fakeResult({ key: 'statement.list', params: { rows: zhRows } }, 'zh'),
    )
    const page1 = screenOf(first)
    expect(page1.type).toBe('CON')
    expect(page1.text.length).toBeLessThanOrEqual(80)
    expect(page1.text).toContain('98 更多')
    const page2 = engine.input(first.session, '98')
    expect(screenOf(page2).type).toBe('CON')
    expect(screenOf(page2).text).not.toBe(page1.text)
    expect(screenOf(page2).text).toContain('0 返回')
    expect(screenOf(engine.input(page2.session, '0'))).toEqual(page1)
    // The last page is the END: no navigation is offered on it.
    let step = page2
    for (let guard = 0; guard < 10 && screenOf(step).type === 'CON'; guard += 1)
      step = engine.input(step.session, '98')
    expect(screenOf(step).type).toBe('END')
    expect(screenOf(step).text).not.toMatch(/98 更多|0 返回/)
  })

  it('takes 98 as an amount where the screen has no next page', () => {
    const run = commandOf(type(dial(), '2', '1001', '98', '1'))
    expect(run.command).toMatchObject({ amountMinor: 9800n })
  })
})

describe('invalid input re-prompts with what was wrong', () => {
  const amountScreen = (): ReturnType<typeof dial> => type(dial(), '2', '1001')

  it.each([
    ['abc', 'Amount not understood. Enter digits such as 25 or 25.50.'],
    ['25.555', 'Amounts have at most 2 decimals, such as 25.50. Enter it again.'],
    ['0.00', 'The amount must be more than 0. Enter it again.'],
    ['-5', 'The amount must be more than 0. Enter it again.'],
    ['5*0', 'Amount not understood. Enter digits such as 25 or 25.50.'],
    ['12abc', 'Amount not understood. Enter digits such as 25 or 25.50.'],
  ])('amount %j', (input, reprompt) => {
    const step = type(amountScreen(), input)
    const screen = screenOf(step)
    expect(screen.type).toBe('CON')
    expect(screen.text).toBe(`${reprompt}\nPay merchant 1001\nEnter the amount (CNY)`)
    expect(step.session.state).toBe('pay_merchant.amount')
  })

  it('re-prompts in Chinese', () => {
    const screen = screenOf(type(dial('*123#', 'zh'), '2', '1001', 'abc'))
    expect(screen.text.split('\n')[0]).toBe('金额无法识别，请输入数字，如25或25.50。')
  })

  it.each([
    [['10'], 'Please choose one of the numbers shown.'],
    [['9', '2', '12.345'], 'Amounts have at most 2 decimals, such as 25.50. Enter it again.'],
    [['2', '10a1'], 'A merchant code is 3 to 8 digits, such as 1001. Enter it again.'],
    [
      ['3', '2001', 'ACC-1'],
      'Enter the customer number from your bill: up to 20 letters or digits.',
    ],
    [
      ['5', '12345'],
      'That phone number is not valid. Enter it with the country code, e.g. 8613800138000.',
    ],
    [['6', '88'], 'An order number is 4 to 12 digits, such as 880001. Enter it again.'],
    [['8', '1', PIN, '12'], 'A new PIN is 4 to 6 digits. Enter the new PIN again.'],
    [['8', '1', PIN, '5860', '5861'], 'The two new PINs differ. Enter the new PIN again.'],
  ])('after %j', (inputs, reprompt) => {
    const screen = screenOf(type(dial(), ...inputs))
    expect(screen.type).toBe('CON')
    expect(screen.text.split('\n')[0]).toBe(reprompt)
  })

  it('ends politely after three wrong inputs in a row on one screen', () => {
    const step = type(dial(), '2', '1001', 'x', 'y', 'z')
    expect(screenOf(step)).toEqual({
      type: 'END',
      text: 'Too many wrong entries. Nothing was paid. Dial *123# to start again.',
    })
    expect(step.session.ended).toBe(true)
  })

  it('counts wrong inputs per screen: two wrong, a right one, two wrong again go on', () => {
    const step = type(dial(), '2', 'x', 'y', '1001', 'a', 'b')
    expect(screenOf(step).type).toBe('CON')
    expect(commandOf(type(step, '25', '1')).command).toMatchObject({
      merchantCode: '1001',
      amountMinor: 2500n,
    })
  })

  it('counts three wrong options at the main menu', () => {
    expect(screenOf(type(dial(), '10', '99', '')).type).toBe('END')
  })
})
