/**
 * cli.test.ts - `telepay ussd <msisdn> [*123#] --url ...` against a running channel over real
 * HTTP: a child process with its stdin a pipe plays a session to a paid merchant, the way an
 * operator scripts it; in-process runs cover usage errors, an unreachable gateway and stdin that
 * ends before the session.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { runUssd } from '../../../src/cli/ussd.js'
import { inProcess as runInProcess, telepayChild } from '../../support/cli-runs.js'
import { LI, LI_PIN } from '../../support/gateway-fixture.js'
import type { UssdHarness } from './ussd-harness.js'
import { startUssdHarness } from './ussd-harness.js'

const child = (args: readonly string[], stdin: string) => telepayChild('ussd', args, stdin)
const inProcess = (args: string[], lines: readonly string[] = []) => runInProcess(runUssd, args, lines)

let h: UssdHarness

beforeAll(async () => {
  h = await startUssdHarness()
})

afterAll(async () => {
  await h.close()
})

describe('telepay ussd', () => {
  it('plays a session from a pipe to the END and exits 0; the money moved', async () => {
    const run = await child([LI, '*123#', '--url', h.url], ['2', '1001', '12.50', '1', LI_PIN].join('\n') + '\n')
    expect(run.stderr).toBe('')
    expect(run.code).toBe(0)
    expect(run.stdout).toContain('Telepay\n1 Balance\n2 Pay merchant\n> 2\nMerchant code:\n> 1001\nAmount:\n> 12.50\n')
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
    expect(run.stderr).toMatch(/cannot reach http:\/\/127\.0\.0\.1:1\/ussd: .*is the gateway running/)
  })

  it('exits 2 on a bad MSISDN or dial string', async () => {
    expect((await inProcess(['12', '--url', h.url], [])).code).toBe(2)
    const bad = await inProcess([LI, '123', '--url', h.url], [])
    expect(bad.code).toBe(2)
    expect(bad.stderr).toMatch(/"123" is not a USSD string/)
  })
})
