/**
 * operating-models.test.ts - the shipped USSD menus under each operating model: a subscriber is
 * shown only the accounts the model offers, numbered anew, and the number typed pays from the
 * account it showed; Send money (from the wallet) is not shown where there is no wallet; menus
 * that would leave a screen empty under the model do not load.
 */
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import type { EngineStep, UssdEngine } from '../../../../channels/ussd/contract.js'
import { defaultMenuDir, heldMode, loadUssdEngine } from '../../../../channels/ussd/menu/index.js'
import type { OperatingModelId } from '../../../../src/core/index.js'
import { accountOfferOf, operatingModelIds } from '../../../../src/core/index.js'
import { pattern } from '../../../support/pattern.js'
import { commandOf, registered, screenOf } from './drive.js'

const LI = '8613800138000'

function engineUnder(model: OperatingModelId): UssdEngine {
  return loadUssdEngine(defaultMenuDir, { accounts: accountOfferOf(model) })
}

function dial(engine: UssdEngine, dialString: string): EngineStep {
  const step = engine.start('sess-m', LI, 'en', dialString)
  return step.kind === 'command' && heldMode(step.session) === 'gate'
    ? engine.resume(step.session, registered)
    : step
}

/** The option lines of a screen (`1 Wallet`), without the navigation lines. */
function optionLines(step: EngineStep): string[] {
  return screenOf(step)
    .text.split('\n')
    .filter((line) => /^[1-9] /.test(line))
}

const accountLabels = { wallet: 'Wallet', phone_bill: 'Phone bill', bank: 'Bank card' } as const

describe.each(operatingModelIds)('the USSD menus under the %s model', (model) => {
  const engine = engineUnder(model)
  const offer = accountOfferOf(model)
  const expectedAccounts = offer.accounts.map(
    (account, index) => `${index + 1} ${accountLabels[account]}`,
  )

  // The main menu's numbers move with the model (no Send money without a wallet).
  const mainLines = optionLines(dial(engine, '*123#'))
  const numberOf = (label: string): string => {
    const line = mainLines.find((text) => text.endsWith(` ${label}`))
    expect(line, `${label} in the main menu`).toBeDefined()
    return line?.split(' ')[0] ?? ''
  }

  it.each([
    ['pay a merchant', 'Pay merchant', '1001*25'],
    ['pay a bill', 'Pay bill', '2001*8812345*25'],
    ['buy airtime for oneself', 'Buy airtime', '1*10'],
    ['pay an order', 'Pay order', '880001'],
  ])('lists only the offered accounts to %s', (_what, label, answers) => {
    const step = dial(engine, `*123*${numberOf(label)}*${answers}#`)
    expect(optionLines(step)).toEqual(expectedAccounts)
  })

  it('pays from the account whose number was typed', () => {
    offer.accounts.forEach((account, index) => {
      const step = dial(engine, `*123*2*1001*25*${index + 1}#`)
      expect(commandOf(step).command).toMatchObject({
        kind: 'pay_merchant',
        funding: account,
        amountMinor: 2500n,
      })
    })
  })

  it('refuses a number past the offered accounts as no choice', () => {
    const step = dial(engine, `*123*2*1001*25*${offer.accounts.length + 1}#`)
    expect(screenOf(step).text).toContain('Please choose one of the numbers shown.')
  })

  it('shows Send money only where a wallet is offered', () => {
    const main = screenOf(dial(engine, '*123#')).text
    expect(main.includes('Send money')).toBe(offer.accounts.includes('wallet'))
    expect(main).toContain('Pay order')
  })
})

describe('the bank model', () => {
  it('numbers the main menu anew without Send money', () => {
    expect(optionLines(dial(engineUnder('bank'), '*123#'))).toEqual([
      '1 Balance',
      '2 Pay merchant',
      '3 Pay bill',
      '4 Buy airtime',
      '5 Pay order',
      '6 Mini statement',
      '7 Settings',
      '8 SIM card purse',
    ])
  })
})

describe('menus that cannot serve a model', () => {
  const dirs: string[] = []
  afterEach(() => {
    for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true })
  })

  it('refuse to load when a screen would be left with no option, naming it', () => {
    const dir = mkdtempSync(join(tmpdir(), 'telepay-menus-model-'))
    dirs.push(dir)
    cpSync(defaultMenuDir, dir, { recursive: true })
    const file = join(dir, 'pay-bill.yaml')
    const walletOnly = readFileSync(file, 'utf8')
      .split('\n')
      .filter((line) => !/set: \{ account: (phone_bill|bank) \}/.test(line))
      .join('\n')
    writeFileSync(file, walletOnly)
    expect(() => loadUssdEngine(dir, { accounts: accountOfferOf('cooperative') })).not.toThrow()
    expect(() => loadUssdEngine(dir, { accounts: accountOfferOf('bank') })).toThrow(
      pattern(
        /pay-bill\.yaml: pay_bill\.account: no option is left under the operating model /,
        /\(it offers bank\)/,
      ),
    )
  })
})
