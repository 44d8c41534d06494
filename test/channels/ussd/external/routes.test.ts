/**
 * routes.test.ts - the one table of where a dial goes: the menus' `*123#` family, an external
 * app by the longest code whose groups start the dial (with a shortcut's prefilled `text`), a
 * code no app serves left to the menus (which refuse it), the SMPP destination_addr forms, and
 * the start-up refusals (a code of the menus' own family, too many apps).
 */
import { describe, expect, it } from 'vitest'
import type { ExternalApp } from '../../../../channels/ussd/external/index.js'
import { dialRoutes, ExternalAppsError } from '../../../../channels/ussd/external/index.js'
import { defaultUssdLimits } from '../../../../channels/ussd/limits.js'

const sandbox: ExternalApp = { serviceCode: '*384*2468#', url: 'http://127.0.0.1:9000/ussd' }
const deeper: ExternalApp = { serviceCode: '*384*2468*5#', url: 'http://127.0.0.1:9001/ussd' }
const short: ExternalApp = { serviceCode: '*500#', url: 'http://127.0.0.1:9002/ussd' }
const routes = dialRoutes('*123#', [sandbox, deeper, short], defaultUssdLimits)

describe('dial routes', () => {
  it.each([
    ['*384*2468#', sandbox, ''],
    ['*384*2468*1#', sandbox, '1'],
    ['*384*2468*1*2#', sandbox, '1*2'],
    ['*384*2468*5#', deeper, ''],
    ['*384*2468*5*9#', deeper, '9'],
    ['*500#', short, ''],
    [' *500*7# ', short, '7'],
  ])('gives %s to its app with text %j', (dial, app, text) => {
    expect(routes.route(dial)).toEqual({ kind: 'app', app, text })
  })

  it.each([
    '*123#',
    '*123*2*1001#',
    '*384*24689#',
    '*384#',
    '*3842468#',
    '*5000#',
    '*384*2468',
    '',
  ])('leaves %j to the menus', (dial) => {
    expect(routes.route(dial)).toEqual({ kind: 'menu' })
  })

  it('names every served code in a destination_addr, and only those', () => {
    for (const destination of ['', '*123#', '123', '*384*2468#', '384', '*500#', '500'])
      expect(routes.namesServed(destination), destination).toBe(true)
    for (const destination of ['*124#', '12588', '*501#'])
      expect(routes.namesServed(destination), destination).toBe(false)
  })

  it("refuses at start a code of the menus' own family, naming the setting", () => {
    const inside: ExternalApp = { serviceCode: '*123*9#', url: 'http://127.0.0.1:9000/' }
    expect(() => dialRoutes('*123#', [short, inside], defaultUssdLimits)).toThrow(
      new ExternalAppsError(
        "ussd.externalApps[1].serviceCode: *123*9# is within *123#, the platform's own menu " +
          'and its shortcuts',
      ),
    )
    expect(() =>
      dialRoutes('*123#', [{ ...short, serviceCode: '*123#' }], defaultUssdLimits),
    ).toThrow(ExternalAppsError)
    // Only the family: *1234# is another code.
    expect(
      dialRoutes('*123#', [{ ...short, serviceCode: '*1234#' }], defaultUssdLimits).route('*1234#')
        .kind,
    ).toBe('app')
  })

  it('refuses more apps than externalAppsMax', () => {
    expect(() => dialRoutes('*123#', [sandbox, short], { externalAppsMax: 1 })).toThrow(
      'ussd.externalApps: 2 apps, more than the 1 served',
    )
  })
})
