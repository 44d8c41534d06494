/**
 * idempotency.test.ts - every command carries its transport's key: the same key with the same
 * command returns the first result and moves nothing again (refusals included, TigerBeetle's
 * id_already_failed); the same key with another command is refused as idempotency_key_reused.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { Command, CommandResult } from '../../src/core/index.js'
import { defaultLimits } from '../../src/core/index.js'
import type { TestLedger } from '../support/ledger-fixture.js'
import { openTestLedger } from '../support/ledger-fixture.js'
import {
  bankOutcome,
  CINEMA,
  confirm,
  createOrder,
  expectBalanced,
  HAN,
  LI,
  merchantBalance,
  moneySnapshot,
  NOBODY,
  ok,
  payMerchant,
  paymentIdOf,
  RINGTONES,
  refund,
  requestPayment,
  sendMoney,
  stateOf,
  TRANSFER_REF,
} from './helpers.js'

function paymentCount(t: TestLedger): bigint {
  return (t.ledger.db.prepare('SELECT COUNT(*) AS n FROM payments').get() as { n: bigint }).n
}

describe('idempotency keys', () => {
  let t: TestLedger
  beforeEach(async () => {
    t = await openTestLedger()
  })
  afterEach(async () => {
    await t.close()
  })

  /** Runs the command twice under one key and checks the second is the first, moving nothing. */
  function replayed(
    command: Command,
    key: string,
    pin: 'match' | 'mismatch' | 'absent' = 'match',
  ): CommandResult {
    const first = t.run(command, { key, pin, newPinHash: 'fake$2468' })
    const before = moneySnapshot(t)
    const payments = paymentCount(t)
    const again = t.run(command, { key, pin, newPinHash: 'fake$2468' })
    expect(again).toEqual(first)
    expect(moneySnapshot(t)).toEqual(before)
    expect(paymentCount(t)).toBe(payments)
    return first
  }

  it('a repeated PAY paid at once returns the same reference and pays once', async () => {
    const first = replayed(payMerchant(LI, RINGTONES, 2_500n, 'wallet', true), 'sms:1')
    expect(first.reference).toMatch(TRANSFER_REF)
    expect(await t.balance(LI, 'wallet')).toBe(47_500n)
    expect(merchantBalance(t, RINGTONES)).toBe(2_475n)
  })

  it('a repeated PAY does not open a second waiting payment, nor cancel the first', async () => {
    const first = replayed(payMerchant(LI, RINGTONES, 2_500n), 'sms:2')
    expect(await stateOf(t, paymentIdOf(first))).toBe('awaiting_authorization')
  })

  it('a PAY repeated after its YES still answers as first, and opens nothing new', async () => {
    const first = ok(t, payMerchant(LI, RINGTONES, 2_500n), { key: 'sms:3' })
    ok(t, confirm(LI), { pin: 'match' })
    const payments = paymentCount(t)
    expect(t.run(payMerchant(LI, RINGTONES, 2_500n), { key: 'sms:3' })).toEqual(first)
    expect(paymentCount(t)).toBe(payments)
    expect(t.run(confirm(LI), { pin: 'match' }).reason).toBe('no_pending_payment')
    expect(await t.balance(LI, 'wallet')).toBe(47_500n)
  })

  it('a repeated YES pays once', async () => {
    ok(t, payMerchant(LI, RINGTONES, 2_500n))
    expect(replayed(confirm(LI), 'sms:4').reference).toMatch(TRANSFER_REF)
    expect(await t.balance(LI, 'wallet')).toBe(47_500n)
  })

  it('a repeated SEND sends once', async () => {
    replayed(sendMoney(LI, HAN, 1_000n, true), 'ussd:s9:4')
    expect(await t.balance(HAN, 'wallet')).toBe(3_000n)
  })

  it('a repeated card payment reserves once, a repeated bank answer captures once', async () => {
    const reserved = replayed(payMerchant(LI, RINGTONES, 10_000n, 'bank', true), 'wap:t1')
    replayed(bankOutcome(paymentIdOf(reserved), 'captured'), 'bank:capture:1')
    expect(await t.balance(LI, 'bank')).toBe(-10_000n)
    expect(merchantBalance(t, RINGTONES)).toBe(9_900n)
    await expectBalanced(t)
  })

  it('repeated merchant calls create one request, one order, one refund', async () => {
    replayed(requestPayment(CINEMA, LI, 8_000n), 'api:1002:req-1')
    const order = replayed(createOrder(CINEMA, 3_500n), 'api:1002:ord-1')
    expect(order.data).toMatchObject({ order: { orderNo: '880002' } })
    expect(ok(t, createOrder(CINEMA, 3_500n)).data).toMatchObject({ order: { orderNo: '880003' } })
    const paid = ok(t, payMerchant(LI, RINGTONES, 2_500n, 'wallet', true), { pin: 'match' })
    replayed(refund(RINGTONES, paymentIdOf(paid), 1_000n), 'api:1001:ref-1')
    expect(await t.balance(LI, 'wallet')).toBe(48_500n)
  })

  it('a repeated registration registers once', async () => {
    // Numbers register themselves under the third-party model only.
    await t.close()
    t = await openTestLedger({ limits: { ...defaultLimits, operatingModel: 'third_party' } })
    const register: Command = {
      kind: 'register',
      msisdn: NOBODY,
      name: 'Wang Fang',
      language: 'zh',
    }
    expect(replayed(register, 'ussd:r:1').ok).toBe(true)
  })

  it('one key with another command is refused, moves nothing; the first answer stays', async () => {
    const first = ok(t, payMerchant(LI, RINGTONES, 2_500n, 'wallet', true), {
      key: 'sms:5',
      pin: 'match',
    })
    const before = moneySnapshot(t)
    for (const other of [
      payMerchant(LI, RINGTONES, 2_600n, 'wallet', true),
      payMerchant(LI, CINEMA, 2_500n, 'wallet', true),
      sendMoney(LI, HAN, 2_500n, true),
      confirm(LI),
    ]) {
      const reused = t.run(other, { key: 'sms:5', pin: 'match' })
      expect(reused.reason).toBe('idempotency_key_reused')
      expect(reused.ok).toBe(false)
    }
    expect(moneySnapshot(t)).toEqual(before)
    expect(
      t.run(payMerchant(LI, RINGTONES, 2_500n, 'wallet', true), { key: 'sms:5', pin: 'match' }),
    ).toEqual(first)
    await expectBalanced(t)
  })

  it('a refused command replayed stays refused, even once it could succeed', async () => {
    const refused = t.run(payMerchant(HAN, RINGTONES, 3_000n, 'wallet', true), {
      key: 'sms:6',
      pin: 'match',
    })
    expect(refused.reason).toBe('insufficient_funds')
    ok(t, sendMoney(LI, HAN, 5_000n, true), { pin: 'match' })
    const before = moneySnapshot(t)
    expect(
      t.run(payMerchant(HAN, RINGTONES, 3_000n, 'wallet', true), { key: 'sms:6', pin: 'match' }),
    ).toEqual(refused)
    expect(moneySnapshot(t)).toEqual(before)
    // A new message is a new command: it pays.
    ok(t, payMerchant(HAN, RINGTONES, 3_000n, 'wallet', true), { key: 'sms:7', pin: 'match' })
    expect(await t.balance(HAN, 'wallet')).toBe(4_000n)
  })

  it('a wrong PIN replayed is counted once, not once per repeat', () => {
    ok(t, payMerchant(LI, RINGTONES, 2_500n))
    for (let i = 0; i < 3; i += 1)
      expect(t.run(confirm(LI), { key: 'sms:8', pin: 'mismatch' }).reason).toBe('pin_incorrect')
    expect(t.run(confirm(LI), { key: 'sms:9', pin: 'mismatch' }).reason).toBe('pin_incorrect')
    expect(t.run(confirm(LI), { key: 'sms:10', pin: 'mismatch' }).reason).toBe(
      'pin_attempts_exceeded',
    )
  })

  it('a repeat in the same batch as the first answers as the first', async () => {
    const command = payMerchant(LI, RINGTONES, 2_500n, 'wallet', true)
    const [first, again] = t.runBatch([
      t.envelope(command, { key: 'smpp:77', pin: 'match' }),
      t.envelope(command, { key: 'smpp:77', pin: 'match' }),
    ])
    expect(again).toEqual(first)
    expect(await t.balance(LI, 'wallet')).toBe(47_500n)
    await expectBalanced(t)
  })

  it('keys are compared whole: a key that only starts like another is a new command', async () => {
    ok(t, payMerchant(LI, RINGTONES, 100n, 'wallet', true), { key: 'sms:1', pin: 'match' })
    ok(t, payMerchant(LI, RINGTONES, 100n, 'wallet', true), { key: 'sms:10', pin: 'match' })
    expect(await t.balance(LI, 'wallet')).toBe(49_800n)
  })
})
