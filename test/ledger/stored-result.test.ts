/**
 * stored-result.test.ts - the idempotency log since migration 7: a paid payment's answer is
 * logged as the fields its row may still change plus a reference to the row, far shorter than
 * the snapshot it replaces, and a replay still returns exactly the first answer - after the row
 * changed (a refund), after a restart (nothing cached), and for records written in the format
 * before migration 7.
 */
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { CommandResult } from '../../src/core/index.js'
import { defaultLimits } from '../../src/core/index.js'
import { encodeJson } from '../../src/ledger/codec.js'
import { paymentParams, seqOfPaymentId } from '../../src/ledger/rows.js'
import { SqliteLedger } from '../../src/ledger/sqlite-ledger.js'
import { LI, ok, payMerchant, paymentIdOf, RINGTONES, refund } from '../core/helpers.js'
import type { TestLedger } from '../support/ledger-fixture.js'
import { openTestLedger } from '../support/ledger-fixture.js'

interface LogRow {
  readonly result: string
  readonly payment_seq: bigint | null
}

describe('the idempotency log of a payment', () => {
  let t: TestLedger
  beforeEach(async () => {
    t = await openTestLedger()
  })
  afterEach(async () => {
    await t.close()
  })

  const logRow = (key: string): LogRow =>
    t.ledger.db
      .prepare('SELECT result, payment_seq FROM command_log WHERE key = ?')
      .get(key) as LogRow

  it('refers to the payment row and keeps what may change, far below the snapshot', () => {
    const first = ok(t, payMerchant(LI, RINGTONES, 2_500n, 'wallet', true), {
      key: 'sms:1',
      pin: 'match',
    })
    const row = logRow('sms:1')
    expect(row.payment_seq).toBe(BigInt(seqOfPaymentId(paymentIdOf(first)) ?? -1))
    const snapshot = encodeJson({
      ...first,
      payment: { $row: paymentParams(first.payment ?? fail()) },
    })
    expect(row.result.length).toBeLessThan(snapshot.length * 0.6)
  })

  it('a refusal keeps no reference', () => {
    const refused = t.run(payMerchant(LI, RINGTONES, 2_500n, 'wallet', true), {
      key: 'sms:2',
      pin: 'absent',
    })
    expect(refused.ok).toBe(false)
    expect(logRow('sms:2').payment_seq).toBeNull()
    expect(
      t.run(payMerchant(LI, RINGTONES, 2_500n, 'wallet', true), { key: 'sms:2', pin: 'absent' }),
    ).toEqual(refused)
  })

  it('replays the first answer after a refund changed the payment row', () => {
    const command = payMerchant(LI, RINGTONES, 2_500n, 'wallet', true)
    const first = ok(t, command, { key: 'sms:3', pin: 'match' })
    t.nowMs += 60_000
    ok(t, refund(RINGTONES, paymentIdOf(first), 1_000n))
    const again = t.run(command, { key: 'sms:3', pin: 'match' })
    expect(again).toEqual(first)
    expect(again.payment?.refundedMinor).toBe(0n)
  })

  it('replays the first answer after a restart, with nothing cached', () => {
    const command = payMerchant(LI, RINGTONES, 2_500n, 'wallet', true)
    const first = ok(t, command, { key: 'sms:4', pin: 'match' })
    t.ledger.db.close()
    const reopened = new SqliteLedger(join(t.dir, 'ledger.sqlite'), defaultLimits)
    try {
      const [outcome] = reopened.executeBatchNow([
        t.envelope(command, { key: 'sms:4', pin: 'match' }),
      ])
      expect(outcome?.ok && outcome.result).toEqual(first)
    } finally {
      reopened.db.close()
    }
  })

  it('replays a record written before migration 7 (the payment as a full row)', () => {
    const command = payMerchant(LI, RINGTONES, 2_500n, 'wallet', true)
    const first = ok(t, command, { key: 'sms:5', pin: 'match' })
    const old = encodeJson({ ...first, payment: { $row: paymentParams(first.payment ?? fail()) } })
    t.ledger.db
      .prepare('UPDATE command_log SET result = ?, payment_seq = NULL WHERE key = ?')
      .run(old, 'sms:5')
    const again: CommandResult = t.run(command, { key: 'sms:5', pin: 'match' })
    expect(again).toEqual(first)
  })
})

function fail(): never {
  throw new Error('expected a payment')
}
