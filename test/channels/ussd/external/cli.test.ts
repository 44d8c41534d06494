/**
 * cli.test.ts - external USSD apps from the command line, as docs/channels/ussd.md shows them:
 * `telepay ussd <msisdn> *384*2468#` walks a session with the app through a running gateway (the
 * real program in a child process, replies piped in), and `telepay start` refuses external apps
 * it cannot serve in one line naming the setting, with exit code 2: a malformed URL before
 * anything starts, a code of the menus' own family once the menus are read.
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { telepayChild, telepayIn } from '../../../support/cli-runs.js'
import type { GatewayFixture } from '../../../support/gateway-fixture.js'
import { LI, startTestGateway } from '../../../support/gateway-fixture.js'
import type { FakeApp } from './fake-app.js'
import { startFakeApp } from './fake-app.js'

let app: FakeApp
let gw: GatewayFixture
let scratch: string

beforeAll(async () => {
  scratch = mkdtempSync(join(tmpdir(), 'telepay-external-cli-'))
  app = await startFakeApp(({ form }) => {
    if (form['text'] === '') return { body: 'CON Hello from my app\n1. Continue' }
    return { body: `END You sent: ${form['text']}` }
  })
  gw = await startTestGateway({
    overrides: { ussd: { externalApps: [{ serviceCode: '*384*2468#', url: app.url }] } },
  })
})

afterAll(async () => {
  await gw?.close()
  await app?.close()
  rmSync(scratch, { recursive: true, force: true })
})

describe('telepay ussd and an external app', () => {
  it('dials the code, shows the screens the app sends, and ends at its END', async () => {
    const run = await telepayChild('ussd', [LI, '*384*2468#', '--url', gw.url], '1\n')
    expect(run.code).toBe(0)
    expect(run.stdout).toBe(
      '[*384*2468# as +8613800138000: reply to each screen within 30 s; Ctrl-C cancels]\n' +
        'Hello from my app\n1. Continue\n> 1\nYou sent: 1\n— session ended —\n',
    )
    expect(app.texts()).toEqual(['', '1'])
  })
})

describe('telepay start with external apps it cannot serve', () => {
  const env = (apps: string, dataDir: string) => ({
    TELEPAY_USSD_EXTERNAL_APPS: apps,
    TELEPAY_DATA_DIR: dataDir,
    TELEPAY_HTTP_PORT: '0',
    TELEPAY_SMPP_PORT: '0',
    TELEPAY_POS_PORT: '0',
    TELEPAY_PIN_HASH_COST: '1024',
    TELEPAY_LOG_LEVEL: 'silent',
  })

  it('refuses a malformed URL before anything starts, in one line naming the entry', async () => {
    const dataDir = join(scratch, 'never-created')
    const run = await telepayIn(['start'], {
      cwd: scratch,
      env: env('*384*2468#=ftp://127.0.0.1/ussd', dataDir),
    })
    expect(run.code).toBe(2)
    expect(run.stderr).toBe(
      'telepay: config: ussd.externalApps[0].url: expected an http:// or https:// URL, ' +
        'got "ftp://127.0.0.1/ussd"\n',
    )
    expect(existsSync(dataDir)).toBe(false)
  })

  it("refuses a code of the menus' own family in one line, and exits", async () => {
    const run = await telepayIn(['start'], {
      cwd: scratch,
      env: env('*123*9#=http://127.0.0.1:9000/ussd', join(scratch, 'clash')),
    })
    expect(run.code).toBe(2)
    expect(run.stderr).toBe(
      'telepay: config: ussd.externalApps[0].serviceCode: *123*9# is within *123#, ' +
        "the platform's own menu and its shortcuts\n",
    )
  })
})
