/**
 * check-scripts.test.ts - `checkIvrScripts` (for `telepay menus check`) on the shipped scripts
 * and on copies with one mistake each: the problem names the file, the state and what is wrong,
 * and loadIvrEngine refuses such scripts.
 */
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { parse, stringify } from 'yaml'
import {
  checkIvrScripts,
  defaultIvrScriptDir,
  loadIvrEngine,
} from '../../../../channels/ivr/flow/index.js'
import { pattern } from '../../../support/pattern.js'

type Yaml = Record<string, unknown>

/** The map at `path` inside a parsed script file. */
function node(yaml: Yaml, ...path: string[]): Yaml {
  let at: unknown = yaml
  for (const key of path) at = (at as Yaml)[key]
  expect(typeof at === 'object' && at !== null, `no map at ${path.join('.')}`).toBe(true)
  return at as Yaml
}

const dirs: string[] = []

afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true })
})

/** A copy of the shipped scripts with `edit` applied to one file. */
function scriptsWith(file: string, edit: (yaml: Yaml) => void): string {
  const dir = mkdtempSync(join(tmpdir(), 'telepay-ivr-scripts-'))
  dirs.push(dir)
  cpSync(defaultIvrScriptDir, dir, { recursive: true })
  const yaml = parse(readFileSync(join(dir, file), 'utf8')) as Yaml
  edit(yaml)
  writeFileSync(join(dir, file), stringify(yaml))
  return dir
}

function messages(dir: string): string[] {
  return checkIvrScripts(dir).map(
    (problem) => `${problem.file}: ${problem.state}: ${problem.message}`,
  )
}

describe('checkIvrScripts', () => {
  it('finds no problem in the shipped scripts', () => {
    expect(checkIvrScripts()).toEqual([])
  })

  const cases: readonly {
    readonly name: string
    readonly file: string
    readonly edit: (yaml: Yaml) => void
    readonly expected: RegExp
  }[] = [
    {
      name: 'a menu key to an unknown state',
      file: 'main.yaml',
      edit: (yaml) => {
        node(yaml, 'states', 'main', 'menu')['5'] = 'send_money'
      },
      expected: /^main\.yaml: main: menu key 5 names an unknown state "send_money"$/,
    },
    {
      name: 'an unreachable state',
      file: 'pay-order.yaml',
      edit: (yaml) => {
        node(yaml, 'states')['pay_order.orphan'] = {
          end: 'completed',
          say: { en: 'Bye.', zh: '再见。' },
        }
      },
      expected: /^pay-order\.yaml: pay_order\.orphan: the state is unreachable/,
    },
    {
      name: 'a missing translation',
      file: 'pay-bill.yaml',
      edit: (yaml) => {
        delete node(yaml, 'states', 'pay_bill.ref', 'say')['zh']
      },
      expected: /^pay-bill\.yaml: pay_bill\.ref: say is missing its zh translation$/,
    },
    {
      name: 'a missing system text translation',
      file: 'main.yaml',
      edit: (yaml) => {
        delete node(yaml, 'texts', 'no_input_2')['en']
      },
      expected: /^main\.yaml: -: texts\.no_input_2 is missing its en translation$/,
    },
    {
      name: 'an unknown validator',
      file: 'pay-order.yaml',
      edit: (yaml) => {
        node(yaml, 'states', 'pay_order', 'input')['validator'] = 'order_number'
      },
      expected: /^pay-order\.yaml: pay_order: unknown validator "order_number"/,
    },
    {
      name: 'an unknown command',
      file: 'main.yaml',
      edit: (yaml) => {
        node(yaml, 'states', 'balance', 'command')['kind'] = 'balances'
      },
      expected: /^main\.yaml: balance: unknown command "balances"/,
    },
    {
      name: 'a command field nothing sets',
      file: 'pay-order.yaml',
      edit: (yaml) => {
        node(yaml, 'states', 'pay_order.ask', 'command')['orderNo'] = 'order_number'
      },
      expected: pattern(
        /^pay-order\.yaml: pay_order\.ask: field orderNo takes "order_number", /,
        /which no input or choice sets$/,
      ),
    },
    {
      name: 'a command without a field it needs',
      file: 'pay-order.yaml',
      edit: (yaml) => {
        delete node(yaml, 'states', 'pay_order.ask', 'command')['funding']
      },
      expected: /^pay-order\.yaml: pay_order\.ask: command pay_order needs the field funding$/,
    },
    {
      name: 'a gather too short for the input',
      file: 'pay-order.yaml',
      edit: (yaml) => {
        node(yaml, 'states', 'pay_order')['gather'] = { digitsMax: 3 }
      },
      expected: pattern(
        /^pay-order\.yaml: pay_order: the gather stops at 3 keys, shorter than a typical /,
        /order_no \(6 keys\): it cannot complete$/,
      ),
    },
    {
      name: 'a gather whose minimum is above its maximum',
      file: 'airtime.yaml',
      edit: (yaml) => {
        node(yaml, 'states', 'airtime.amount')['gather'] = { digitsMin: 5, digitsMax: 4 }
      },
      expected: pattern(
        /^airtime\.yaml: airtime\.amount: gather: digitsMax 4 is below digitsMin 5: /,
        /no input can complete it$/,
      ),
    },
    {
      name: 'an input with neither terminator nor digitsMax',
      file: 'pay-order.yaml',
      edit: (yaml) => {
        node(yaml, 'states', 'pay_order')['gather'] = { finishOnKey: '' }
      },
      expected: /^pay-order\.yaml: pay_order: an input needs a terminator or digitsMax/,
    },
    {
      name: 'a menu answered by more than one key',
      file: 'main.yaml',
      edit: (yaml) => {
        node(yaml, 'states', 'main')['gather'] = { digitsMax: 2 }
      },
      expected: /^main\.yaml: main: a menu is answered by one key: its gather needs digitsMax 1$/,
    },
    {
      name: 'a menu that takes over the repeat key',
      file: 'main.yaml',
      edit: (yaml) => {
        node(yaml, 'states', 'main', 'menu')['9'] = 'balance'
      },
      expected: /^main\.yaml: main: menu key "9" must be one of 0-8/,
    },
    {
      name: 'a timeout no caller can meet',
      file: 'main.yaml',
      edit: (yaml) => {
        node(yaml, 'gathers', 'menu')['firstDigitTimeoutMs'] = 200
      },
      expected: /^main\.yaml: -: gathers\.menu: firstDigitTimeoutMs 200 is outside 1000\.\.60000$/,
    },
    {
      name: 'a PIN that does not go straight to its command',
      file: 'main.yaml',
      edit: (yaml) => {
        node(yaml, 'states', 'pay.pin', 'input')['next'] = 'main'
      },
      expected: pattern(
        /^main\.yaml: pay\.pin: the secret "pin" must go straight to a command that takes it, /,
        /not to main$/,
      ),
    },
    {
      name: 'an unknown message key in then',
      file: 'pay-order.yaml',
      edit: (yaml) => {
        node(yaml, 'states', 'pay_order.ask', 'then')['payment.confirm'] = 'pay_order.confirm'
      },
      expected: /^pay-order\.yaml: pay_order\.ask: unknown message key "payment\.confirm"$/,
    },
    {
      name: 'a placeholder nothing fills',
      file: 'pay-order.yaml',
      edit: (yaml) => {
        node(yaml, 'states', 'pay_order.confirm', 'say')['en'] = 'Pay {total} yuan?'
      },
      expected: pattern(
        /^pay-order\.yaml: pay_order\.confirm: say speaks \{total\}, which no input, choice or /,
        /result sets$/,
      ),
    },
    {
      name: 'an identify state that does not take the MSISDN',
      file: 'main.yaml',
      edit: (yaml) => {
        yaml['identify'] = 'main'
      },
      expected: /^main\.yaml: -: identify must be an input named msisdn/,
    },
    {
      name: 'a state with two kinds',
      file: 'main.yaml',
      edit: (yaml) => {
        node(yaml, 'states', 'goodbye')['command'] = { kind: 'cancel' }
      },
      expected:
        /^main\.yaml: goodbye: a state must have exactly one of menu, input, command or end$/,
    },
    {
      name: "a menu choice that sets the engine's own payment value",
      file: 'pay-order.yaml',
      edit: (yaml) => {
        node(yaml, 'states', 'pay_order.confirm', 'menu')['1'] = {
          to: 'pay.pin',
          set: { '@payment': 'P0000001' },
        }
      },
      expected: pattern(
        /^pay-order\.yaml: pay_order\.confirm: "@payment" is the engine's own value \(the /,
        /payment the call spoke of\): a script cannot set it$/,
      ),
    },
    {
      name: 'a choice that sets an account that is none',
      file: 'main.yaml',
      edit: (yaml) => {
        node(yaml, 'states', 'main', 'menu')['2'] = { to: 'pay_order', set: { account: 'purse' } }
      },
      expected: pattern(
        /^main\.yaml: main: key 2 sets account to "purse", which is no account \(wallet, /,
        /phone_bill, bank or \{default_account\}\)$/,
      ),
    },
    {
      name: 'an unknown outcome',
      file: 'main.yaml',
      edit: (yaml) => {
        node(yaml, 'states', 'goodbye')['end'] = 'done'
      },
      expected:
        /^main\.yaml: goodbye: end must be one of completed, failed_input, unregistered, error$/,
    },
  ]

  it.each(cases)('reports $name', ({ file, edit, expected }) => {
    const dir = scriptsWith(file, edit)
    expect(messages(dir).filter((line) => expected.test(line))).toHaveLength(1)
    expect(() => loadIvrEngine(dir)).toThrow(/problem/)
  })

  it('reports a file that is not YAML, and a missing folder', () => {
    const dir = scriptsWith('airtime.yaml', () => undefined)
    writeFileSync(join(dir, 'airtime.yaml'), 'states: [unclosed')
    expect(messages(dir).some((line) => line.startsWith('airtime.yaml: -: not valid YAML'))).toBe(
      true,
    )
    expect(checkIvrScripts(join(dir, 'nowhere')).length).toBeGreaterThan(0)
  })
})
