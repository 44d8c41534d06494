/**
 * terminal.test.ts - `telepay terminal` as a person runs it: `node bin/telepay.js terminal ...` in
 * a child process against a gateway in simulator mode, judged by exit code and output: the list
 * of terminals, a tap paid with its receipt (after the test loaded the card as the load host), a
 * tap refused, the card's purse and log, and usage.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { CliRun } from '../support/cli-runs.js'
import { telepayIn } from '../support/cli-runs.js'
import type { GatewayFixture } from '../support/gateway-fixture.js'
import { HAN, LI, startTestGateway } from '../support/gateway-fixture.js'
import { loadCardAsHost } from '../support/rfid-sim.js'

let gw: GatewayFixture

beforeAll(async () => {
  gw = await startTestGateway()
  await loadCardAsHost(gw, HAN, 500)
}, 60_000)

afterAll(async () => {
  await gw?.close()
})

function terminal(args: readonly string[]): Promise<CliRun> {
  return telepayIn(['terminal', ...args, '--url', gw.url], { cwd: process.cwd(), env: {} })
}

describe('telepay terminal', () => {
  it('lists the terminals with their fares', async () => {
    const run = await terminal(['list'])
    expect(run.code).toBe(0)
    expect(run.stdout).toContain('BUS00001   300100000001  merchant 3001  flat fare CNY 2.00')
    expect(run.stdout).toContain('POS10011   100100000011  merchant 1001  till (the amount typed)')
  })

  it('taps a card on the bus gate and prints the receipt; the card shows it', async () => {
    const run = await terminal(['tap', 'BUS00001', HAN])
    expect(run.code, run.stderr).toBe(0)
    expect(run.stdout).toMatch(
      /^BUS00001 · paid CNY 2\.00 \(purchase\) from card 86010008613800138001\n/,
    )
    expect(run.stdout).toContain('balance after    CNY 3.00')
    expect(run.stdout).toMatch(/TAC [0-9A-F]{8}/)
    const card = await terminal(['card', HAN])
    expect(card.code).toBe(0)
    expect(card.stdout).toContain('purse  CNY 3.00')
    expect(card.stdout).toMatch(/purchase\s+CNY\s+2\.00\s+terminal 300100000001/)
  })

  it('says why a tap is refused, exit 1, and how to use it, exit 2', async () => {
    const refused = await terminal(['tap', 'BUS00001', LI])
    expect(refused).toMatchObject({ code: 1, stdout: '' })
    expect(refused.stderr).toBe(
      'telepay terminal tap: The purse does not hold the fare. (insufficient_balance)\n',
    )
    const usage = await terminal(['tap', 'BUS00001'])
    expect(usage.code).toBe(2)
    expect(usage.stderr).toContain('tap needs a terminal and an MSISDN')
  })
})
