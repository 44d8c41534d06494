/**
 * admin-dialogs.test.ts - the open USSD sessions and IVR calls as the operator console lists and
 * ends them: GET /admin/api/ussd/sessions (most recently active first, the number masked) and
 * DELETE .../:key, after which the subscriber's next key starts afresh; GET
 * /admin/api/calls/active and DELETE /admin/api/calls/:callId, after which the call's record
 * says `ended_by_operator` and its next keys are refused. Unknown ones answer 404 and end nothing.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { GatewayFixture } from '../support/gateway-fixture.js'
import { HAN, LI, startTestGateway } from '../support/gateway-fixture.js'
import { ussdHop } from '../support/ussd-http.js'

let gw: GatewayFixture

beforeAll(async () => {
  gw = await startTestGateway()
}, 60_000)

afterAll(async () => {
  await gw?.close()
})

async function dial(sessionId: string, msisdn: string, text: string): Promise<string> {
  const answer = await ussdHop(gw.url, sessionId, msisdn, text)
  expect(answer.status).toBe(200)
  return answer.text
}

interface SessionsJson {
  open: number
  sessions: { key: string; msisdn: string; hops: number; screen: string; provider: string }[]
}

describe('USSD sessions for the operator', () => {
  it('lists the open sessions, the latest first, with masked numbers', async () => {
    expect(await dial('ops-1', LI, '')).toMatch(/^CON /)
    expect(await dial('ops-2', HAN, '')).toMatch(/^CON /)
    const listed = (await gw.admin('GET', '/admin/api/ussd/sessions')).json as SessionsJson
    expect(listed.open).toBe(2)
    expect(listed.sessions.map((session) => session.msisdn)).toEqual([
      '86*******8001',
      '86*******8000',
    ])
    expect(listed.sessions[0]?.screen.length).toBeGreaterThan(0)
    expect(JSON.stringify(listed)).not.toContain(LI)
  })

  it('ends one: it leaves the list, and the next key starts a new session', async () => {
    const listed = (await gw.admin('GET', '/admin/api/ussd/sessions')).json as SessionsJson
    const li = listed.sessions.find((session) => session.msisdn === '86*******8000')
    if (li === undefined) throw new Error("Li's session is not listed")
    const ended = await gw.admin('DELETE', `/admin/api/ussd/sessions/${encodeURIComponent(li.key)}`)
    expect(ended.status).toBe(200)
    expect(ended.json).toMatchObject({ key: li.key, ended: true, outcome: 'ended_by_operator' })
    const after = (await gw.admin('GET', '/admin/api/ussd/sessions')).json as SessionsJson
    expect(after.open).toBe(1)
    expect(after.sessions.some((session) => session.key === li.key)).toBe(false)
    const again = await gw.admin('DELETE', `/admin/api/ussd/sessions/${encodeURIComponent(li.key)}`)
    expect(again.status).toBe(404)
    expect(again.json).toMatchObject({ error: 'session_not_found' })
  })

  it('needs the admin token', async () => {
    const anonymous = await gw.request('GET', '/admin/api/ussd/sessions', { token: null })
    expect(anonymous.status).toBe(401)
    const refused = await gw.request('DELETE', '/admin/api/ussd/sessions/x', { token: 'wrong' })
    expect(refused.status).toBe(401)
  })
})

describe('calls in progress for the operator', () => {
  it('lists a call in progress and ends it; its record says the operator ended it', async () => {
    const call = await gw.request('POST', '/ivr/calls', { body: { from: LI, to: '12588' } })
    expect(call.status).toBeLessThan(300)
    const callId = (call.json as { callId: string }).callId
    const active = (await gw.admin('GET', '/admin/api/calls/active')).json as {
      calls: { callId: string; caller: string; steps: number }[]
    }
    expect(active.calls.map((listed) => listed.callId)).toEqual([callId])
    const ended = await gw.admin('DELETE', `/admin/api/calls/${callId}`)
    expect(ended.status).toBe(200)
    expect(
      ((await gw.admin('GET', '/admin/api/calls/active')).json as { calls: [] }).calls,
    ).toEqual([])
    const records = (await gw.admin('GET', `/admin/api/calls?msisdn=${LI}`)).json as {
      calls: { callId: string; outcome: string }[]
    }
    expect(records.calls.find((record) => record.callId === callId)?.outcome).toBe(
      'ended_by_operator',
    )
    const keys = await gw.request('POST', `/ivr/calls/${callId}/digits`, {
      body: { digits: '1', step: 1 },
    })
    expect(keys.status).toBeGreaterThanOrEqual(400)
    expect((await gw.admin('DELETE', `/admin/api/calls/${callId}`)).json).toMatchObject({
      error: 'call_not_found',
    })
  })
})
