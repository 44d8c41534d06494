/**
 * top-up-load-send.test.ts - TOPUP (airtime for self or another number), LOAD (card to wallet)
 * and SEND (wallet to another subscriber): refusals in precedence order, then the balances a
 * successful one leaves. None of them carries a merchant fee.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { normalizeMsisdn } from '../../src/core/index.js'
import type { TestLedger } from '../support/ledger-fixture.js'
import { openTestLedger } from '../support/ledger-fixture.js'
import {
  bankOutcome,
  confirm,
  expectBalanced,
  HAN,
  LI,
  loadWallet,
  lockOut,
  NOBODY,
  ok,
  partyBalance,
  payByCard,
  payMerchant,
  paymentIdOf,
  RINGTONES,
  refusalTable,
  reservedOnCard,
  sendMoney,
  TRANSFER_REF,
  topUp,
  ZHANG,
} from './helpers.js'

/** Li loads 9500.00 from the card: the wallet then holds exactly its 10000.00 cap. */
function fillLiWallet(t: TestLedger): void {
  const loaded = payByCard(t, loadWallet(LI, 950_000n, true))
  expect(loaded.ok).toBe(true)
}

describe('TOPUP: refusals by descending precedence', () => {
  refusalTable([
    {
      reason: 'idempotency_key_reused',
      name: 'the key of an earlier TOPUP, for another number',
      given: (t) => {
        ok(t, topUp(LI, LI, 1_000n), { key: 'sms:7' })
      },
      when: (t) => t.run(topUp(LI, HAN, 1_000n), { key: 'sms:7' }),
    },
    {
      reason: 'amount_not_positive',
      name: 'zero, for an unregistered number',
      when: (t) => t.run(topUp(LI, NOBODY, 0n)),
    },
    {
      reason: 'payer_not_registered',
      name: 'from an unregistered number',
      when: (t) => t.run(topUp(NOBODY, LI, 1_000n)),
    },
    {
      reason: 'subscriber_locked',
      name: 'locked, for an unregistered number',
      given: (t) => lockOut(t, LI),
      when: (t) => t.run(topUp(LI, NOBODY, 1_000n)),
    },
    {
      reason: 'payee_not_registered',
      name: 'for an unregistered number, from a card the payer does not have',
      when: (t) => t.run(topUp(HAN, NOBODY, 1_000n, 'bank')),
    },
    {
      reason: 'payee_is_payer',
      name: "airtime for one's own phone bill paid from that phone bill",
      when: (t) => t.run(topUp(LI, LI, 1_000n, 'phone_bill')),
    },
    {
      reason: 'account_not_available',
      name: 'from a card the payer does not have',
      when: (t) => t.run(topUp(HAN, HAN, 1_000n, 'bank')),
    },
    {
      reason: 'pin_required',
      name: 'at once from the wallet without the PIN',
      when: (t) => t.run(topUp(LI, LI, 1_000n, 'wallet', true)),
    },
    {
      reason: 'pin_incorrect',
      name: 'a wrong PIN',
      when: (t) => t.run(topUp(LI, HAN, 1_000n, 'wallet', true), { pin: 'mismatch' }),
    },
    {
      reason: 'amount_above_payment_max',
      name: 'over 50.00 from the phone bill for another number',
      when: (t) => t.run(topUp(LI, HAN, 5_001n, 'phone_bill')),
    },
    {
      reason: 'daily_limit_exceeded',
      name: 'past 5000.00 today',
      given: (t) => {
        ok(t, payMerchant(LI, RINGTONES, 499_500n, 'bank', true), { pin: 'match' })
      },
      when: (t) => t.run(topUp(LI, LI, 501n)),
    },
    {
      reason: 'insufficient_funds',
      name: 'from an empty wallet',
      when: (t) => t.run(topUp(ZHANG, ZHANG, 1_000n)),
    },
  ])
})

describe('LOAD: refusals by descending precedence', () => {
  refusalTable([
    {
      reason: 'idempotency_key_reused',
      name: 'the key of an earlier LOAD, for another amount',
      given: (t) => {
        ok(t, loadWallet(LI, 1_000n), { key: 'sms:8' })
      },
      when: (t) => t.run(loadWallet(LI, 2_000n), { key: 'sms:8' }),
    },
    {
      reason: 'amount_not_positive',
      name: 'zero, from an unregistered number',
      when: (t) => t.run(loadWallet(NOBODY, 0n)),
    },
    {
      reason: 'payer_not_registered',
      name: 'from an unregistered number',
      when: (t) => t.run(loadWallet(NOBODY, 1_000n)),
    },
    {
      reason: 'subscriber_locked',
      name: 'locked, with the right PIN now',
      given: (t) => lockOut(t, LI),
      when: (t) => t.run(loadWallet(LI, 1_000n, true), { pin: 'match' }),
    },
    {
      reason: 'account_not_available',
      name: 'without a card, over the card maximum',
      when: (t) => t.run(loadWallet(HAN, 5_000_001n)),
    },
    {
      reason: 'pin_required',
      name: 'at once without the PIN',
      when: (t) => t.run(loadWallet(LI, 1_000n, true)),
    },
    {
      reason: 'pin_incorrect',
      name: 'a wrong PIN, past the wallet cap',
      when: (t) => t.run(loadWallet(LI, 1_000_000n, true), { pin: 'mismatch' }),
    },
    {
      reason: 'pin_attempts_exceeded',
      name: 'the third wrong PIN in a row',
      given: (t) => {
        t.run(loadWallet(LI, 1_000n, true), { pin: 'mismatch' })
        t.run(loadWallet(LI, 1_000n, true), { pin: 'mismatch' })
      },
      when: (t) => t.run(loadWallet(LI, 1_000n, true), { pin: 'mismatch' }),
    },
    {
      reason: 'amount_above_payment_max',
      name: 'over the card maximum and past the wallet cap',
      when: (t) => t.run(loadWallet(LI, 5_000_001n)),
    },
    {
      reason: 'wallet_cap_exceeded',
      name: 'one fen past the 10000.00 the wallet may hold',
      when: (t) => t.run(loadWallet(LI, 950_001n)),
    },
    {
      reason: 'wallet_cap_exceeded',
      name: 'fits alone, but not with an earlier LOAD still waiting for the bank',
      given: (t) => {
        ok(t, loadWallet(LI, 500_000n, true), { pin: 'match' })
      },
      when: (t) => t.run(loadWallet(LI, 450_001n, true), { pin: 'match' }),
    },
  ])
})

describe('SEND: refusals by descending precedence', () => {
  refusalTable([
    {
      reason: 'idempotency_key_reused',
      name: 'the key of an earlier SEND, to another subscriber',
      given: (t) => {
        ok(t, sendMoney(LI, HAN, 1_000n), { key: 'sms:9' })
      },
      when: (t) => t.run(sendMoney(LI, ZHANG, 1_000n), { key: 'sms:9' }),
    },
    {
      reason: 'amount_not_positive',
      name: 'zero, to an unregistered number',
      when: (t) => t.run(sendMoney(LI, NOBODY, 0n)),
    },
    {
      reason: 'payer_not_registered',
      name: 'from an unregistered number',
      when: (t) => t.run(sendMoney(NOBODY, LI, 1_000n)),
    },
    {
      reason: 'subscriber_locked',
      name: 'locked, to oneself',
      given: (t) => lockOut(t, LI),
      when: (t) => t.run(sendMoney(LI, LI, 1_000n)),
    },
    {
      reason: 'payee_not_registered',
      name: 'to an unregistered number, more than the wallet holds',
      when: (t) => t.run(sendMoney(HAN, NOBODY, 1_000_000n)),
    },
    {
      reason: 'payee_is_payer',
      name: 'to oneself, over the wallet maximum',
      when: (t) => t.run(sendMoney(LI, LI, 200_001n)),
    },
    {
      reason: 'pin_required',
      name: 'at once without the PIN',
      when: (t) => t.run(sendMoney(LI, HAN, 1_000n, true)),
    },
    {
      reason: 'pin_incorrect',
      name: 'a wrong PIN, more than the wallet holds',
      when: (t) => t.run(sendMoney(HAN, LI, 5_000n, true), { pin: 'mismatch' }),
    },
    {
      reason: 'amount_above_payment_max',
      name: 'over the wallet maximum of 2000.00',
      when: (t) => t.run(sendMoney(LI, HAN, 200_001n)),
    },
    {
      reason: 'daily_limit_exceeded',
      name: 'past 5000.00 today',
      given: (t) => {
        ok(t, payMerchant(LI, RINGTONES, 499_500n, 'bank', true), { pin: 'match' })
      },
      when: (t) => t.run(sendMoney(LI, HAN, 501n)),
    },
    {
      reason: 'insufficient_funds',
      name: 'from an empty wallet to a full one',
      given: fillLiWallet,
      when: (t) => t.run(sendMoney(ZHANG, LI, 1n)),
    },
    {
      reason: 'wallet_cap_exceeded',
      name: 'to a wallet already holding 10000.00',
      given: fillLiWallet,
      when: (t) => t.run(sendMoney(HAN, LI, 1n)),
    },
    {
      reason: 'wallet_cap_exceeded',
      name: 'to a wallet a pending LOAD will fill to 10000.00',
      given: (t) => {
        ok(t, loadWallet(LI, 950_000n, true), { pin: 'match' })
      },
      when: (t) => t.run(sendMoney(HAN, LI, 1n)),
    },
  ])
})

describe('MSISDNs as typed (SEND <msisdn>, TOPUP <amount> <msisdn>)', () => {
  for (const typed of [
    '8613800138001',
    '+8613800138001',
    '008613800138001',
    ' +86 138-0013-8001 ',
  ]) {
    it(`reads "${typed}" as 8613800138001`, () => {
      expect(normalizeMsisdn(typed)).toBe(HAN)
    })
  }
  for (const typed of ['12345', '0613800138001', '86138001380011234', 'abc']) {
    it(`refuses "${typed}" (msisdn_invalid at the edge)`, () => {
      expect(normalizeMsisdn(typed)).toBeNull()
    })
  }
})

describe('TOPUP, LOAD and SEND: what they do', () => {
  let t: TestLedger
  beforeEach(async () => {
    t = await openTestLedger()
  })
  afterEach(async () => {
    await t.close()
  })

  it("tops up one's own phone bill from the wallet, without a fee", async () => {
    ok(t, topUp(LI, LI, 3_000n))
    const paid = ok(t, confirm(LI), { pin: 'match' })
    expect(paid.reference).toMatch(TRANSFER_REF)
    expect(await t.balance(LI, 'wallet')).toBe(47_000n)
    expect(await t.balance(LI, 'phone_bill')).toBe(8_000n)
    expect(partyBalance(t, 'operator_fees') + partyBalance(t, 'platform_fees')).toBe(0n)
    await expectBalanced(t)
  })

  it('gives airtime to another number from the phone bill, with YES alone', async () => {
    ok(t, topUp(LI, HAN, 5_000n, 'phone_bill'))
    ok(t, confirm(LI))
    expect(await t.balance(LI, 'phone_bill')).toBe(0n)
    expect(await t.balance(HAN, 'phone_bill')).toBe(7_000n)
    await expectBalanced(t)
  })

  it('loads the wallet from the card: reserved first, credited as the bank captures', async () => {
    const reserved = ok(t, loadWallet(LI, 20_000n, true), { pin: 'match' })
    expect(reserved.bankStep).toMatchObject({ op: 'capture', amountMinor: 20_000n })
    expect(reservedOnCard(t, LI)).toBe(20_000n)
    expect(await t.balance(LI, 'wallet')).toBe(50_000n)
    const captured = ok(t, bankOutcome(paymentIdOf(reserved), 'captured'))
    expect(captured.reference).toMatch(TRANSFER_REF)
    expect(reservedOnCard(t, LI)).toBe(0n)
    expect(await t.balance(LI, 'wallet')).toBe(70_000n)
    expect(await t.balance(LI, 'bank')).toBe(-20_000n)
    await expectBalanced(t)
  })

  it('two LOADs waiting for the bank never fill the wallet past 10000.00', async () => {
    const first = ok(t, loadWallet(LI, 500_000n, true), { pin: 'match' })
    expect(t.run(loadWallet(LI, 450_001n, true), { pin: 'match' }).reason).toBe(
      'wallet_cap_exceeded',
    )
    const second = ok(t, loadWallet(LI, 450_000n, true), { pin: 'match' })
    ok(t, bankOutcome(paymentIdOf(first), 'captured'))
    ok(t, bankOutcome(paymentIdOf(second), 'captured'))
    expect(await t.balance(LI, 'wallet')).toBe(1_000_000n)
    await expectBalanced(t)
  })

  it('a declined LOAD frees its room under the cap', async () => {
    const declined = ok(t, loadWallet(LI, 950_000n, true), { pin: 'match' })
    expect(t.run(sendMoney(HAN, LI, 1n, true), { pin: 'match' }).reason).toBe('wallet_cap_exceeded')
    t.run(bankOutcome(paymentIdOf(declined), 'declined'))
    ok(t, sendMoney(HAN, LI, 1n, true), { pin: 'match' })
    expect(await t.balance(LI, 'wallet')).toBe(50_001n)
  })

  it('loads up to exactly the 10000.00 cap', async () => {
    fillLiWallet(t)
    expect(await t.balance(LI, 'wallet')).toBe(1_000_000n)
    expect(t.run(loadWallet(LI, 1n)).reason).toBe('wallet_cap_exceeded')
  })

  it('does not count a LOAD to the daily limit: it moves money between own accounts', async () => {
    ok(t, payMerchant(LI, RINGTONES, 500_000n, 'bank', true), { pin: 'match' })
    payByCard(t, loadWallet(LI, 10_000n, true))
    expect(await t.balance(LI, 'wallet')).toBe(60_000n)
  })

  it('sends money from wallet to wallet, after YES and the PIN', async () => {
    ok(t, sendMoney(LI, HAN, 10_000n))
    const sent = ok(t, confirm(LI), { pin: 'match' })
    expect(sent.reference).toMatch(TRANSFER_REF)
    expect(sent.payment).toMatchObject({ kind: 'send', payeeMsisdn: HAN, feeMinor: 0n })
    expect(await t.balance(LI, 'wallet')).toBe(40_000n)
    expect(await t.balance(HAN, 'wallet')).toBe(12_000n)
    await expectBalanced(t)
  })
})
