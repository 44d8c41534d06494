/**
 * menu-reload.test.ts - the USSD menus read again while sessions are open (what SIGHUP does):
 * an open session walks on in the new menus from its next hop, a new dial sees them, and menu
 * files with problems are refused whole, the menus in use staying. Also the swappable engine
 * under it.
 */
import { cpSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { defaultMenuDir } from '../../../channels/ussd/menu/index.js'
import { swappable } from '../../../src/gateway/menus/index.js'
import { LI, startTestGateway } from '../../support/gateway-fixture.js'
import { scratchSpace } from '../../support/scratch.js'
import { AtPhone } from './ussd-harness.js'

const space = scratchSpace('telepay-menu-reload-')

describe('reloading the USSD menus', () => {
  it('serves new menus to open sessions and new dials; refuses broken files whole', async () => {
    const menusDir = join(space.dir(), 'ussd')
    cpSync(defaultMenuDir, menusDir, { recursive: true })
    const gateway = await startTestGateway({ menusDir })
    space.gateway = gateway
    const open = new AtPhone(gateway.url, LI, 'reload-1')
    expect(await open.dial()).toMatch(/^CON telepay\n1 Balance/)

    const main = join(menusDir, 'main.yaml')
    const original = readFileSync(main, 'utf8')
    writeFileSync(
      main,
      original.replace("{ en: 'Balance', zh: '查询余额' }", "{ en: 'My balance', zh: '查询余额' }"),
    )
    expect(gateway.gateway.ussd.reloadMenus()).toBe(true)
    // The open session walks on: 0 back to the main menu shows the new label.
    expect(await open.type('2')).toMatch(/^CON Enter the merchant code/)
    expect(await open.type('0')).toMatch(/\n1 My balance\n/)
    expect(await new AtPhone(gateway.url, LI, 'reload-2').dial()).toMatch(/\n1 My balance\n/)

    writeFileSync(main, original.replace('home: main', 'home: nowhere'))
    expect(() => gateway.gateway.ussd.reloadMenus()).toThrow(/home state nowhere does not exist/)
    expect(await new AtPhone(gateway.url, LI, 'reload-3').dial()).toMatch(/\n1 My balance\n/)
  })
})

describe('swappable', () => {
  it('sends every call to the engine of the moment, with its own this', () => {
    class Greeter {
      constructor(private readonly word: string) {}
      greet(name: string): string {
        return `${this.word} ${name}`
      }
    }
    const engines = swappable(new Greeter('hello'))
    const held = engines.value
    expect(held.greet('Li')).toBe('hello Li')
    engines.replace(new Greeter('ni hao'))
    expect(held.greet('Li')).toBe('ni hao Li')
  })
})
