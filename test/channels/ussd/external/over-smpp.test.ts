/**
 * over-smpp.test.ts - a USSD code served by someone else's app (`ussd.externalApps`), dialled
 * over USSD over SMPP on the SMSC simulator, with the repo's own SMPP client under a UssdPhone
 * (src/bearer/smpp/client.ts): a PSSR indication of `*384*2468#` opens the app's session, each
 * USSR confirm is the next input, the app's CON comes back as USSR request (0x02) and its END as
 * PSSR response (0x11) in the phone's its_session_info, with `text` accumulating as Africa's
 * Talking's does; a fault of the app closes the dialogue with one clear END; a code nobody
 * serves is refused at the PDU; and `*123#` on the same bind is the menus' as before.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { ussdOp } from '../../../../src/bearer/smpp/ussd-op.js'
import { UssdPhone } from '../../../../src/tools/phones/ussd-phone.js'
import type { GatewayFixture } from '../../../support/gateway-fixture.js'
import { HAN, LI, startTestGateway } from '../../../support/gateway-fixture.js'
import { screenFor, typeIn } from '../smpp/harness.js'
import type { AppReply, AppRequest, FakeApp } from './fake-app.js'
import { startFakeApp } from './fake-app.js'

const code = '*384*2468#'
const failing = '*384*500#'

/** A three-screen app: a menu, a prompt, a goodbye that repeats what it was sent. */
function app3(request: AppRequest): AppReply {
  const { text = '', serviceCode } = request.form
  if (serviceCode === failing) return { status: 500, body: 'oops' }
  const inputs = text === '' ? [] : text.split('*')
  if (inputs.length === 0) return { body: 'CON Quiz\n1 Start' }
  if (inputs.length === 1) return { body: 'CON Your name?' }
  return { body: `END Thanks, ${inputs[1]}. You sent ${text}` }
}

let app: FakeApp
let gw: GatewayFixture
let phone: UssdPhone

beforeAll(async () => {
  app = await startFakeApp(app3)
  gw = await startTestGateway({
    overrides: {
      ussd: {
        externalApps: [
          { serviceCode: code, url: app.url },
          { serviceCode: failing, url: app.url },
        ],
      },
    },
  })
  const smpp = gw.gateway.smpp
  if (smpp === null) throw new Error('the SMSC simulator does not run')
  phone = new UssdPhone({ host: smpp.host, port: smpp.port })
  const bound = await phone.bind()
  if (bound !== null) throw new Error(`bind: ${bound}`)
})

afterAll(async () => {
  await phone?.close()
  await gw?.close()
  await app?.close()
})

beforeEach(() => {
  app.requests.length = 0
})

describe('an external app over USSD over SMPP', () => {
  it('walks three hops: USSR requests, the END as PSSR response, text accumulating', async () => {
    const info = phone.newSessionInfo()
    expect((await phone.dial(LI, code, { sessionInfo: info, to: code })).ok).toBe(true)
    const menu = await screenFor(phone, LI)
    expect(menu).toMatchObject({ op: ussdOp.ussrRequest, from: code, text: 'Quiz\n1 Start' })
    expect(menu.sessionInfo).toEqual(info)
    const prompt = await typeIn(phone, LI, '1', info)
    expect(prompt).toMatchObject({ op: ussdOp.ussrRequest, text: 'Your name?' })
    const goodbye = await typeIn(phone, LI, 'Li*Lei', info)
    expect(goodbye).toMatchObject({
      op: ussdOp.pssrResponse,
      text: 'Thanks, Li. You sent 1*Li*Lei',
    })
    expect(goodbye.sessionInfo).toEqual(info)
    expect(app.texts()).toEqual(['', '1', '1*Li*Lei'])
    expect(app.requests[0]?.form).toMatchObject({ serviceCode: code, phoneNumber: `+${LI}` })
    expect(phone.pending()).toBe(0)
  })

  it('takes the code as destination_addr digits, or a shortcut dial', async () => {
    const cases = [
      { dial: code, to: '384', text: '' },
      { dial: '*384*2468*1#', to: code, text: '1' },
    ]
    for (const { dial, to, text } of cases) {
      app.requests.length = 0
      await phone.dial(HAN, dial, { to })
      const screen = await screenFor(phone, HAN)
      expect(screen.op).toBe(ussdOp.ussrRequest)
      expect(app.texts()).toEqual([text])
    }
  })

  it("closes the dialogue with one clear END when the app fails; *123# is the menus'", async () => {
    const info = phone.newSessionInfo()
    await phone.dial(LI, failing, { sessionInfo: info, to: failing })
    const failed = await screenFor(phone, LI)
    expect(failed).toMatchObject({
      op: ussdOp.pssrResponse,
      text: 'Sorry, the service you dialled did not answer. Please try again later.',
    })
    expect(failed.sessionInfo).toEqual(info)

    const menuInfo = phone.newSessionInfo()
    await phone.dial(LI, '*123#', { sessionInfo: menuInfo })
    const menu = await screenFor(phone, LI)
    expect(menu).toMatchObject({ op: ussdOp.ussrRequest, from: '*123#' })
    expect(menu.text).toMatch(/1 Balance/)
    expect(await typeIn(phone, LI, '1', menuInfo)).toMatchObject({ op: ussdOp.pssrResponse })
    expect(app.texts()).toEqual([''])
  })

  it('refuses at the PDU a destination no app nor the menus serve', async () => {
    expect(await phone.dial(LI, '*385*1#', { to: '*385*1#' })).toMatchObject({
      ok: false,
      status: 0x0b,
    })
    expect(app.requests).toEqual([])
  })
})
