/**
 * operator.test.ts - the operator's commands (src/core/decide-operator.ts): a top-up is one
 * transfer from the funding account, refused in the order of reasons and moving nothing when
 * refused; a subscriber change keeps what it does not name and a PIN reset lifts a lock, as an
 * unlock does without a new PIN; a merchant opened takes payments at its own fee rate and rule (a
 * fixed part, a floor, a cap; never more than the payment); a floor above the cap is refused; a
 * changed one keeps its account.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { Command } from '../../src/core/index.js'
import { defaultLimits } from '../../src/core/index.js'
import type { TestLedger } from '../support/ledger-fixture.js'
import { openTestLedger } from '../support/ledger-fixture.js'
import {
  expectBalanced,
  HAN,
  LI,
  lockOut,
  merchantBalance,
  NOBODY,
  ok,
  payMerchant,
  refusalTable,
  TRANSFER_REF,
} from './helpers.js'

const fund = (
  msisdn: string,
  amountMinor: bigint,
  funding: 'wallet' | 'phone_bill' = 'wallet',
): Command => ({ kind: 'fund_account', msisdn, funding, amountMinor })

const openMerchant = (code: string, feeBasisPoints: bigint | null = null): Command => ({
  kind: 'open_merchant',
  code,
  name: 'Noodle Bar',
  category: 'merchant',
  settlementBank: 'ICBC',
  feeBasisPoints,
  apiKeySha256: `sha-${code}`,
  webhookSecret: `secret-${code}-0123456789`,
})

function fundingBalance(t: TestLedger): bigint {
  const row = t.ledger.db
    .prepare("SELECT balance_minor FROM accounts WHERE owner = 'platform' AND kind = 'funding'")
    .get() as { balance_minor: bigint }
  return row.balance_minor
}

describe('top-up: refusals by descending precedence', () => {
  refusalTable([
    {
      reason: 'amount_not_positive',
      name: 'nothing to credit',
      when: (t) => t.run(fund(LI, 0n)),
    },
    {
      reason: 'payer_not_registered',
      name: 'an unregistered number',
      when: (t) => t.run(fund(NOBODY, 100n)),
    },
    {
      reason: 'account_not_offered',
      name: 'a wallet under the bank model, which offers none',
      limits: { ...defaultLimits, operatingModel: 'bank' },
      when: (t) => t.run(fund(LI, 100n)),
    },
    {
      reason: 'amount_above_funding_max',
      name: 'more than one top-up may credit',
      when: (t) => t.run(fund(LI, defaultLimits.fundingMaxMinor + 1n, 'phone_bill')),
    },
    {
      reason: 'wallet_cap_exceeded',
      name: 'a wallet of 500.00 topped up past its 10,000.00 cap',
      when: (t) => t.run(fund(LI, 950_001n)),
    },
  ])
})

describe('operator commands', () => {
  let t: TestLedger
  beforeEach(async () => {
    t = await openTestLedger()
  })
  afterEach(async () => {
    await t.close()
  })

  it('a top-up is a transfer from the funding account, and tells the subscriber', async () => {
    const result = ok(t, fund(HAN, 2_500n))
    expect(result.reference).toMatch(TRANSFER_REF)
    expect(result.data).toMatchObject({ kind: 'funded', balanceMinor: 4_500n })
    expect(await t.balance(HAN, 'wallet')).toBe(4_500n)
    expect(fundingBalance(t)).toBe(-2_500n)
    const transfer = t.ledger.db
      .prepare("SELECT kind, payment_id FROM transfers WHERE kind = 'funding'")
      .all()
    expect(transfer).toEqual([{ kind: 'funding', payment_id: null }])
    const sms = t.ledger.db.prepare("SELECT payload FROM outbox WHERE kind = 'sms'").all() as {
      payload: string
    }[]
    expect(sms.map((row) => row.payload).join()).toContain('account.funded')
    await expectBalanced(t)
  })

  it('a top-up sent again under its key credits once', async () => {
    ok(t, fund(LI, 1_000n, 'phone_bill'), { key: 'admin:top-up-1' })
    const again = ok(t, fund(LI, 1_000n, 'phone_bill'), { key: 'admin:top-up-1' })
    expect(again.data).toMatchObject({ kind: 'funded', balanceMinor: 6_000n })
    expect(await t.balance(LI, 'phone_bill')).toBe(6_000n)
  })

  it('a PIN reset clears a lock; what the change does not name stays', async () => {
    lockOut(t, LI)
    ok(t, { kind: 'change_subscriber', msisdn: LI, name: 'Li Lei Jr' }, {})
    let detail = await t.ledger.subscriber(LI)
    expect(detail?.subscriber.lockedUntilMs).toBeGreaterThan(t.nowMs)
    ok(t, { kind: 'change_subscriber', msisdn: LI }, { newPinHash: 'fake$2468' })
    detail = await t.ledger.subscriber(LI)
    expect(detail?.subscriber).toMatchObject({
      name: 'Li Lei Jr',
      language: 'en',
      pinHash: 'fake$2468',
      pinFailures: 0,
      lockedUntilMs: 0,
    })
  })

  it('an unlock lifts a lock and keeps the PIN; again under its key, the same answer', async () => {
    lockOut(t, LI)
    const before = await t.ledger.subscriber(LI)
    expect(before?.subscriber.lockedUntilMs).toBeGreaterThan(t.nowMs)
    const result = ok(t, { kind: 'unlock_subscriber', msisdn: LI }, { key: 'admin:unlock-1' })
    expect(result.message.key).toBe('subscriber.unlocked')
    const after = await t.ledger.subscriber(LI)
    expect(after?.subscriber).toMatchObject({
      pinHash: before?.subscriber.pinHash,
      pinFailures: 0,
      lockedUntilMs: 0,
    })
    const again = ok(t, { kind: 'unlock_subscriber', msisdn: LI }, { key: 'admin:unlock-1' })
    expect(again).toEqual(result)
    // Not locked: the same answer, and nothing to write.
    expect(t.run({ kind: 'unlock_subscriber', msisdn: HAN }).ok).toBe(true)
    expect(t.run({ kind: 'unlock_subscriber', msisdn: NOBODY }).reason).toBe('payer_not_registered')
  })

  it('links a card and sets the phone-bill credit, on the stored rows', async () => {
    ok(t, {
      kind: 'change_subscriber',
      msisdn: HAN,
      creditLimitMinor: 3_000n,
      card: { bank: 'ABC', last4: '4321', token: 'tok_abc_4321_8001' },
    })
    const detail = await t.ledger.subscriber(HAN)
    const card = detail?.accounts.find((account) => account.kind === 'bank')
    expect(card?.card).toEqual({ bank: 'ABC', last4: '4321', token: 'tok_abc_4321_8001' })
    const phoneBill = detail?.accounts.find((account) => account.kind === 'phone_bill')
    expect(phoneBill?.floorMinor).toBe(-3_000n)
    // Read back from the database, not the cache: the row has the terms.
    const row = t.ledger.db
      .prepare("SELECT floor_minor FROM accounts WHERE owner = ? AND kind = 'phone_bill'")
      .get(HAN) as { floor_minor: bigint }
    expect(row.floor_minor).toBe(-3_000n)
  })

  it('a merchant opened takes payments at its own fee rate', async () => {
    ok(t, openMerchant('4001', 250n))
    ok(t, payMerchant(LI, '4001', 10_000n), { pin: 'match' })
    ok(t, { kind: 'confirm', msisdn: LI }, { pin: 'match' })
    // 2.50 % of 100.00 is 2.50: the merchant gets 97.50.
    expect(merchantBalance(t, '4001')).toBe(9_750n)
    await expectBalanced(t)
  })

  it('a merchant code is opened once; a change keeps its account and key', async () => {
    ok(t, openMerchant('4002'))
    expect(t.run(openMerchant('4002')).reason).toBe('merchant_already_exists')
    ok(t, { kind: 'change_merchant', code: '4002', name: 'Noodle House', feeBasisPoints: 50n })
    const row = t.ledger.db
      .prepare('SELECT name, fee_basis_points, api_key_sha256 FROM merchants WHERE code = ?')
      .get('4002')
    expect(row).toEqual({ name: 'Noodle House', fee_basis_points: 50n, api_key_sha256: 'sha-4002' })
    expect(t.run({ kind: 'change_merchant', code: '9999', name: 'x' }).reason).toBe(
      'merchant_not_found',
    )
  })
  it('a fee rule: rate plus fixed part, raised to its floor, lowered to its cap', async () => {
    // 0.60 % + 0.20, at least 1.00, at most 1.50 (a card acquirer's contract).
    ok(t, {
      ...openMerchant('4003', 60n),
      feeFixedMinor: 20n,
      feeMinMinor: 100n,
      feeMaxMinor: 150n,
    } as Command)
    const pay = (amountMinor: bigint): void => {
      ok(t, payMerchant(LI, '4003', amountMinor), { pin: 'match' })
      ok(t, { kind: 'confirm', msisdn: LI }, { pin: 'match' })
    }
    pay(5_000n) // 50.00: 0.30 + 0.20 = 0.50, raised to the floor 1.00
    expect(merchantBalance(t, '4003')).toBe(4_900n)
    pay(15_000n) // 150.00: 0.90 + 0.20 = 1.10
    expect(merchantBalance(t, '4003')).toBe(4_900n + 14_890n)
    pay(25_000n) // 250.00: 1.50 + 0.20 = 1.70, lowered to the cap 1.50
    expect(merchantBalance(t, '4003')).toBe(4_900n + 14_890n + 24_850n)
    await expectBalanced(t)
  })

  it('a fee never exceeds the payment: a floor above the amount takes all of it', async () => {
    ok(t, { ...openMerchant('4004', 0n), feeMinMinor: 100n } as Command)
    ok(t, payMerchant(LI, '4004', 50n), { pin: 'match' })
    ok(t, { kind: 'confirm', msisdn: LI }, { pin: 'match' })
    expect(merchantBalance(t, '4004')).toBe(0n)
    await expectBalanced(t)
  })

  it('refuses a floor above the cap, on opening and on a change, and changes nothing', () => {
    const bad = { ...openMerchant('4005'), feeMinMinor: 300n, feeMaxMinor: 200n } as Command
    expect(t.run(bad).reason).toBe('fee_rule_invalid')
    expect(t.ledger.db.prepare('SELECT 1 FROM merchants WHERE code = ?').get('4005')).toBe(
      undefined,
    )
    ok(t, { ...openMerchant('4005'), feeMaxMinor: 200n } as Command)
    // The new floor is held to the cap already there.
    expect(t.run({ kind: 'change_merchant', code: '4005', feeMinMinor: 300n }).reason).toBe(
      'fee_rule_invalid',
    )
    // Removing the cap in the same change makes the floor sound.
    ok(t, { kind: 'change_merchant', code: '4005', feeMinMinor: 300n, feeMaxMinor: null })
    const row = t.ledger.db
      .prepare('SELECT fee_min_minor, fee_max_minor FROM merchants WHERE code = ?')
      .get('4005')
    expect(row).toEqual({ fee_min_minor: 300n, fee_max_minor: null })
  })
})
