/**
 * cli.test.ts - `telepay call <msisdn> [12588] --url ...` against a running channel over real
 * HTTP: a child process with its stdin a pipe pays an order, the way an operator scripts a call
 * (the PIN echoed as ****); in-process runs cover silence, hanging up with `h`, stdin that ends
 * before the call (the call is hung up), an unreachable gateway and usage errors.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { runCall } from '../../../src/cli/call.js'
import { inProcess as runInProcess, telepayChild } from '../../support/cli-runs.js'
import { LI, LI_PIN } from '../../support/gateway-fixture.js'
import { fakePromptText } from './fake-engine.js'
import type { IvrHarness } from './ivr-harness.js'
import { startIvrHarness } from './ivr-harness.js'

const child = (args: readonly string[], stdin: string) => telepayChild('call', args, stdin)
const inProcess = (args: string[], lines: readonly string[] = []) => runInProcess(runCall, args, lines)

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
  it('pays an order from a pipe to the end of the call and exits 0; the PIN is echoed masked; the money moved', async () => {
    const run = await child([LI, '12588', '--url', h.url], ['2', '880001#', `${LI_PIN}#`].join('\n') + '\n')
    expect(run.stderr).toBe('')
    expect(run.code).toBe(0)
    expect(run.stdout).toContain(`${fakePromptText('main.menu')}\n[1 key; 5 s] > 2\n${fakePromptText('order.number')}\n[6+ keys, then #; 8 s] > 880001#\n`)
    expect(run.stdout).toContain(`${fakePromptText('order.pin')}\n[4 keys, then #, secret; 8 s] > *****\n`)
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
    expect(run.stderr).toMatch(/cannot reach http:\/\/127\.0\.0\.1:1\/ivr\/calls: .*is the gateway running/)
  })

  it('exits 2 on a bad MSISDN, number or option', async () => {
    expect((await inProcess(['12', '--url', h.url], [])).code).toBe(2)
    const bad = await inProcess([LI, '*123#', '--url', h.url], [])
    expect(bad.code).toBe(2)
    expect(bad.stderr).toMatch(/"\*123#" is not a number to call/)
    expect((await inProcess([LI, '--bogus'], [])).code).toBe(2)
  })
})
