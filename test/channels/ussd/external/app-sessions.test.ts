/**
 * app-sessions.test.ts - the hops of an external app's session on their own, against a real fake
 * app: `text` as Africa's Talking builds it in the corners (an empty input is an empty part, a
 * prefilled shortcut is the first input), the text bound of the channel, and a session whose
 * sealed text this process cannot open (a restart) ending as lost, without asking the app.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { UssdSession } from '../../../../channels/ussd/contract.js'
import type { AppStep } from '../../../../channels/ussd/external/index.js'
import { dialRoutes, ExternalApps } from '../../../../channels/ussd/external/index.js'
import { defaultUssdLimits } from '../../../../channels/ussd/limits.js'
import { sealSecret } from '../../../../channels/ussd/menu/secrets.js'
import { silentLogger } from '../../../../src/service/log.js'
import { Metrics } from '../../../../src/service/metrics.js'
import { LI } from '../../../support/gateway-fixture.js'
import type { FakeApp } from './fake-app.js'
import { startFakeApp } from './fake-app.js'

const code = '*384*2468#'
let app: FakeApp

beforeAll(async () => {
  app = await startFakeApp(({ form }) => ({ body: `CON got ${form['text']}` }))
})
afterAll(() => app?.close())

function apps(inputLengthMax = defaultUssdLimits.inputLengthMax): ExternalApps {
  const routes = dialRoutes('*123#', [{ serviceCode: code, url: app.url }], defaultUssdLimits)
  return new ExternalApps({
    routes,
    limits: { ...defaultUssdLimits, inputLengthMax },
    log: silentLogger,
    metrics: new Metrics(),
  })
}

async function walk(served: ExternalApps, dial: string, inputs: readonly string[]) {
  const route = served.route(dial)
  if (route.kind !== 'app') throw new Error(`${dial} is not an app's`)
  let step: AppStep = await served.open(route, { sessionId: 's', msisdn: LI, language: 'en' })
  for (const input of inputs) step = await served.input(step.app, step.session, input)
  return step
}

describe("an external app's session", () => {
  it('joins inputs with `*`, an empty input an empty part, as AT does', async () => {
    app.requests.length = 0
    const step = await walk(apps(), code, ['', '1', ''])
    expect(app.texts()).toEqual(['', '', '*1', '*1*'])
    expect(step.session).toMatchObject({ hop: 3, trail: ['****', '****', '****'], ended: false })
    expect(step.app.inputs).toBe(3)
  })

  it('counts a prefilled shortcut as the first input', async () => {
    app.requests.length = 0
    await walk(apps(), '*384*2468*7*8#', ['9'])
    expect(app.texts()).toEqual(['7*8', '7*8*9'])
  })

  it('ends the session when its text would pass the bound, without asking the app', async () => {
    app.requests.length = 0
    const step = await walk(apps(5), code, ['12', '34', '5'])
    expect(app.texts()).toEqual(['', '12', '12*34'])
    expect(step.outcome).toBe('app_failed')
    expect(step.screen).toEqual({
      type: 'END',
      text: 'Sorry, the service you dialled did not answer. Please try again later.',
    })
  })

  it('ends as lost a session another process sealed, without asking the app', async () => {
    app.requests.length = 0
    const served = apps()
    const opened = await walk(served, code, [])
    // What a restart leaves: a seal this process's key does not open.
    const foreign = `${sealSecret('1').slice(0, -4)}AAAA`
    const session: UssdSession = opened.session
    const step = await served.input({ ...opened.app, sealedText: foreign }, session, '2')
    expect(step.outcome).toBe('lost_track')
    expect(step.screen.text).toBe('Sorry, we lost track of this session. Please dial again.')
    expect(app.texts()).toEqual([''])
  })
})
