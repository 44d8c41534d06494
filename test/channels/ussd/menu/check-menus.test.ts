/**
 * check-menus.test.ts - `checkMenus` and `telepay menus check` on the shipped menus and on
 * broken copies of them: each kind of problem is reported with its file and state, and the
 * engine loader refuses menus with problems.
 */
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { checkMenus, defaultMenuDir, loadUssdEngine } from '../../../../channels/ussd/menu/index.js'
import { runMenus } from '../../../../src/tools/cli/menus.js'

const copies: string[] = []

/** A copy of the shipped menus with one file edited. */
function brokenCopy(file: string, edit: (text: string) => string): string {
  const dir = mkdtempSync(join(tmpdir(), 'telepay-menus-'))
  copies.push(dir)
  cpSync(defaultMenuDir, dir, { recursive: true })
  const path = join(dir, file)
  const before = readFileSync(path, 'utf8')
  const after = edit(before)
  expect(after, 'the edit changed nothing').not.toBe(before)
  writeFileSync(path, after)
  return dir
}

afterEach(() => {
  for (const dir of copies.splice(0)) rmSync(dir, { recursive: true, force: true })
  vi.restoreAllMocks()
})

describe('checkMenus', () => {
  it('finds no problem in the shipped menus', () => {
    expect(checkMenus(defaultMenuDir)).toEqual([])
  })

  it.each([
    {
      kind: 'unknown target state',
      file: 'pay-merchant.yaml',
      state: 'pay_merchant.amount',
      message: /unknown state pay_merchant\.acount/,
      edit: (text: string) =>
        text.replace('next: pay_merchant.account', 'next: pay_merchant.acount'),
    },
    {
      kind: 'unreachable state',
      file: 'main.yaml',
      state: 'orphan',
      message: /unreachable/,
      edit: (text: string) =>
        `${text}\n  orphan:\n    text: { en: 'Lost', zh: '迷路' }\n    end: true\n`,
    },
    {
      kind: 'option that cannot fit a page',
      file: 'settings.yaml',
      state: 'settings',
      message: /option 1 en label cannot fit a page/,
      edit: (text: string) =>
        text.replace("label: { en: 'Change PIN'", `label: { en: '${'Change PIN '.repeat(17)}'`),
    },
    {
      kind: 'option that cannot fit a Chinese page',
      file: 'main.yaml',
      state: 'main',
      message: /option 2 zh label cannot fit a page/,
      edit: (text: string) => text.replace("zh: '商户付款'", `zh: '${'商户付款'.repeat(20)}'`),
    },
    {
      kind: 'option that sets an account that is none',
      file: 'pay-bill.yaml',
      state: 'pay_bill.account',
      message: /option 3 sets account to "card", which is no account \(wallet, phone_bill, bank/,
      edit: (text: string) =>
        text.replace(
          'set: { account: bank }, to: pay_bill.ask',
          'set: { account: card }, to: pay_bill.ask',
        ),
    },
    {
      kind: 'missing translation',
      file: 'pay-order.yaml',
      state: 'pay_order',
      message: /text is missing its zh translation/,
      edit: (text: string) =>
        text.replace(
          "text: { en: 'Enter the order number', zh: '请输入订单号' }",
          "text: { en: 'Enter the order number' }",
        ),
    },
    {
      kind: 'missing option label translation',
      file: 'airtime.yaml',
      state: 'airtime',
      message: /option 2 label is missing its en translation/,
      edit: (text: string) =>
        text.replace(
          "label: { en: 'Another number', zh: '其他号码' }",
          "label: { zh: '其他号码' }",
        ),
    },
    {
      kind: 'unknown validator',
      file: 'send-money.yaml',
      state: 'send_money.amount',
      message: /unknown validator amont/,
      edit: (text: string) => text.replace('validator: amount', 'validator: amont'),
    },
    {
      kind: 'unknown placeholder',
      file: 'pay-bill.yaml',
      state: 'pay_bill.account',
      message: /unknown placeholder \{amout\}/,
      edit: (text: string) =>
        text.replace(
          "text: { en: 'Pay CNY {amount} to biller",
          "text: { en: 'Pay CNY {amout} to biller",
        ),
    },
    {
      kind: 'placeholder showing a PIN',
      file: 'pay-order.yaml',
      state: 'pay_order.confirm_pin',
      message: /\{pin\}, which holds a PIN/,
      edit: (text: string) =>
        text.replace(
          'for order {order} from your {account}.',
          'for order {order} with {pin} from your {account}.',
        ),
    },
    {
      kind: 'unknown command kind',
      file: 'main.yaml',
      state: 'balance',
      message: /unknown command kind balanse/,
      edit: (text: string) => text.replace('kind: balance }', 'kind: balanse }'),
    },
    {
      kind: 'command field without a value',
      file: 'pay-merchant.yaml',
      state: 'pay_merchant.ask',
      message: /field merchantCode takes unknown value merchnt/,
      edit: (text: string) => text.replace('merchantCode: merchant,', 'merchantCode: merchnt,'),
    },
    {
      kind: 'state that is two kinds at once',
      file: 'main.yaml',
      state: 'pay.cancel',
      message: /exactly one of options, input, command or end/,
      edit: (text: string) =>
        text.replace(
          'command: { kind: cancel }',
          'command: { kind: cancel }\n    end: true\n    text: { en: x, zh: x }',
        ),
    },
    {
      kind: 'payment without a confirm screen to go on to',
      file: 'send-money.yaml',
      state: 'send_money.ask',
      message: /leaves a payment waiting: it needs then/,
      edit: (text: string) =>
        text.replace('    then:\n      send.confirm_pin: send_money.confirm_pin\n', ''),
    },
    {
      kind: 'then with a key the core never answers with',
      file: 'pay-order.yaml',
      state: 'pay_order.ask',
      message: /then has payment\.confirm_pn, which is no message key/,
      edit: (text: string) =>
        text.replace(
          'payment.confirm_pin: pay_order.confirm_pin',
          'payment.confirm_pn: pay_order.confirm_pin',
        ),
    },
    {
      kind: 'then to an unknown state',
      file: 'airtime.yaml',
      state: 'airtime.ask',
      message: /goes to unknown state airtime\.confirm_pn/,
      edit: (text: string) =>
        text.replace(
          'airtime.confirm_pin: airtime.confirm_pin',
          'airtime.confirm_pin: airtime.confirm_pn',
        ),
    },
    {
      kind: 'then to a command state',
      file: 'settings.yaml',
      state: 'settings.language_set',
      message: /goes to command state balance; it must show a screen/,
      edit: (text: string) =>
        text.replace('then: { language.changed: main }', 'then: { language.changed: balance }'),
    },
    {
      kind: 'result text for no message key',
      file: 'main.yaml',
      state: 'results',
      message: /results has refusal\.merchant_not_fund, which is no message key/,
      edit: (text: string) =>
        text.replace('  refusal.merchant_not_found:', '  refusal.merchant_not_fund:'),
    },
    {
      kind: 'result text without a translation',
      file: 'pay-bill.yaml',
      state: 'pay_bill.ask',
      message: /results\.refusal\.merchant_not_found is missing its zh translation/,
      edit: (text: string) => text.replace(/\n {8}zh: '缴费单位不存在[^\n]*/, ''),
    },
    {
      kind: 'then outside a command state',
      file: 'pay-order.yaml',
      state: 'pay_order',
      message: /then is only for a command state/,
      edit: (text: string) =>
        text.replace(
          'input: { name: order, validator: order_no, next: pay_order.account }',
          'input: { name: order, validator: order_no, next: pay_order.account }\n' +
            '    then: { language.changed: main }',
        ),
    },
    {
      kind: 'invalid YAML',
      file: 'settings.yaml',
      state: '-',
      message: /not valid YAML/,
      edit: (text: string) => `${text}\n  broken: [unclosed\n`,
    },
  ])('reports $kind with its file and state', ({ file, state, message, edit }) => {
    const problems = checkMenus(brokenCopy(file, edit))
    expect(problems.length).toBeGreaterThan(0)
    expect(
      problems.some(
        (problem) =>
          problem.file === file && problem.state === state && message.test(problem.message),
      ),
      JSON.stringify(problems, null, 1),
    ).toBe(true)
  })

  it('reports a duplicate state with both files', () => {
    const problems = checkMenus(
      brokenCopy('send-money.yaml', (text) =>
        text.replace(
          '  send_money.amount:',
          '  pay_merchant:\n    text: { en: x, zh: x }\n    end: true\n  send_money.amount:',
        ),
      ),
    )
    expect(problems).toContainEqual({
      file: 'send-money.yaml',
      state: 'pay_merchant',
      message: 'state pay_merchant is also defined in pay-merchant.yaml',
    })
  })

  it('makes the engine loader refuse menus with problems, naming file and state', () => {
    const dir = brokenCopy('send-money.yaml', (text) =>
      text.replace('validator: amount', 'validator: amont'),
    )
    expect(() => loadUssdEngine(dir)).toThrow(
      /send-money\.yaml: send_money\.amount: unknown validator amont/,
    )
  })
})

describe('telepay menus check', () => {
  function capture(): string[] {
    const out: string[] = []
    vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
      out.push(String(chunk))
      return true
    })
    vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => {
      out.push(String(chunk))
      return true
    })
    return out
  }

  it('prints ok lines and exits 0 for the shipped menus', async () => {
    const out = capture()
    expect(await runMenus(['check'])).toBe(0)
    expect(out.join('')).toMatch(/^ok .*main\.yaml$/m)
  })

  it('prints each problem with file and state and exits 1', async () => {
    const dir = brokenCopy('main.yaml', (text) =>
      text.replace('kind: statement }', 'kind: statemnt }'),
    )
    const out = capture()
    expect(await runMenus(['check', '--dir', dir])).toBe(1)
    expect(out.join('')).toContain(
      `${join(dir, 'main.yaml')}: statement: unknown command kind statemnt`,
    )
  })

  it('exits 2 for a usage error', async () => {
    capture()
    expect(await runMenus(['verify'])).toBe(2)
    expect(await runMenus(['check', '--bogus'])).toBe(2)
  })
})
