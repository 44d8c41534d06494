/**
 * console-login.test.ts - who may open the operator console: the admin token logs in through a
 * form (a session cookie, HttpOnly and SameSite=Strict), the pages send everyone else to that
 * form, the admin API takes the session's cookie but any change needs the page's CSRF token,
 * and logging out ends the session. Also the session store's bounds, on a clock of its own.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { WebSessions, webSessionLimits } from '../../src/gateway/http/web-session.js'
import type { GatewayFixture } from '../support/gateway-fixture.js'
import { ADMIN_TOKEN, startTestGateway } from '../support/gateway-fixture.js'
import { formCsrf, postLogin, setCookieValue, webLogin } from '../support/web-login.js'

let gw: GatewayFixture

beforeAll(async () => {
  gw = await startTestGateway()
}, 60_000)

afterAll(async () => {
  await gw?.close()
})

describe('logging in to the operator console', () => {
  it('sends a visitor without a session to the log-in form, and back after it', async () => {
    const page = await fetch(`${gw.url}/console/payments`, { redirect: 'manual' })
    expect(page.status).toBe(303)
    expect(page.headers.get('location')).toBe('/console/login?next=%2Fconsole%2Fpayments')
    const form = await fetch(`${gw.url}/console/login?next=%2Fconsole%2Fpayments`)
    expect(form.status).toBe(200)
    const text = await form.text()
    expect(text).toContain('Admin token')
    expect(text).toContain('name="next" value="/console/payments"')
    const answer = await postLogin(gw.url, '/console', ADMIN_TOKEN, '/console/payments')
    expect(answer.status).toBe(303)
    expect(answer.headers.get('location')).toBe('/console/payments')
    const cookie = answer.headers.getSetCookie().find((line) => line.startsWith('telepay_console='))
    expect(cookie).toMatch(/; HttpOnly/)
    expect(cookie).toMatch(/; SameSite=Strict/)
  })

  it('refuses a wrong token on the form and opens no session', async () => {
    const answer = await postLogin(gw.url, '/console', 'not-the-token')
    expect(answer.status).toBe(401)
    expect(await answer.text()).toContain('That is not the admin token.')
    expect(setCookieValue(answer, 'telepay_console')).toBeNull()
  })

  it('refuses a log-in posted without the form (no CSRF cookie: another site)', async () => {
    const form = await (await fetch(`${gw.url}/console/login`)).text()
    const answer = await fetch(`${gw.url}/console/login`, {
      method: 'POST',
      redirect: 'manual',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ _csrf: formCsrf(form), secret: ADMIN_TOKEN }).toString(),
    })
    expect(answer.status).toBe(403)
    expect(setCookieValue(answer, 'telepay_console')).toBeNull()
  })

  it('goes back only to a page of the console, never to another site', async () => {
    for (const next of ['//evil.example/x', 'https://evil.example/', '/merchant', '/console\\x']) {
      const answer = await postLogin(gw.url, '/console', ADMIN_TOKEN, next)
      expect({ next, location: answer.headers.get('location') }).toEqual({
        next,
        location: '/console',
      })
    }
  })
})

describe('the session', () => {
  it('opens the pages and reads the admin API with its cookie alone', async () => {
    const session = await webLogin(gw.url, '/console', ADMIN_TOKEN)
    const page = await session.call('GET', '/console')
    expect(page.status).toBe(200)
    const text = await page.text()
    expect(text).toContain('<h1>Overview</h1>')
    expect(text).toContain('aria-current="page">Overview')
    const model = await session.call('GET', '/admin/api/operating-model', { csrf: false })
    expect(model.status).toBe(200)
  })

  it('changes nothing through the admin API without the page’s CSRF token', async () => {
    const session = await webLogin(gw.url, '/console', ADMIN_TOKEN)
    const before = gw.nowMs()
    const refused = await session.call('POST', '/admin/api/clock', {
      body: { advanceSeconds: 60 },
      csrf: false,
    })
    expect(refused.status).toBe(403)
    expect(((await refused.json()) as { error: string }).error).toBe('csrf_invalid')
    const wrong = await session.call('POST', '/admin/api/clock', {
      body: { advanceSeconds: 60 },
      csrf: false,
      headers: { 'x-csrf-token': 'guessed' },
    })
    expect(wrong.status).toBe(403)
    expect(gw.nowMs()).toBe(before)
    const taken = await session.call('POST', '/admin/api/clock', { body: { advanceSeconds: 60 } })
    expect(taken.status).toBe(200)
    expect(gw.nowMs()).toBe(before + 60_000)
  })

  it('ends on log-out (with the token only), and its cookie then opens nothing', async () => {
    const session = await webLogin(gw.url, '/console', ADMIN_TOKEN)
    const forged = await fetch(`${gw.url}/console/logout`, {
      method: 'POST',
      redirect: 'manual',
      headers: { cookie: session.cookie, 'content-type': 'application/x-www-form-urlencoded' },
      body: '',
    })
    expect(forged.status).toBe(403)
    expect((await session.call('GET', '/admin/api/operating-model')).status).toBe(200)
    const out = await fetch(`${gw.url}/console/logout`, {
      method: 'POST',
      redirect: 'manual',
      headers: { cookie: session.cookie, 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ _csrf: session.csrfToken }).toString(),
    })
    expect(out.status).toBe(303)
    expect(setCookieValue(out, 'telepay_console')).toBe('')
    expect((await session.call('GET', '/admin/api/operating-model')).status).toBe(401)
    expect((await session.call('GET', '/console')).status).toBe(303)
  })

  it('ends its open overview stream on log-out, and a reconnection is refused', async () => {
    const session = await webLogin(gw.url, '/console', ADMIN_TOKEN)
    const stream = await session.call('GET', '/admin/api/overview/stream', { csrf: false })
    expect(stream.status).toBe(200)
    const reader = stream.body?.getReader()
    if (reader === undefined) throw new Error('no body')
    const decoder = new TextDecoder()
    let text = ''
    while (!text.includes('event: overview')) {
      const { value, done } = await reader.read()
      if (done) throw new Error('the stream ended before its first snapshot')
      text += decoder.decode(value)
    }
    const out = await fetch(`${gw.url}/console/logout`, {
      method: 'POST',
      redirect: 'manual',
      headers: { cookie: session.cookie, 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ _csrf: session.csrfToken }).toString(),
    })
    expect(out.status).toBe(303)
    // The next tick (a second) finds the session gone and ends the stream.
    const ended = (async () => {
      for (;;) if ((await reader.read()).done) return 'ended'
    })()
    const timeout = new Promise((resolve) => setTimeout(() => resolve('still open'), 5_000))
    expect(await Promise.race([ended, timeout])).toBe('ended')
    const again = await session.call('GET', '/admin/api/overview/stream', { csrf: false })
    expect(again.status).toBe(401)
  })

  it('is not a merchant portal session (each console its own cookie)', async () => {
    const session = await webLogin(gw.url, '/console', ADMIN_TOKEN)
    const merchantCall = await session.call('GET', '/api/v1/settlements')
    expect(merchantCall.status).toBe(401)
  })
})

describe('the session store', () => {
  it('ends a session idle too long, or too old however busy', () => {
    let nowMs = 0
    const sessions = new WebSessions('console', () => nowMs)
    const idle = sessions.open('admin')
    const busy = sessions.open('admin')
    nowMs += webSessionLimits.idleMs
    expect(sessions.find(busy.id)).not.toBeNull()
    nowMs += 1
    expect(sessions.find(idle.id)).toBeNull()
    while (nowMs < webSessionLimits.lifetimeMs) {
      nowMs += webSessionLimits.idleMs / 2
      if (nowMs <= webSessionLimits.lifetimeMs) expect(sessions.find(busy.id)).not.toBeNull()
    }
    nowMs += webSessionLimits.idleMs / 2
    expect(sessions.find(busy.id)).toBeNull()
  })

  it('tells a stream whether its session is live without counting that as a use', () => {
    let nowMs = 0
    const sessions = new WebSessions('console', () => nowMs)
    const watched = sessions.open('admin')
    while (nowMs < webSessionLimits.idleMs) {
      nowMs += 1_000
      expect(sessions.isLive(watched.id)).toBe(true)
    }
    nowMs += 1
    expect(sessions.isLive(watched.id)).toBe(false)
    expect(sessions.find(watched.id)).toBeNull()
    expect(sessions.isLive('made-up')).toBe(false)
  })

  it('keeps at most its bound, dropping the session seen least recently', () => {
    const sessions = new WebSessions('merchant', () => 0, {
      ...webSessionLimits,
      sessionsMax: 3,
    })
    const [a, b, c] = [sessions.open('k1'), sessions.open('k2'), sessions.open('k3')]
    expect(sessions.find(a.id)).not.toBeNull()
    sessions.open('k4')
    expect(sessions.size).toBe(3)
    expect(sessions.find(b.id)).toBeNull()
    expect(sessions.find(a.id)).not.toBeNull()
    expect(sessions.find(c.id)).not.toBeNull()
    sessions.closeAllOf('k1')
    expect(sessions.find(a.id)).toBeNull()
  })

  it("ends one secret's oldest session past its own bound, never another secret's", () => {
    const sessions = new WebSessions('merchant', () => 0, {
      ...webSessionLimits,
      sessionsPerSecretMax: 2,
    })
    const other = sessions.open('k2')
    const [first, second] = [sessions.open('k1'), sessions.open('k1')]
    for (let index = 0; index < 5; index += 1) sessions.open('k1')
    expect(sessions.find(other.id)).not.toBeNull()
    expect(sessions.find(first.id)).toBeNull()
    expect(sessions.find(second.id)).toBeNull()
    expect(sessions.size).toBe(3)
  })

  it('never finds a session by a made-up or empty id', () => {
    const sessions = new WebSessions('console')
    sessions.open('admin')
    expect(sessions.find(null)).toBeNull()
    expect(sessions.find('')).toBeNull()
    expect(sessions.find('x'.repeat(43))).toBeNull()
  })
})

describe('failed log-ins', () => {
  it('slow one address after 20 a minute, with the form saying so', async () => {
    const own = await startTestGateway()
    try {
      for (let attempt = 0; attempt < 20; attempt += 1)
        expect((await postLogin(own.url, '/console', `wrong-${attempt}`)).status).toBe(401)
      const blocked = await postLogin(own.url, '/console', ADMIN_TOKEN)
      expect(blocked.status).toBe(429)
      expect(await blocked.text()).toContain('Too many failed log-ins')
      expect(setCookieValue(blocked, 'telepay_console')).toBeNull()
    } finally {
      await own.close()
    }
  }, 60_000)
})
