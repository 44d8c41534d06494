/**
 * pos.test.ts - `telepay pos` as a person runs it: `node bin/telepay.js pos ...` in a child
 * process against a gateway's ISO 8583 host, the PIN piped as a PIN pad would take it (echoed as
 * stars, never as digits), judged by exit code and output: sign-on, purchases and the balance
 * after, the journal, a void, a refund, a reversal (and a second one refused), a balanced
 * settlement; a wrong PIN declined (exit 1), usage (exit 2).
 */
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { CliRun } from '../support/cli-runs.js'
import { telepayChild } from '../support/cli-runs.js'
import type { GatewayFixture } from '../support/gateway-fixture.js'
import { LI, LI_PIN, posPortOf, startTestGateway } from '../support/gateway-fixture.js'

let gw: GatewayFixture

beforeAll(async () => {
  gw = await startTestGateway()
}, 60_000)

afterAll(async () => {
  await gw?.close()
})

function pos(args: readonly string[], pin = ''): Promise<CliRun> {
  const journal = join(gw.dir, 'pos-journal.json')
  return telepayChild('pos', [...args, '--port', String(posPortOf(gw)), '--journal', journal], pin)
}

describe('telepay pos', () => {
  it('signs on, pays, voids, refunds, reverses and settles, keeping its journal', async () => {
    expect((await pos(['signon'])).stdout).toMatch(/^0810 00 approved/)
    const wallet = Number(await gw.balance(LI, 'wallet'))
    const paid = await pos(['purchase', LI, '8.00', '--account', 'wallet'], LI_PIN)
    expect(paid.code, paid.stderr).toBe(0)
    expect(paid.stdout).toContain('PIN: ****')
    expect(paid.stdout).not.toContain(LI_PIN)
    expect(paid.stdout).toMatch(/0210 00 approved {2}\(STAN 000002\)\n {2}reference \w{12}/)
    const balance = await pos(['balance', LI, '--account', 'wallet'], LI_PIN)
    expect(balance.stdout).toContain(`balance ${(wallet - 8).toFixed(2)} CNY`)
    expect((await pos(['purchase', LI, '3.00', '--account', 'wallet'], LI_PIN)).code).toBe(0)
    expect((await pos(['purchase', LI, '5.00', '--account', 'wallet'], LI_PIN)).code).toBe(0)
    const journal = await pos(['journal'])
    expect(journal.stdout).toMatch(/STAN 000004 {2}\d{4} {2}purchase {7}3\.00 {2}approved/)
    expect(journal.stdout).toContain('totals: 3 debits 16.00, 0 credits 0.00 CNY')
    expect((await pos(['void', '4'])).stdout).toMatch(/^0210 00 approved/)
    expect((await pos(['refund', '2', '1.50'])).stdout).toMatch(/^0230 00 approved/)
    expect((await pos(['reverse', '5'])).stdout).toMatch(/^0410 00 approved/)
    const again = await pos(['reverse', '5'])
    expect(again.code).toBe(1)
    expect(again.stderr).toContain('purchase STAN 000005 is reversed already')
    expect(Number(await gw.balance(LI, 'wallet'))).toBeCloseTo(wallet - 6.5, 2)
    const settled = await pos(['settle'])
    expect(settled.code, settled.stderr).toBe(0)
    expect(settled.stdout).toContain('terminal: 1 debits 8.00, 1 credits 1.50 CNY')
    expect(settled.stdout).toContain('host:     1 debits 8.00, 1 credits 1.50 CNY')
    expect(settled.stdout).toContain('balanced, batch closed')
    expect((await pos(['journal'])).stdout).toContain('batch 000002 open')
  })

  it('declines a wrong PIN with exit 1, and answers usage with exit 2', async () => {
    const wrong = await pos(['purchase', LI, '1.00'], '0000')
    expect(wrong.code).toBe(1)
    expect(wrong.stdout).toContain('0210 55 wrong PIN')
    const noStan = await pos(['void'])
    expect(noStan.code).toBe(2)
    expect(noStan.stderr).toContain('void needs the STAN of the purchase')
    expect((await pos(['purchase', LI, '1.234'])).code).toBe(2)
    expect((await pos(['refund', 'x', '1.00'])).stderr).toContain('a STAN is 1 to 6 digits')
    const unknown = await pos(['void', '999'])
    expect(unknown.code).toBe(1)
    expect(unknown.stderr).toContain('no approved purchase with STAN 000999 in this batch')
  })
})
