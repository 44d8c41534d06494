/**
 * pos.test.ts - `telepay pos` as a person runs it: `node bin/telepay.js pos ...` in a child
 * process against a gateway's ISO 8583 host, the PIN piped as a PIN pad would take it (echoed as
 * stars, never as digits), judged by exit code and output: sign-on, a purchase approved and its
 * balance after, a wrong PIN declined (exit 1), a reversal, and usage (exit 2).
 */
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
  return telepayChild('pos', [...args, '--port', String(posPortOf(gw))], pin)
}

describe('telepay pos', () => {
  it('signs on, pays, shows the balance, reverses', async () => {
    expect((await pos(['signon'])).stdout).toMatch(/^0810 00 approved/)
    const wallet = await gw.balance(LI, 'wallet')
    const paid = await pos(['purchase', LI, '8.00', '--account', 'wallet', '--stan', '7'], LI_PIN)
    expect(paid.code, paid.stderr).toBe(0)
    expect(paid.stdout).toContain('PIN: ****')
    expect(paid.stdout).not.toContain(LI_PIN)
    expect(paid.stdout).toMatch(/0210 00 approved {2}\(STAN 000007\)\n {2}reference \w{12}/)
    const balance = await pos(['balance', LI, '--account', 'wallet', '--stan', '8'], LI_PIN)
    expect(balance.stdout).toContain(`balance ${(Number(wallet) - 8).toFixed(2)} CNY`)
    const reversed = await pos(['reverse', LI, '8.00', '--account', 'wallet', '--stan', '7'])
    expect(reversed.stdout).toMatch(/^0410 00 approved/)
    expect(await gw.balance(LI, 'wallet')).toBe(wallet)
  })

  it('declines a wrong PIN with exit 1, and answers usage with exit 2', async () => {
    const wrong = await pos(['purchase', LI, '1.00', '--stan', '9'], '0000')
    expect(wrong.code).toBe(1)
    expect(wrong.stdout).toContain('0210 55 wrong PIN')
    const noStan = await pos(['reverse', LI, '1.00'])
    expect(noStan.code).toBe(2)
    expect(noStan.stderr).toContain('reverse needs --stan')
    expect((await pos(['purchase', LI, '1.234'])).code).toBe(2)
  })
})
