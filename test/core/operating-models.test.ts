/**
 * operating-models.test.ts - the four operating models as data, and what each decides. One table:
 * for every model, funding account, micro- or macro-payment (40.00 or 200.00, either side of the
 * 50.00 line) and a merchant of the card's own bank or another (Li's ICBC card; 1001 settles with
 * ICBC, 2001 with CCB), the payment is either refused with its reason and moves nothing, or it
 * completes and the 1.00 % fee is split by the model's shares (bank, operator, platform, in fen).
 * Then the refusals' texts, the other payments a model rules on, a merchant's request, a payment
 * confirmed after a restart in another model, and the table's start-up check and names.
 */
import { rmSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import type { FundingKind, OperatingModelId, Reason } from '../../src/core/index.js'
import {
  checkOperatingModels,
  creditInstitutionOf,
  defaultLimits,
  operatingModels,
  partyNameOf,
} from '../../src/core/index.js'
import { SqliteLedger } from '../../src/ledger/sqlite-ledger.js'
import type { TestLedger } from '../support/ledger-fixture.js'
import { openTestLedger } from '../support/ledger-fixture.js'
import {
  bankOutcome,
  confirm,
  expectBalanced,
  HAN,
  LI,
  loadWallet,
  merchantBalance,
  moneySnapshot,
  partyBalance,
  payMerchant,
  paymentIdOf,
  RINGTONES,
  requestPayment,
  sendMoney,
  topUp,
  WATER,
  ZHANG,
} from './helpers.js'

type Size = 'micro' | 'macro'
type MerchantBank = 'same bank' | 'other bank'
/** Fee shares in fen: bank, operator, platform. */
type Shares = readonly [bigint, bigint, bigint]
type Row = readonly [OperatingModelId, FundingKind, Size, MerchantBank, Reason | Shares]

const amountOf: Record<Size, bigint> = { micro: 4_000n, macro: 20_000n }
const merchantOf: Record<MerchantBank, string> = { 'same bank': RINGTONES, 'other bank': WATER }

const rows: readonly Row[] = [
  ['cooperative', 'phone_bill', 'micro', 'same bank', [0n, 28n, 12n]],
  ['cooperative', 'phone_bill', 'micro', 'other bank', [0n, 28n, 12n]],
  ['cooperative', 'phone_bill', 'macro', 'same bank', 'amount_above_payment_max'],
  ['cooperative', 'phone_bill', 'macro', 'other bank', 'amount_above_payment_max'],
  ['cooperative', 'wallet', 'micro', 'same bank', [0n, 12n, 28n]],
  ['cooperative', 'wallet', 'micro', 'other bank', [0n, 12n, 28n]],
  ['cooperative', 'wallet', 'macro', 'same bank', [0n, 60n, 140n]],
  ['cooperative', 'wallet', 'macro', 'other bank', [0n, 60n, 140n]],
  ['cooperative', 'bank', 'micro', 'same bank', [20n, 8n, 12n]],
  ['cooperative', 'bank', 'micro', 'other bank', [20n, 8n, 12n]],
  ['cooperative', 'bank', 'macro', 'same bank', [100n, 40n, 60n]],
  ['cooperative', 'bank', 'macro', 'other bank', [100n, 40n, 60n]],

  ['operator', 'phone_bill', 'micro', 'same bank', [0n, 32n, 8n]],
  ['operator', 'phone_bill', 'micro', 'other bank', [0n, 32n, 8n]],
  ['operator', 'phone_bill', 'macro', 'same bank', 'amount_above_payment_max'],
  ['operator', 'phone_bill', 'macro', 'other bank', 'amount_above_payment_max'],
  ['operator', 'wallet', 'micro', 'same bank', [0n, 8n, 32n]],
  ['operator', 'wallet', 'micro', 'other bank', [0n, 8n, 32n]],
  ['operator', 'wallet', 'macro', 'same bank', [0n, 40n, 160n]],
  ['operator', 'wallet', 'macro', 'other bank', [0n, 40n, 160n]],
  ['operator', 'bank', 'micro', 'same bank', [12n, 8n, 20n]],
  ['operator', 'bank', 'micro', 'other bank', [12n, 8n, 20n]],
  ['operator', 'bank', 'macro', 'same bank', [60n, 40n, 100n]],
  ['operator', 'bank', 'macro', 'other bank', [60n, 40n, 100n]],

  ['bank', 'phone_bill', 'micro', 'same bank', 'account_not_offered'],
  ['bank', 'phone_bill', 'micro', 'other bank', 'account_not_offered'],
  ['bank', 'phone_bill', 'macro', 'same bank', 'account_not_offered'],
  ['bank', 'phone_bill', 'macro', 'other bank', 'account_not_offered'],
  ['bank', 'wallet', 'micro', 'same bank', 'account_not_offered'],
  ['bank', 'wallet', 'micro', 'other bank', 'account_not_offered'],
  ['bank', 'wallet', 'macro', 'same bank', 'account_not_offered'],
  ['bank', 'wallet', 'macro', 'other bank', 'account_not_offered'],
  ['bank', 'bank', 'micro', 'same bank', [24n, 8n, 8n]],
  ['bank', 'bank', 'micro', 'other bank', 'merchant_bank_mismatch'],
  ['bank', 'bank', 'macro', 'same bank', [120n, 40n, 40n]],
  ['bank', 'bank', 'macro', 'other bank', 'merchant_bank_mismatch'],

  ['third_party', 'phone_bill', 'micro', 'same bank', 'account_not_offered'],
  ['third_party', 'phone_bill', 'micro', 'other bank', 'account_not_offered'],
  ['third_party', 'phone_bill', 'macro', 'same bank', 'account_not_offered'],
  ['third_party', 'phone_bill', 'macro', 'other bank', 'account_not_offered'],
  ['third_party', 'wallet', 'micro', 'same bank', [0n, 10n, 30n]],
  ['third_party', 'wallet', 'micro', 'other bank', [0n, 10n, 30n]],
  ['third_party', 'wallet', 'macro', 'same bank', [0n, 50n, 150n]],
  ['third_party', 'wallet', 'macro', 'other bank', [0n, 50n, 150n]],
  ['third_party', 'bank', 'micro', 'same bank', [16n, 8n, 16n]],
  ['third_party', 'bank', 'micro', 'other bank', [16n, 8n, 16n]],
  ['third_party', 'bank', 'macro', 'same bank', [80n, 40n, 80n]],
  ['third_party', 'bank', 'macro', 'other bank', [80n, 40n, 80n]],
]

function shares(t: TestLedger): Shares {
  return [
    partyBalance(t, 'bank_fees'),
    partyBalance(t, 'operator_fees'),
    partyBalance(t, 'platform_fees'),
  ]
}

async function ledgerUnder(model: OperatingModelId): Promise<TestLedger> {
  return openTestLedger({ limits: { ...defaultLimits, operatingModel: model } })
}

describe('what each operating model decides', () => {
  it('has a row for every model, account, size and merchant bank', () => {
    const keys = new Set(
      rows.map(([model, funding, size, bank]) => [model, funding, size, bank].join()),
    )
    expect(keys.size).toBe(4 * 3 * 2 * 2)
  })

  it.each(rows)(
    '%s: %s, %s-payment to a merchant of the %s',
    async (model, funding, size, bank, expected) => {
      const t = await ledgerUnder(model)
      try {
        const merchant = merchantOf[bank]
        const amount = amountOf[size]
        const before = moneySnapshot(t)
        // Li confirms with the PIN at once; a phone-bill micro-payment needs none (SIM identity).
        const pin = funding === 'phone_bill' ? 'absent' : 'match'
        const paid = t.run(payMerchant(LI, merchant, amount, funding, true), { pin })
        if (typeof expected === 'string') {
          expect(paid.reason).toBe(expected)
          expect(moneySnapshot(t)).toEqual(before)
          return
        }
        expect(paid.reason).toBeNull()
        const done = funding === 'bank' ? t.run(bankOutcome(paymentIdOf(paid), 'captured')) : paid
        expect(done.payment?.state).toBe('completed')
        const fee = expected[0] + expected[1] + expected[2]
        expect(done.payment?.feeMinor).toBe(fee)
        expect(shares(t)).toEqual(expected)
        expect(merchantBalance(t, merchant)).toBe(amount - fee)
        await expectBalanced(t)
      } finally {
        await t.close()
      }
    },
  )
})

describe('the refusals of a model say what they refuse', () => {
  it('shows the micro-payment line when the phone bill is asked for more', async () => {
    const t = await openTestLedger()
    try {
      const refused = t.run(payMerchant(LI, RINGTONES, 5_001n, 'phone_bill'))
      expect(refused.reason).toBe('amount_above_payment_max')
      expect(refused.message.params).toEqual({ max: '50.00', account: 'phone_bill' })
    } finally {
      await t.close()
    }
  })

  it('moves the line with limits.phoneBillPaymentMaxMinor, and says where it is', async () => {
    const limits = { ...defaultLimits, phoneBillPaymentMaxMinor: 3_000n }
    const t = await openTestLedger({ limits })
    try {
      const refused = t.run(payMerchant(LI, RINGTONES, 4_000n, 'phone_bill'))
      expect(refused.reason).toBe('amount_above_payment_max')
      expect(refused.message.params).toEqual({ max: '30.00', account: 'phone_bill' })
      expect(t.run(payMerchant(LI, RINGTONES, 3_000n, 'phone_bill')).ok).toBe(true)
    } finally {
      await t.close()
    }
  })

  it('names the account a model does not offer, and the bank a card is bound to', async () => {
    const t = await ledgerUnder('bank')
    try {
      const wallet = t.run(payMerchant(LI, RINGTONES, 4_000n, 'wallet'))
      expect(wallet.reason).toBe('account_not_offered')
      expect(wallet.message.params).toEqual({ account: 'wallet' })
      const otherBank = t.run(payMerchant(ZHANG, RINGTONES, 4_000n, 'bank'))
      expect(otherBank.reason).toBe('merchant_bank_mismatch')
      expect(otherBank.message.params).toEqual({ bank: 'CCB' })
    } finally {
      await t.close()
    }
  })
})

describe('the payments besides merchant payments under a model', () => {
  it('bank: no wallet to load or send from; airtime by card pays the operator', async () => {
    const t = await ledgerUnder('bank')
    try {
      const load = t.run(loadWallet(LI, 10_000n))
      expect(load.reason).toBe('account_not_offered')
      expect(load.message.params).toEqual({ account: 'wallet' })
      expect(t.run(sendMoney(LI, HAN, 1_000n)).reason).toBe('account_not_offered')
      expect(t.run(topUp(LI, HAN, 2_000n, 'phone_bill')).reason).toBe('account_not_offered')
      const airtime = t.run(topUp(LI, HAN, 2_000n, 'bank', true), { pin: 'match' })
      expect(airtime.reason).toBeNull()
      expect(airtime.bankStep?.op).toBe('capture')
    } finally {
      await t.close()
    }
  })

  it('third_party: any card loads the provider-held wallet, which sends to others', async () => {
    const t = await ledgerUnder('third_party')
    try {
      const load = t.run(loadWallet(ZHANG, 10_000n, true), { pin: 'match' })
      expect(load.reason).toBeNull()
      t.run(bankOutcome(paymentIdOf(load), 'captured'))
      expect(await t.balance(ZHANG, 'wallet')).toBe(10_000n)
      expect(t.run(sendMoney(ZHANG, HAN, 1_000n, true), { pin: 'match' }).reason).toBeNull()
      expect(t.run(topUp(LI, LI, 2_000n, 'wallet', true), { pin: 'match' }).reason).toBeNull()
    } finally {
      await t.close()
    }
  })

  it("refuses a merchant's request by the same rules before the subscriber is asked", async () => {
    const bank = await ledgerUnder('bank')
    try {
      expect(bank.run(requestPayment(RINGTONES, LI, 4_000n, 'phone_bill')).reason).toBe(
        'account_not_offered',
      )
      expect(bank.run(requestPayment(RINGTONES, ZHANG, 4_000n, 'bank')).reason).toBe(
        'merchant_bank_mismatch',
      )
      const asked = bank.run(requestPayment(WATER, ZHANG, 4_000n, 'bank'))
      expect(asked.payment?.state).toBe('awaiting_authorization')
    } finally {
      await bank.close()
    }
    const provider = await ledgerUnder('third_party')
    try {
      // Banks interconnect through the provider: Zhang's CCB card pays an ICBC merchant.
      const asked = provider.run(requestPayment(RINGTONES, ZHANG, 4_000n, 'bank'))
      expect(asked.payment?.state).toBe('awaiting_authorization')
    } finally {
      await provider.close()
    }
  })
})

describe('a restart in another model', () => {
  it('declines at YES a payment left waiting, by the running model', async () => {
    const t = await openTestLedger()
    const waiting = t.run(payMerchant(LI, RINGTONES, 2_000n, 'wallet'))
    expect(waiting.payment?.state).toBe('awaiting_authorization')
    await t.ledger.close()
    const limits = { ...defaultLimits, operatingModel: 'bank' as const }
    const restarted = new SqliteLedger(join(t.dir, 'ledger.sqlite'), limits)
    try {
      const [outcome] = restarted.executeBatchNow([t.envelope(confirm(LI), { pin: 'match' })])
      expect(outcome?.ok && outcome.result.reason).toBe('account_not_offered')
      expect(outcome?.ok && outcome.result.payment?.state).toBe('declined')
    } finally {
      await restarted.close()
      rmSync(t.dir, { recursive: true, force: true })
    }
  })
})

describe('the operating model table', () => {
  it('passes its start-up check', () => {
    expect(checkOperatingModels()).toEqual([])
  })

  it('names the model and what is wrong in a broken row', () => {
    const broken = {
      ...operatingModels,
      bank: {
        ...operatingModels.bank,
        accounts: ['wallet'] as const,
        feeShares: {
          wallet: [['platform_fees', 90n]] as const,
          bank: [['bank_fees', 100n]] as const,
        },
        partyNames: { ...operatingModels.bank.partyNames, platform_fees: ' ' },
      },
    }
    expect(checkOperatingModels(broken)).toEqual([
      'bank: must offer the bank account',
      'bank: wallet fee shares add up to 90, not 100',
      'bank: fee shares for bank, not offered',
      'bank: platform_fees has no name',
    ])
  })

  it('names the parties of each model', () => {
    expect(partyNameOf('cooperative', 'platform_fees')).toBe('platform')
    expect(partyNameOf('operator', 'platform_fees')).toBe('operator')
    expect(partyNameOf('third_party', 'platform_fees')).toBe('provider')
    expect(partyNameOf('bank', 'bank_fees')).toBe('bank')
  })

  it('names the credit institution of a payment: operator, wallet holder, card bank', () => {
    expect(creditInstitutionOf('cooperative', 'phone_bill', null)).toBe('operator')
    expect(creditInstitutionOf('cooperative', 'wallet', null)).toBe('platform')
    expect(creditInstitutionOf('operator', 'wallet', null)).toBe('operator')
    expect(creditInstitutionOf('third_party', 'wallet', null)).toBe('provider')
    expect(creditInstitutionOf('bank', 'bank', 'CCB')).toBe('CCB')
    expect(creditInstitutionOf('third_party', 'bank', 'ICBC')).toBe('ICBC')
  })
})
