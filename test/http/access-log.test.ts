/**
 * access-log.test.ts - one line per HTTP request, as an operator greps for it: method, path
 * (no query, MSISDNs masked), status, duration and the request id the caller gets back in
 * X-Request-Id; health checks at debug; the USSD callback, answered before express, logged too.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { pathForLog, requestIdLengthMax, requestIdOf } from '../../src/http/access-log.js'
import type { GatewayFixture } from '../support/gateway-fixture.js'
import { ADMIN_TOKEN, LI, RINGTONES, startTestGateway } from '../support/gateway-fixture.js'
import type { LogEntry } from '../support/log-capture.js'
import { captureLog } from '../support/log-capture.js'

const captured = captureLog('debug')
let t: GatewayFixture

beforeAll(async () => {
  t = await startTestGateway({ log: captured.log })
})
afterAll(async () => {
  await t.close()
})

/** The access lines logged for requests with this id. */
function accessLines(requestId: string): LogEntry[] {
  return captured
    .entries()
    .filter((entry) => entry.msg === 'http request' && entry['correlationId'] === requestId)
}

/** Waits for the access line, written when the answer has gone. */
async function accessLineOf(requestId: string): Promise<LogEntry> {
  for (let waited = 0; waited < 50 && accessLines(requestId).length === 0; waited += 1)
    await new Promise((resolve) => setTimeout(resolve, 10))
  const lines = accessLines(requestId)
  expect(lines).toHaveLength(1)
  return lines[0] as LogEntry
}

describe('the access log', () => {
  it('logs a merchant call once at info, under the X-Request-Id it sent and got back', async () => {
    const answer = await t.merchant(
      RINGTONES,
      'POST',
      '/api/v1/payment-requests',
      { msisdn: LI, amount: '3.00', reference: 'access-1' },
      { 'x-request-id': 'shop-order-4711' },
    )
    expect(answer.status).toBe(202)
    expect(answer.headers.get('x-request-id')).toBe('shop-order-4711')
    expect(await accessLineOf('shop-order-4711')).toEqual({
      level: 'info',
      time: expect.any(String),
      msg: 'http request',
      method: 'POST',
      path: '/api/v1/payment-requests',
      status: 202,
      durationMs: expect.any(Number),
      remote: '127.0.0.1',
      correlationId: 'shop-order-4711',
    })
  })

  it('gives a request without a sane id a new one, in the answer and the line', async () => {
    const plain = await t.request('GET', '/api/v1/nothing-here')
    const fresh = plain.headers.get('x-request-id') ?? ''
    expect(fresh).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/)
    expect(await accessLineOf(fresh)).toMatchObject({ status: 401, method: 'GET' })
    for (const bad of ['two words', 'x'.repeat(requestIdLengthMax + 1), '<script>']) {
      const answer = await t.request('GET', '/healthz', { headers: { 'x-request-id': bad } })
      expect(answer.headers.get('x-request-id')).not.toBe(bad)
      expect(accessLines(bad)).toEqual([])
    }
  })

  it('logs the path without its query and with MSISDNs masked', async () => {
    const answer = await t.request('GET', `/admin/api/subscribers/${LI}?token=secret-in-query`, {
      token: ADMIN_TOKEN,
      headers: { 'x-request-id': 'operator-look-1' },
    })
    expect(answer.status).toBe(200)
    const line = await accessLineOf('operator-look-1')
    expect(line).toMatchObject({ path: '/admin/api/subscribers/86*******8000', status: 200 })
    expect(JSON.stringify(captured.entries())).not.toContain('secret-in-query')
  })

  it('logs health checks at debug, so that they do not bury the rest', async () => {
    await t.request('GET', '/healthz', { headers: { 'x-request-id': 'probe-1' } })
    expect(await accessLineOf('probe-1')).toMatchObject({
      level: 'debug',
      path: '/healthz',
      status: 200,
    })
  })

  it('logs the USSD callback, which is answered before express sees it', async () => {
    const answer = await t.request('POST', '/ussd', {
      rawBody: new URLSearchParams({
        sessionId: 'access-ussd-1',
        serviceCode: '*123#',
        phoneNumber: `+${LI}`,
        text: '',
      }).toString(),
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        'x-request-id': 'ussd-hop-1',
      },
    })
    expect(answer.text).toMatch(/^CON /)
    expect(await accessLineOf('ussd-hop-1')).toMatchObject({
      level: 'info',
      method: 'POST',
      path: '/ussd',
      status: 200,
    })
  })
})

describe('the access log helpers', () => {
  it('keep a caller id of safe characters and replace any other', () => {
    expect(requestIdOf('01HZX3K9V7Q8J2M4N6P8R0T2V4')).toBe('01HZX3K9V7Q8J2M4N6P8R0T2V4')
    expect(requestIdOf(['first', 'second'])).toBe('first')
    expect(requestIdOf(undefined)).toMatch(/^[0-9a-f-]{36}$/)
    expect(requestIdOf('a\nb')).not.toBe('a\nb')
  })

  it('drop the query and mask MSISDN-like digit runs of a path', () => {
    expect(pathForLog('/wap/s/abc?token=xyz#top')).toBe('/wap/s/abc')
    expect(pathForLog(`/admin/api/subscribers/${LI}/trail`)).toBe(
      '/admin/api/subscribers/86*******8000/trail',
    )
    expect(pathForLog('/api/v1/payments/P0000001')).toBe('/api/v1/payments/P0000001')
  })
})
