/**
 * logged-results.test.ts - the idempotency log read by key prefix (SqliteLedger.loggedResults),
 * as a POS settlement reads its terminal's batch: every key that begins with the prefix and none
 * that does not (the next batch, a longer terminal id), in key order, at most the limit, each
 * the first answer as a replay gives it (a payment's amount, a refund's own amount); and
 * pinState, what a PIN check reads.
 */
import { afterEach, describe, expect, it } from 'vitest'
import { ok, payMerchant, paymentIdOf, RINGTONES, refund } from '../core/helpers.js'
import type { TestLedger } from '../support/ledger-fixture.js'
import { openTestLedger } from '../support/ledger-fixture.js'

const LI = '8613800138000'
let t: TestLedger | null = null
afterEach(async () => {
  await t?.close()
  t = null
})

describe('the idempotency log by key prefix', () => {
  it('reads the keys under a prefix in order, bounded, with their first answers', async () => {
    t = await openTestLedger()
    const ledger = t
    const pay = (key: string, fen: bigint) =>
      ok(ledger, payMerchant(LI, RINGTONES, fen, 'wallet', true), { key, pin: 'match' })
    const first = pay('pos:T1:000001:1207:000002', 300n)
    pay('pos:T1:000001:1207:000001', 200n)
    pay('pos:T1:000002:1207:000001', 700n)
    pay('pos:T10:000001:1207:000001', 900n)
    ok(ledger, refund(RINGTONES, paymentIdOf(first), 120n), {
      key: 'pos:T1:000001:1207:000003:refund',
    })
    const rows = await ledger.ledger.loggedResults('pos:T1:000001:', 10)
    expect(rows.map((row) => row.key)).toEqual([
      'pos:T1:000001:1207:000001',
      'pos:T1:000001:1207:000002',
      'pos:T1:000001:1207:000003:refund',
    ])
    expect(rows[0]?.result.payment?.amountMinor).toBe(200n)
    expect(rows[2]?.result.data).toMatchObject({ kind: 'refund', amountMinor: 120n })
    expect(await ledger.ledger.loggedResults('pos:T1:000001:', 2)).toHaveLength(2)
    expect(await ledger.ledger.loggedResults('pos:T9:', 10)).toEqual([])
  })

  it("gives a PIN check the stored hash and the lock's end, null for no subscriber", async () => {
    t = await openTestLedger()
    expect(await t.ledger.pinState(LI)).toEqual({ pinHash: 'fake$1234', lockedUntilMs: 0 })
    expect(await t.ledger.pinState('8600000000000')).toBeNull()
  })
})
