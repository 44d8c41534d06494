/**
 * trail.test.ts - `telepay trail` as an operator runs it: `node bin/telepay.js trail ...` in a
 * child process against a small HTTP server on a real socket that answers as the admin API's
 * trail endpoint does (200 with the trail, 404 payment_not_found, 401 for a wrong token, and the
 * 404 of a gateway without the endpoint), and against a port where nothing listens. Judged by
 * exit code, stdout and stderr. Also when colour is wanted (a terminal, not NO_COLOR).
 */
import { readFileSync } from 'node:fs'
import type { IncomingMessage, ServerResponse } from 'node:http'
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { Writable } from 'node:stream'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { colourWanted } from '../../src/tools/cli/trail.js'
import type { CliRun } from '../support/cli-runs.js'
import { telepayIn } from '../support/cli-runs.js'
import { refundedNextDay, walletBySms } from '../support/trails.js'

const token = 'trail-test-token'
const trails: Readonly<Record<string, unknown>> = { P000123: walletBySms, last: refundedNextDay }

/** What the stub was asked, path and authorization, in order. */
const asked: { path: string; authorization: string | undefined }[] = []

function answer(request: IncomingMessage, response: ServerResponse): void {
  const path = request.url ?? ''
  asked.push({ path, authorization: request.headers.authorization })
  const send = (status: number, json: unknown): void => {
    response.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(json))
  }
  const id = /^\/admin\/api\/payments\/([^/]+)\/trail$/.exec(path)?.[1]
  const trail = id === undefined ? undefined : trails[decodeURIComponent(id)]
  if (request.headers.authorization !== `Bearer ${token}`)
    send(401, { error: 'unauthorized', message: 'send Authorization: Bearer <admin token>' })
  // A path that is no trail's is answered as the gateway answers a route it does not have.
  else if (id === undefined) send(404, { error: 'not_found', message: 'no such endpoint' })
  else if (trail === undefined) send(404, { error: 'payment_not_found' })
  else send(200, trail)
}

const server = createServer(answer)
let url = ''
/** A port that was just listened on and closed: nothing answers there. */
let closedUrl = ''

beforeAll(async () => {
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done))
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  const closed = createServer()
  await new Promise<void>((done) => closed.listen(0, '127.0.0.1', done))
  closedUrl = `http://127.0.0.1:${(closed.address() as AddressInfo).port}`
  await new Promise<void>((done) => closed.close(() => done()))
})
afterAll(() => new Promise<void>((done) => server.close(() => done())))

function trail(args: readonly string[], env: Record<string, string> = {}): Promise<CliRun> {
  // UTC, so that the clock in the drawing is the fixtures' whatever this machine's zone is.
  return telepayIn(['trail', ...args], { cwd: process.cwd(), env: { TZ: 'UTC', ...env } })
}

describe('telepay trail against a gateway', () => {
  it('prints the diagram, or the JSON as it came, exit 0; uses the token given', async () => {
    const [drawn, json, byConfig] = await Promise.all([
      trail(['P000123', '--url', url, '--admin-token', token]),
      trail(['last', '--url', url, '--admin-token', token, '--json']),
      // No options: the gateway and its token come from the configuration, as the gateway's do.
      trail(['P000123'], {
        TELEPAY_HTTP_PORT: url.split(':').at(-1) ?? '',
        TELEPAY_ADMIN_TOKEN: token,
      }),
    ])
    expect(drawn).toEqual({
      code: 0,
      stdout: readFileSync('fixtures/trails/wallet-by-sms.txt', 'utf8'),
      stderr: '',
    })
    expect(json.code).toBe(0)
    expect(JSON.parse(json.stdout)).toEqual(refundedNextDay)
    expect(byConfig.code).toBe(0)
    expect(byConfig.stdout).toContain('payment P000123')
    expect(asked).toContainEqual({
      path: '/admin/api/payments/last/trail',
      authorization: `Bearer ${token}`,
    })
  })

  it('says so, exit 1: an unknown payment, a wrong token, a gateway not running', async () => {
    const [unknown, older, badToken, refused] = await Promise.all([
      trail(['P999999', '--url', url, '--admin-token', token]),
      trail(['last', '--url', `${url}/before-trails`, '--admin-token', token]),
      trail(['P000123', '--url', url, '--admin-token', 'wrong']),
      trail(['P000123', '--url', closedUrl, '--admin-token', token]),
    ])
    expect(unknown).toEqual({
      code: 1,
      stdout: '',
      stderr: `telepay trail: no payment P999999 at ${url}\n`,
    })
    expect(older.code).toBe(1)
    expect(older.stderr).toBe(
      `telepay trail: the gateway at ${url}/before-trails has no trail endpoint (404 to GET ` +
        '/admin/api/payments/last/trail: no such endpoint): is it older than this command?\n',
    )
    expect(badToken.code).toBe(1)
    expect(badToken.stderr).toBe(
      `telepay trail: the gateway at ${url} refused the admin token (401): give its token ` +
        'with --admin-token, or set adminToken (TELEPAY_ADMIN_TOKEN) as the gateway has it\n',
    )
    expect(refused.code).toBe(1)
    expect(refused.stdout).toBe('')
    expect(refused.stderr).toBe(
      `telepay trail: cannot reach the gateway at ${closedUrl} (connect ECONNREFUSED ` +
        `${closedUrl.slice('http://'.length)}): is it running? Start it with ` +
        '`npx telepay start`, or say where it listens with --url\n',
    )
  })

  it('refuses a wrong command line with its usage, exit 2', async () => {
    const [none, two, option, help] = await Promise.all([
      trail([]),
      trail(['P1', 'P2', '--url', url]),
      trail(['P1', '--colour']),
      trail(['--help']),
    ])
    for (const run of [none, two, option]) {
      expect(run.code).toBe(2)
      expect(run.stderr).toContain('Usage: telepay trail <payment id | last>')
    }
    expect(none.stderr).toMatch(/^telepay trail: which payment\? give its id or last\n/)
    expect(option.stderr).toMatch(/^telepay trail: unknown option --colour\n/)
    expect(help.code).toBe(0)
    expect(help.stdout).toContain('[--relative] [--json]')
  })
})

describe('colour', () => {
  const stream = (isTTY: boolean): Writable => Object.assign(new Writable(), { isTTY })

  it('is wanted on a terminal only, and never with NO_COLOR or a dumb terminal', () => {
    expect(colourWanted(stream(true), {})).toBe(true)
    expect(colourWanted(stream(true), { NO_COLOR: '' })).toBe(true)
    expect(colourWanted(stream(true), { NO_COLOR: '1' })).toBe(false)
    expect(colourWanted(stream(true), { TERM: 'dumb' })).toBe(false)
    expect(colourWanted(stream(false), {})).toBe(false)
    expect(colourWanted(new Writable(), {})).toBe(false)
  })
})
