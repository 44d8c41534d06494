/**
 * dial-check.test.ts - the check a dial starts with: a dial that would show a screen at once
 * asks the core first (a balance, which moves nothing), so that an unregistered or locked number
 * hears so at the dial instead of after walking a whole payment. A dial that reaches a command
 * runs it straight away (the core refuses those numbers there), and a wrong service code needs
 * no check.
 */
import { describe, expect, it } from 'vitest'
import { heldMode } from '../../../../channels/ussd/menu/index.js'
import { refused } from '../../../../src/core/index.js'
import { commandOf, engine, LI, registered, screenOf, UNREGISTERED } from './drive.js'

describe('the check at the dial', () => {
  it('asks the core about the caller before the main menu, and then shows it', () => {
    const checking = engine.start('check-1', LI, 'en', '*123#')
    expect(commandOf(checking)).toEqual({
      command: { kind: 'balance', msisdn: LI },
      pin: null,
      newPin: null,
    })
    expect(heldMode(checking.session)).toBe('gate')
    const menu = engine.resume(checking.session, registered)
    expect(screenOf(menu).text).toMatch(/^telepay\n1 Balance\n2 Pay merchant/)
    expect(heldMode(menu.session)).toBeNull()
    expect(menu.session.hop).toBe(0)
  })

  it('shows the menu at once when the channel already saw a registered, unlocked caller', () => {
    const menu = engine.start('check-admitted', LI, 'en', '*123#', true)
    expect(screenOf(menu).text).toMatch(/^telepay\n1 Balance\n2 Pay merchant/)
    expect(heldMode(menu.session)).toBeNull()
  })

  it("ends at once for an unregistered number, with the core's words", () => {
    const checking = engine.start('check-2', UNREGISTERED, 'en', '*123#')
    const closing = engine.resume(checking.session, refused('payer_not_registered', 'en'))
    expect(screenOf(closing)).toEqual({
      type: 'END',
      text:
        'Your number is not registered for telepay payments. Ask your operator or an agent to ' +
        'register it.',
    })
    expect(closing.session.ended).toBe(true)
  })

  it('ends at once for a locked subscriber, in the session language', () => {
    const checking = engine.start('check-3', LI, 'zh', '*123#')
    expect(screenOf(engine.resume(checking.session, refused('subscriber_locked', 'zh'))).text).toBe(
      '密码错误次数过多，账户已锁定，请15分钟后再试。',
    )
  })

  it('holds the screen a shortcut stopped at, re-prompt included', () => {
    const checking = engine.start('check-4', LI, 'en', '*123*2*10x1#')
    expect(commandOf(checking).command.kind).toBe('balance')
    const screen = screenOf(engine.resume(checking.session, registered))
    expect(screen.text).toBe(
      'A merchant code is 3 to 8 digits, such as 1001. Enter it again.\nEnter the merchant code',
    )
  })

  it('runs a command the dial reaches without a check: it is refused there for the number', () => {
    const balance = engine.start('check-5', UNREGISTERED, 'en', '*123*1#')
    expect(heldMode(balance.session)).toBeNull()
    expect(
      screenOf(engine.resume(balance.session, refused('payer_not_registered', 'en'))).text,
    ).toMatch(/^Your number is not registered/)
    expect(commandOf(engine.start('check-6', LI, 'en', '*123*2*1001*25*1#')).command.kind).toBe(
      'pay_merchant',
    )
  })

  it('needs no check to refuse another service code', () => {
    expect(screenOf(engine.start('check-7', UNREGISTERED, 'en', '*124#')).type).toBe('END')
  })
})
