/**
 * cli.test.ts - `telepay call <msisdn> [12588] --url ...` against a running channel over real
 * HTTP: a child process with its stdin a pipe pays an order, the way an operator scripts a call
 * (the PIN echoed as ****); in-process runs cover silence, hanging up with `h`, stdin that ends
 * before the call (the call is hung up), an unreachable gateway and usage errors. On a
 * pseudo-terminal, as a person runs it: the PIN shows as stars, the program exits by itself when
 * the call ends, on `h`, Ctrl-C and Ctrl-D, and a question's no-input timeout (shortened for the
 * test) is said and applied as silence until the script gives up and ends the call.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { IvrEngine, IvrStep } from '../../../channels/ivr/contract.js'
import { runCall } from '../../../src/tools/cli/call.js'
import {
  endedByKeys,
  inProcess as runInProcess,
  telepayChild,
  telepayOnTerminal,
  terminalExitBoundMs,
} from '../../support/cli-runs.js'
import { LI, LI_PIN, NOBODY } from '../../support/gateway-fixture.js'
import { fakeIvrEngine, fakePromptText } from './fake-engine.js'
import type { IvrHarness } from './ivr-harness.js'
import { startIvrHarness } from './ivr-harness.js'

const child = (args: readonly string[], stdin: string) => telepayChild('call', args, stdin)
const inProcess = (args: string[], lines: readonly string[] = []) =>
  runInProcess(runCall, args, lines)

let h: IvrHarness

beforeAll(async () => {
  h = await startIvrHarness()
})

afterAll(async () => {
  await h.close()
})

async function lastCall(): Promise<{ outcome: string | null; inputs: string[] }> {
  const listed = await h.request('GET', '/admin/api/calls?limit=1')
  return listed.json.calls[0]
}

describe('telepay call', () => {
  it('pays an order from a pipe to the end, exit 0; PIN echoed masked; money moved', async () => {
    const run = await child(
      [LI, '12588', '--url', h.url],
      `${['2', '880001#', `${LI_PIN}#`].join('\n')}\n`,
    )
    expect(run.stderr).toBe('')
    expect(run.code).toBe(0)
    expect(run.stdout).toContain(
      `${fakePromptText('main.menu')}\n[1 key; 5 s] > 2\n` +
        `${fakePromptText('order.number')}\n[6+ keys, then #; 8 s] > 880001#\n`,
    )
    expect(run.stdout).toContain(
      `${fakePromptText('order.pin')}\n[4 keys, then #, secret; 8 s] > *****\n`,
    )
    expect(run.stdout).not.toContain(LI_PIN)
    expect(run.stdout).toMatch(/80\.00[^\n]*\n\[call ended: completed\]\n$/)
    expect(await h.gw.balance(LI, 'wallet')).toBe('420.00')
  })

  it('sends an empty line as silence and hangs up on h', async () => {
    const run = await inProcess([LI, '--url', h.url], ['', 'h'])
    expect(run.code).toBe(0)
    expect(run.stdout).toContain(fakePromptText('retry.noinput'))
    expect(run.stdout).toMatch(/\[you hung up: hung_up\]\n$/)
    expect((await lastCall()).outcome).toBe('hung_up')
  })

  it('asks again for a line that is not keys', async () => {
    const run = await inProcess([LI, '--url', h.url], ['pay', '1'])
    expect(run.code).toBe(0)
    expect(run.stdout).toMatch(/> pay\n\[Type keys/)
    expect(run.stdout).toContain('[call ended: completed]')
  })

  it('exits 1 when stdin ends before the call does, and hangs the call up', async () => {
    const run = await inProcess([LI, '--url', h.url], ['2'])
    expect(run.code).toBe(1)
    expect(run.stderr).toBe('telepay call: input ended before the call did; hung up\n')
    expect(await lastCall()).toMatchObject({ outcome: 'hung_up', inputs: ['2'] })
  })

  it('exits 1 with a hint when no gateway listens', async () => {
    const run = await inProcess([LI, '--url', 'http://127.0.0.1:1'], [])
    expect(run.code).toBe(1)
    expect(run.stderr).toMatch(
      /cannot reach http:\/\/127\.0\.0\.1:1\/ivr\/calls: .*is the gateway running/,
    )
  })

  it('exits 2 on a bad MSISDN, number or option', async () => {
    expect((await inProcess(['12', '--url', h.url], [])).code).toBe(2)
    const bad = await inProcess([LI, '*123#', '--url', h.url], [])
    expect(bad.code).toBe(2)
    expect(bad.stderr).toMatch(/"\*123#" is not a number to call/)
    expect((await inProcess([LI, '--bogus'], [])).code).toBe(2)
  })
})

describe('telepay call on a terminal', () => {
  it('exits 0 by itself when the gateway ends the call (an unregistered caller)', async () => {
    const run = telepayOnTerminal('call', [NOBODY, '--url', h.url])
    await run.waitFor(/\[call ended: unregistered\]\n/)
    expect(await run.exit(terminalExitBoundMs)).toBe(0)
  })

  it('pays an order, the PIN as stars, never digits; exits 0 itself as the call ends', async () => {
    const run = telepayOnTerminal('call', [LI, '--url', h.url])
    await run.waitFor(/\[1 key; 5 s\] > $/)
    run.type('2\r')
    await run.waitFor(/\[6\+ keys, then #; 8 s\] > $/)
    run.type('880001#\r')
    await run.waitFor(/secret; 8 s\] > $/)
    run.type(`${LI_PIN}#`)
    await run.waitFor(/secret; 8 s\] > \*\*\*\*\*$/)
    run.type('\r')
    await run.waitFor(/\[call ended: completed\]\n/)
    expect(await run.exit(terminalExitBoundMs)).toBe(0)
    expect(run.screen()).not.toContain(LI_PIN)
  })

  it('hangs up and exits by itself on h (0), Ctrl-C (130) and Ctrl-D (1)', async () => {
    const [byH, byCtrlC, byCtrlD] = await endedByKeys(
      'call',
      [LI, '--url', h.url],
      /\[1 key; 5 s\] > $/,
      ['h\r', '\x03', '\x04'],
    )
    expect([byH?.code, byCtrlC?.code, byCtrlD?.code]).toEqual([0, 130, 1])
    expect(byH?.run.screen()).toMatch(/\[you hung up: hung_up\]\n$/)
    expect(byCtrlC?.run.screen()).toMatch(/\[you hung up: hung_up\]\n$/)
    const listed = await h.request('GET', '/admin/api/calls?limit=3')
    expect(listed.json.calls.map((call: { outcome: string }) => call.outcome)).toEqual([
      'hung_up',
      'hung_up',
      'hung_up',
    ])
  })
})

/** The fake scripts with every question's timeouts cut to `ms`, as a test configures them. */
function withTimeouts(engine: IvrEngine, ms: number): IvrEngine {
  const cut = (step: IvrStep): IvrStep =>
    step.kind === 'say' && step.gather !== null
      ? { ...step, gather: { ...step.gather, firstDigitTimeoutMs: ms, interDigitTimeoutMs: ms } }
      : step
  return {
    ...engine,
    start: (...args) => cut(engine.start(...args)),
    digits: (...args) => cut(engine.digits(...args)),
    silence: (...args) => cut(engine.silence(...args)),
    resume: (...args) => cut(engine.resume(...args)),
  }
}

describe('telepay call on a terminal, silent past the timeout', () => {
  let short: IvrHarness
  const timeoutMs = 1_000

  beforeAll(async () => {
    short = await startIvrHarness({ engine: withTimeouts(fakeIvrEngine(), timeoutMs) })
  })

  afterAll(async () => {
    await short.close()
  })

  it('says each timeout, silence if no key comes, exits 0 when the script gives up', async () => {
    const run = telepayOnTerminal('call', [LI, '--url', short.url])
    await run.waitFor(/\[1 key; 1 s\] > $/)
    const askedMs = Date.now()
    expect(await run.exit(3 * timeoutMs + terminalExitBoundMs)).toBe(0)
    expect(Date.now() - askedMs).toBeGreaterThanOrEqual(3 * timeoutMs - 500)
    const screen = run.screen()
    expect(screen.split('[no key within 1 s: silence]').length - 1).toBe(3)
    expect(screen).toContain(fakePromptText('retry.noinput'))
    expect(
      screen.endsWith(`${fakePromptText('goodbye.failed')}\n[call ended: failed_input]\n`),
    ).toBe(true)
  })
})
