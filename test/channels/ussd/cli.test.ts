/**
 * cli.test.ts - `telepay ussd <msisdn> [*123#] --url ...` against a running channel over real
 * HTTP: a child process with its stdin a pipe plays a session to a paid merchant, the way an
 * operator scripts it; in-process runs cover usage errors, an unreachable gateway and stdin that
 * ends before the session. On a pseudo-terminal, as a person runs it: the PIN shows as stars,
 * the program exits by itself at the END, on Ctrl-C and Ctrl-D, and when a channel with a short
 * idle timeout drops the session.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { runUssd } from '../../../src/tools/cli/ussd.js'
import {
  endedByKeys,
  inProcess as runInProcess,
  telepayChild,
  telepayOnTerminal,
  terminalExitBoundMs,
} from '../../support/cli-runs.js'
import { LI, LI_PIN } from '../../support/gateway-fixture.js'
import type { UssdHarness } from './ussd-harness.js'
import { startUssdHarness } from './ussd-harness.js'

const child = (args: readonly string[], stdin: string) => telepayChild('ussd', args, stdin)
const inProcess = (args: string[], lines: readonly string[] = []) =>
  runInProcess(runUssd, args, lines)

let h: UssdHarness

beforeAll(async () => {
  h = await startUssdHarness()
})

afterAll(async () => {
  await h.close()
})

describe('telepay ussd', () => {
  it('plays a session from a pipe to the END and exits 0; the money moved', async () => {
    const run = await child(
      [LI, '*123#', '--url', h.url],
      `${['2', '1001', '12.50', '1', LI_PIN].join('\n')}\n`,
    )
    expect(run.stderr).toBe('')
    expect(run.code).toBe(0)
    expect(run.stdout).toContain(
      'Telepay\n1 Balance\n2 Pay merchant\n> 2\nMerchant code:\n> 1001\nAmount:\n> 12.50\n',
    )
    expect(run.stdout).toMatch(/> \*\*\*\*|> 1234/)
    expect(run.stdout).toMatch(/12\.50/)
    expect(await h.gw.balance(LI, 'wallet')).toBe('487.50')
  })

  it('opens at a shortcut dial', async () => {
    const run = await inProcess([LI, '*123*1#', '--url', h.url], [])
    expect(run.code).toBe(0)
    expect(run.stdout).toContain('487.50')
  })

  it('exits 1 when stdin ends before the session does', async () => {
    const run = await inProcess([LI, '--url', h.url], ['2'])
    expect(run.code).toBe(1)
    expect(run.stderr).toBe('telepay ussd: input ended before the session did\n')
  })

  it('exits 1 with a hint when no gateway listens', async () => {
    const run = await inProcess([LI, '--url', 'http://127.0.0.1:1'], [])
    expect(run.code).toBe(1)
    expect(run.stderr).toMatch(
      /cannot reach http:\/\/127\.0\.0\.1:1\/ussd: .*is the gateway running/,
    )
  })

  it('exits 2 on a bad MSISDN or dial string', async () => {
    expect((await inProcess(['12', '--url', h.url], [])).code).toBe(2)
    const bad = await inProcess([LI, '123', '--url', h.url], [])
    expect(bad.code).toBe(2)
    expect(bad.stderr).toMatch(/"123" is not a USSD string/)
  })
})

describe('telepay ussd on a terminal', () => {
  it('exits 0 by itself at the END, after saying the session ended', async () => {
    const run = telepayOnTerminal('ussd', [LI, '*123*1#', '--url', h.url])
    await run.waitFor(/Balance|wallet/i)
    expect(await run.exit(terminalExitBoundMs)).toBe(0)
    expect(run.screen()).toMatch(/\n— session ended —\n$/)
  })

  it('shows the PIN as stars, never its digits, and pays; says the idle timeout', async () => {
    const before = await h.gw.balance(LI, 'wallet')
    const run = telepayOnTerminal('ussd', [LI, '--url', h.url])
    for (const [screen, keys] of [
      [/2 Pay merchant\n> $/, '2'],
      [/Merchant code:\n> $/, '1001'],
      [/Amount:\n> $/, '1.50'],
      [/3 Bank card\n> $/, '1'],
    ] as const) {
      await run.waitFor(screen)
      run.type(`${keys}\r`)
    }
    await run.waitFor(/Enter PIN to pay\n> $/)
    run.type(LI_PIN)
    await run.waitFor(/Enter PIN to pay\n> \*\*\*\*$/)
    run.type('\r')
    await run.waitFor(/— session ended —\n/)
    expect(await run.exit(terminalExitBoundMs)).toBe(0)
    expect(run.screen()).not.toContain(LI_PIN)
    expect(run.screen()).toMatch(/1\.50[^\n]*\n— session ended —\n$/)
    expect(run.screen()).toContain('reply to each screen within 30 s')
    expect(await h.gw.balance(LI, 'wallet')).not.toBe(before)
  })

  it('cancels on Ctrl-C (exit 130), ends the input on Ctrl-D (exit 1), each alone', async () => {
    const [interrupted, ended] = await endedByKeys(
      'ussd',
      [LI, '--url', h.url],
      /2 Pay merchant\n> $/,
      ['\x03', '\x04'],
    )
    expect([interrupted?.code, ended?.code]).toEqual([130, 1])
    expect(interrupted?.run.screen()).toContain('[you cancelled the session]\n— session ended —\n')
    expect(ended?.run.screen()).toContain('input ended before the session did')
  })
})

describe('telepay ussd on a terminal, idle past the timeout', () => {
  let short: UssdHarness
  const idleMs = 1_500

  beforeAll(async () => {
    // The answer deadline and an external app's timeout must stay below the idle timeout.
    short = await startUssdHarness({
      limits: { sessionIdleMs: idleMs, answerDeadlineMs: 1_000, appAnswerTimeoutMs: 1_000 },
    })
  })

  afterAll(async () => {
    await short.close()
  })

  it('says the idle timeout; once it passes, says the session timed out, exits 0', async () => {
    const run = telepayOnTerminal('ussd', [LI, '--url', short.url])
    await run.waitFor(/2 Pay merchant\n> $/)
    const shownMs = Date.now()
    expect(await run.exit(idleMs + terminalExitBoundMs)).toBe(0)
    expect(Date.now() - shownMs).toBeGreaterThanOrEqual(idleMs - 500)
    expect(run.screen()).toContain('reply to each screen within 1.5 s')
    expect(run.screen()).toMatch(
      /> \n\[no reply within 1\.5 s: the session timed out\]\n— session ended —\n$/,
    )
  })
})
