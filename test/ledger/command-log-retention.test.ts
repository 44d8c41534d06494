/**
 * command-log-retention.test.ts - the idempotency log's retention in the ledger: a repeat within
 * the window replays the first answer and moves nothing; past the window, once pruned, the key is
 * new and a second payment is made. A pruning step deletes at most its bound, only the oldest
 * rows stamped before the cutoff (a row behind one inside the window waits, as after a clock that
 * stepped back), kept-reply markers with them, and never a payment, transfer, entry or outbox row.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { defaultOperatingLimits } from '../../src/core/index.js'
import { LI, ok, payMerchant, paymentIdOf, RINGTONES } from '../core/helpers.js'
import type { TestLedger } from '../support/ledger-fixture.js'
import { openTestLedger } from '../support/ledger-fixture.js'

const keepMs = defaultOperatingLimits.idempotencyKeepMs
const DAY_MS = 86_400_000

describe('the idempotency log retention', () => {
  let t: TestLedger
  beforeEach(async () => {
    t = await openTestLedger()
  })
  afterEach(async () => {
    await t.close()
  })

  const prune = (rowsMax = 1_000): Promise<number> =>
    t.ledger.pruneCommandLog(t.nowMs - keepMs, rowsMax)
  const count = (table: string): number =>
    Number((t.ledger.db.prepare(`SELECT COUNT(*) AS n FROM ${table}`).get() as { n: bigint }).n)
  const logged = (key: string): boolean =>
    t.ledger.db.prepare('SELECT 1 FROM command_log WHERE key = ?').get(key) !== undefined
  /** A log row written as a command would, stamped `createdMs`. */
  const logRow = (key: string, createdMs: number): void => {
    t.ledger.db
      .prepare(
        'INSERT INTO command_log (key, command_hash, result, created_ms) ' +
          "VALUES (?, 'h', '{}', ?)",
      )
      .run(key, createdMs)
  }

  it('a repeat within the window replays the first answer: same payment, one debit', async () => {
    const command = payMerchant(LI, RINGTONES, 2_500n, 'wallet', true)
    const first = ok(t, command, { key: 'api:1', pin: 'match' })
    const paid = await t.balance(LI, 'wallet')
    // At the window's last instant the row is still kept, and a step then deletes nothing.
    t.nowMs += keepMs
    expect(await prune()).toBe(0)
    const again = t.run(command, { key: 'api:1', pin: 'match' })
    expect(again).toEqual(first)
    expect(paymentIdOf(again)).toBe(paymentIdOf(first))
    expect(await t.balance(LI, 'wallet')).toBe(paid)
  })

  it('past the window, once pruned, the key is new: a second payment is made', async () => {
    const command = payMerchant(LI, RINGTONES, 2_500n, 'wallet', true)
    const before = await t.balance(LI, 'wallet')
    const first = ok(t, command, { key: 'api:2', pin: 'match' })
    // Replayed once inside the window: whatever a lookup might have cached, it must not outlive
    // the row.
    t.nowMs += DAY_MS
    expect(paymentIdOf(t.run(command, { key: 'api:2', pin: 'match' }))).toBe(paymentIdOf(first))
    t.nowMs += keepMs
    expect(await prune()).toBe(1)
    expect(logged('api:2')).toBe(false)
    const second = ok(t, command, { key: 'api:2', pin: 'match' })
    expect(paymentIdOf(second)).not.toBe(paymentIdOf(first))
    expect(await t.balance(LI, 'wallet')).toBe(before - 5_000n)
    expect(await t.ledger.payment(paymentIdOf(first))).toMatchObject({ state: 'completed' })
    expect((await t.ledger.check()).balanced).toBe(true)
    // The new answer is logged under the key and replayed in its turn.
    expect(t.run(command, { key: 'api:2', pin: 'match' })).toEqual(second)
  })

  it('a step never deletes more than its bound', async () => {
    for (let index = 0; index < 25; index += 1) logRow(`old:${index}`, t.nowMs - keepMs - 1)
    expect(await prune(10)).toBe(10)
    expect(await prune(10)).toBe(10)
    expect(await prune(10)).toBe(5)
    expect(await prune(10)).toBe(0)
    expect(count('command_log')).toBe(0)
  })

  it('deletes the oldest first and stops at the first row inside the window', async () => {
    const outside = t.nowMs - keepMs - 1
    logRow('a', outside)
    logRow('b', outside)
    // Stamped inside the window, then rows stamped earlier again: a clock that stepped back.
    logRow('c', t.nowMs - keepMs)
    logRow('d', outside)
    logRow('e', t.nowMs)
    expect(await prune()).toBe(2)
    expect(['a', 'b', 'c', 'd', 'e'].filter(logged)).toEqual(['c', 'd', 'e'])
    // Nothing inside the window goes, whatever lies behind it.
    expect(await prune()).toBe(0)
    t.nowMs += 1
    expect(await prune()).toBe(2)
    expect(['c', 'd', 'e'].filter(logged)).toEqual(['e'])
  })

  it('never touches payments, transfers, entries or the outbox', async () => {
    for (let index = 0; index < 5; index += 1)
      ok(t, payMerchant(LI, RINGTONES, 1_000n, 'wallet', true), { key: `p:${index}`, pin: 'match' })
    await t.ledger.keepSmsReply({ msisdn: LI, text: 'kept', commandKey: 'sms:9#0' }, t.nowMs)
    const tables = ['payments', 'transfers', 'entries', 'outbox', 'accounts', 'orders']
    const before = tables.map(count)
    expect(count('command_log')).toBe(6)
    t.nowMs += keepMs + 1
    expect(await prune()).toBe(6)
    expect(tables.map(count)).toEqual(before)
    expect((await t.ledger.check()).balanced).toBe(true)
  })

  it('forgets a kept SMS reply marker with its command, past the window', async () => {
    const command = payMerchant(LI, RINGTONES, 1_000n, 'wallet', true)
    ok(t, command, { key: 'sms:7', pin: 'match' })
    expect(
      await t.ledger.keepSmsReply({ msisdn: LI, text: 'Paid', commandKey: 'sms:7#0' }, t.nowMs),
    ).toBe(true)
    t.nowMs += keepMs
    expect(await prune()).toBe(0)
    expect(await t.ledger.smsReplyKept('sms:7')).toBe(true)
    t.nowMs += 1
    expect(await prune()).toBe(2)
    expect(await t.ledger.smsReplyKept('sms:7')).toBe(false)
    expect(logged('sms:7')).toBe(false)
  })
})
