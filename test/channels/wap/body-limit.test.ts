/**
 * body-limit.test.ts - a WAP form post over the channel's 4,096-byte limit is answered 413 with a
 * page saying nothing was paid, as `POST /ussd` answers 413, and writes no error line: it used to
 * be a 500 and an error line per request, a way for anyone to flood the log.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createLogger } from '../../../src/service/log.js'
import type { GatewayFixture } from '../../support/gateway-fixture.js'
import { startTestGateway } from '../../support/gateway-fixture.js'

const lines: string[] = []
let t: GatewayFixture

beforeAll(async () => {
  t = await startTestGateway({ log: createLogger('debug', { write: (line) => lines.push(line) }) })
})
afterAll(async () => {
  await t.close()
})

const errorLines = (): string[] => lines.filter((line) => line.includes('"level":"error"'))

describe('a WAP form post over the body limit', () => {
  it('is answered 413 with a page, and nothing is logged at error level', async () => {
    const before = errorLines().length
    for (const path of ['/wap/login', '/wap/s/nosuchsession/pay/merchant']) {
      const answer = await t.request('POST', path, {
        rawBody: `msisdn=8613800138000&pin=1234&pad=${'x'.repeat(5_000)}`,
        headers: {
          'content-type': 'application/x-www-form-urlencoded',
          accept: 'text/vnd.wap.wml',
        },
      })
      expect(answer.status).toBe(413)
      expect(answer.headers.get('content-type')).toMatch(/^text\/vnd\.wap\.wml/)
      expect(answer.text).toContain('This form is too long. Nothing was paid.')
    }
    expect(errorLines().slice(before)).toEqual([])
  })

  it('still serves a form of ordinary size', async () => {
    const answer = await t.request('GET', '/wap/', { headers: { accept: 'text/vnd.wap.wml' } })
    expect(answer.status).toBe(200)
  })
})
