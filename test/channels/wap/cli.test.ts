/**
 * cli.test.ts - `telepay wap [msisdn] --as ... --url ...` against a real gateway over HTTP: a
 * child process with its stdin a pipe pays a merchant on the WML deck as an enriched phone, and
 * logs in on the XHTML-MP page without one; in-process runs cover usage errors and an
 * unreachable gateway. On a pseudo-terminal, as a person runs it: the PIN shows as stars, the
 * program exits by itself on `q`, Ctrl-C and Ctrl-D, and when a gateway with a short session
 * idle timeout is left waiting past it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { runWap } from '../../../src/tools/cli/wap.js'
import {
  endedByKeys,
  inProcess as runInProcess,
  telepayChild,
  telepayOnTerminal,
  terminalExitBoundMs,
} from '../../support/cli-runs.js'
import type { GatewayFixture } from '../../support/gateway-fixture.js'
import { HAN, HAN_PIN, LI, LI_PIN, startTestGateway } from '../../support/gateway-fixture.js'

const child = (args: readonly string[], stdin: string) => telepayChild('wap', args, stdin)
const inProcess = (args: string[], lines: readonly string[] = []) =>
  runInProcess(runWap, args, lines)

let gw: GatewayFixture

beforeAll(async () => {
  gw = await startTestGateway()
})

afterAll(async () => {
  await gw.close()
})

describe('telepay wap', () => {
  it('pays a merchant on the WML deck from a pipe, the PIN echoed as stars; paid', async () => {
    const run = await child(
      [LI, '--as', 'wml', '--url', gw.url],
      `${['2', 'f', '1001', '12.50', '', 'f', LI_PIN, 'q'].join('\n')}\n`,
    )
    expect(run.stderr).toBe('')
    expect(run.code).toBe(0)
    expect(run.stdout).toContain('text/vnd.wap.wml')
    expect(run.stdout).toContain('  merchant: 1001\n  amount: 12.50\n  account (wallet): \n')
    expect(run.stdout).toContain('Pay CNY 12.50 to Ringtone Store from your wallet?')
    expect(run.stdout).toContain('  pin: ****\n')
    expect(run.stdout).not.toContain(LI_PIN)
    expect(run.stdout).toMatch(
      /Paid CNY 12\.50 to Ringtone Store from your wallet\. Ref T[0-9A-Z]{6}/,
    )
    expect(await gw.balance(LI, 'wallet')).toBe('487.50')
  })

  it('logs in without an MSISDN, says so for an unknown link, ends with the input', async () => {
    const run = await child(
      ['--url', gw.url],
      `${['f', HAN, HAN_PIN, 'Nowhere', '1'].join('\n')}\n`,
    )
    expect(run.code).toBe(0)
    expect(run.stdout).toContain('application/vnd.wap.xhtml+xml')
    expect(run.stdout).toContain('Enter your mobile number and PIN.')
    expect(run.stdout).toContain('no link "Nowhere" on this page')
    // Han Meimei reads Chinese: her balance page after the login.
    expect(run.stdout).toMatch(/余额/)
    expect(run.stdout).not.toContain(HAN_PIN)
  })

  it('exits 1 with a hint when no gateway listens', async () => {
    const run = await inProcess([LI, '--url', 'http://127.0.0.1:1'])
    expect(run.code).toBe(1)
    expect(run.stderr).toMatch(
      /cannot reach http:\/\/127\.0\.0\.1:1\/wap\/: .*is the gateway running/,
    )
  })

  it('exits 2 on a bad MSISDN or markup', async () => {
    expect((await inProcess(['12', '--url', gw.url])).code).toBe(2)
    const markup = await inProcess(['--as', 'html5', '--url', gw.url])
    expect(markup.code).toBe(2)
    expect(markup.stderr).toContain('--as is one of wml, xhtml, chtml')
  })
})

describe('telepay wap on a terminal', () => {
  it('logs in, the PIN as stars, not digits, says the session timeout, exits 0 on q', async () => {
    const run = telepayOnTerminal('wap', ['--url', gw.url])
    await run.waitFor(/> \(f fills the form\) $/)
    run.type('f\r')
    await run.waitFor(/ {2}msisdn: $/)
    run.type(`${HAN}\r`)
    await run.waitFor(/ {2}pin: $/)
    run.type(HAN_PIN)
    await run.waitFor(/ {2}pin: \*\*\*\*$/)
    run.type('\r')
    await run.waitFor(/余额[\s\S]*> $/)
    run.type('q\r')
    expect(await run.exit(terminalExitBoundMs)).toBe(0)
    expect(run.screen()).not.toContain(HAN_PIN)
    expect(run.screen()).toContain('the session ends after 5 min without a page')
  })

  it('quits by itself on q (0), Ctrl-C (130) and Ctrl-D (0)', async () => {
    const ended = await endedByKeys('wap', [LI, '--url', gw.url], /\n> $/, ['q\r', '\x03', '\x04'])
    expect(ended.map(({ code }) => code)).toEqual([0, 130, 0])
  })
})

describe('telepay wap on a terminal, idle past the session timeout', () => {
  let short: GatewayFixture
  const idleMs = 1_500

  beforeAll(async () => {
    short = await startTestGateway({ wapLimits: { sessionIdleMs: idleMs } })
  })

  afterAll(async () => {
    await short.close()
  })

  it('says the session timeout; once it passes, says the session timed out, exits 0', async () => {
    const run = telepayOnTerminal('wap', [LI, '--url', short.url])
    await run.waitFor(/\n> $/)
    const shownMs = Date.now()
    expect(await run.exit(idleMs + terminalExitBoundMs)).toBe(0)
    expect(Date.now() - shownMs).toBeGreaterThanOrEqual(idleMs - 500)
    expect(run.screen()).toContain('the session ends after 1.5 s without a page')
    expect(run.screen()).toMatch(
      /> \n\[nothing asked for within 1\.5 s: the session timed out\]\n$/,
    )
  })
})
