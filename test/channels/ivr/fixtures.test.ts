/**
 * fixtures.test.ts - replays the Twilio voice webhooks of fixtures/ivr/*.jsonl, as a real call
 * sends them, against a fresh gateway with the default world and the scripts of menus/ivr. A
 * line is one request: `comment`, the `query` of the action URL (empty for the first webhook and
 * the status callback), the `form` fields Twilio posts, and what the TwiML answer must hold:
 * `expect.contains` (substrings), or `expect.same_as_previous` for a retried webhook.
 */
import { readdirSync, readFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { GatewayFixture } from '../../support/gateway-fixture.js'
import { LI, startTestGateway } from '../../support/gateway-fixture.js'

interface FixtureLine {
  readonly comment: string
  readonly query: string
  readonly form: Readonly<Record<string, string>>
  readonly expect: { readonly contains?: readonly string[]; readonly same_as_previous?: boolean }
}

const dir = resolve('fixtures/ivr')
const files = readdirSync(dir)
  .filter((name) => name.endsWith('.jsonl'))
  .sort()

let gw: GatewayFixture

beforeEach(async () => {
  gw = await startTestGateway()
})

afterEach(async () => {
  await gw.close()
})

describe('Twilio webhook fixtures', () => {
  it('has fixtures to replay', () => {
    expect(files.length).toBeGreaterThan(0)
  })

  for (const file of files) {
    it(`replays ${file}`, async () => {
      const lines = readFileSync(join(dir, file), 'utf8')
        .split('\n')
        .filter((line) => line.trim() !== '')
        .map((line) => JSON.parse(line) as FixtureLine)
      let previous = ''
      for (const line of lines) {
        const response = await fetch(`${gw.url}/ivr/twiml${line.query}`, {
          method: 'POST',
          headers: { 'content-type': 'application/x-www-form-urlencoded' },
          body: new URLSearchParams(line.form).toString(),
        })
        const body = await response.text()
        expect(response.status, line.comment).toBe(200)
        if (line.expect.same_as_previous === true) expect(body, line.comment).toBe(previous)
        for (const text of line.expect.contains ?? []) expect(body, line.comment).toContain(text)
        previous = body
      }
      // Whatever a fixture does, the ledger stays balanced and a record of the call is kept.
      expect((await gw.admin('GET', '/admin/api/ledger/check')).json).toMatchObject({
        balanced: true,
      })
      expect(
        (await gw.admin('GET', `/admin/api/calls?msisdn=${LI}`)).json.calls.length,
      ).toBeGreaterThan(0)
    })
  }
})
