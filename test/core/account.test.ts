/**
 * account.test.ts - a subscriber's own affairs: BAL, HIST, registration and PIN <old> <new>.
 * The core never sees a PIN: the PIN check outcome and the new PIN's hash come in the envelope
 * (`newPinHash: null` means the new PIN was not four to six digits).
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { BalanceLine, StatementRow } from '../../src/core/index.js'
import { defaultLimits, formatAmount } from '../../src/core/index.js'
import type { TestLedger } from '../support/ledger-fixture.js'
import { openTestLedger } from '../support/ledger-fixture.js'
import {
  balance,
  changePin,
  confirm,
  expectBalanced,
  HAN,
  LI,
  lockOut,
  NOBODY,
  ok,
  payBill,
  payMerchant,
  RINGTONES,
  refusalTable,
  sendMoney,
  statement,
  TRANSFER_REF,
  WATER,
  ZHANG,
} from './helpers.js'

/** Numbers register themselves under the third-party model only. */
const thirdParty = { ...defaultLimits, operatingModel: 'third_party' as const }

const register = (msisdn: string) => ({
  kind: 'register' as const,
  msisdn,
  name: 'Wang Fang',
  language: 'zh' as const,
})

async function pinHashOf(t: TestLedger, msisdn: string): Promise<string | undefined> {
  return (await t.ledger.subscriber(msisdn))?.subscriber.pinHash
}

function linesOf(t: TestLedger, msisdn: string): readonly BalanceLine[] {
  const result = ok(t, balance(msisdn))
  if (result.data?.kind !== 'balances') throw new Error('no balances')
  return result.data.lines
}

function rowsOf(t: TestLedger, msisdn: string): readonly StatementRow[] {
  const result = ok(t, statement(msisdn))
  if (result.data?.kind !== 'statement') throw new Error('no statement')
  return result.data.rows
}

describe('BAL: refusals by descending precedence', () => {
  refusalTable([
    {
      reason: 'payer_not_registered',
      name: 'an unregistered number',
      when: (t) => t.run(balance(NOBODY)),
    },
    {
      reason: 'subscriber_locked',
      name: 'locked by three wrong PINs',
      given: (t) => lockOut(t, LI),
      when: (t) => t.run(balance(LI)),
    },
  ])
})

describe('HIST: refusals by descending precedence', () => {
  refusalTable([
    {
      reason: 'payer_not_registered',
      name: 'an unregistered number',
      when: (t) => t.run(statement(NOBODY)),
    },
    {
      reason: 'subscriber_locked',
      name: 'locked by three wrong PINs',
      given: (t) => lockOut(t, LI),
      when: (t) => t.run(statement(LI)),
    },
  ])
})

describe('registration: refusals by descending precedence', () => {
  refusalTable([
    {
      reason: 'idempotency_key_reused',
      name: 'the key of an earlier registration, for another number',
      given: (t) => {
        ok(t, register(NOBODY), { key: 'ussd:r1:2', newPinHash: 'fake$2468' })
      },
      when: (t) => t.run(register('8613700137001'), { key: 'ussd:r1:2', newPinHash: 'fake$2468' }),
      limits: thirdParty,
    },
    {
      reason: 'pin_format_invalid',
      name: 'no valid PIN, for a number already registered, under a model without registration',
      when: (t) => t.run(register(LI), { newPinHash: null }),
    },
    {
      reason: 'registration_not_offered',
      name: 'a new number, under a model whose operator or bank registers its subscribers',
      when: (t) => t.run(register(NOBODY), { newPinHash: 'fake$2468' }),
    },
    {
      reason: 'already_registered',
      name: 'a number already registered',
      when: (t) => t.run(register(LI), { newPinHash: 'fake$2468' }),
      limits: thirdParty,
    },
  ])
})

describe('PIN <old> <new>: refusals by descending precedence', () => {
  refusalTable([
    {
      reason: 'idempotency_key_reused',
      name: 'the key of an earlier PIN change, from another number',
      given: (t) => {
        ok(t, changePin(LI), { key: 'sms:300', pin: 'match', newPinHash: 'fake$5678' })
      },
      when: (t) => t.run(changePin(HAN), { key: 'sms:300', pin: 'match', newPinHash: 'fake$5678' }),
    },
    {
      reason: 'pin_format_invalid',
      name: 'a new PIN that is not a PIN, from an unregistered number',
      when: (t) => t.run(changePin(NOBODY), { pin: 'match', newPinHash: null }),
    },
    {
      reason: 'pin_format_invalid',
      name: 'a new PIN that is not a PIN, while locked',
      given: (t) => lockOut(t, LI),
      when: (t) => t.run(changePin(LI), { pin: 'match', newPinHash: null }),
    },
    {
      reason: 'payer_not_registered',
      name: 'an unregistered number',
      when: (t) => t.run(changePin(NOBODY), { pin: 'match', newPinHash: 'fake$5678' }),
    },
    {
      reason: 'subscriber_locked',
      name: 'locked, with the right old PIN now',
      given: (t) => lockOut(t, LI),
      when: (t) => t.run(changePin(LI), { pin: 'match', newPinHash: 'fake$5678' }),
    },
    {
      reason: 'pin_required',
      name: 'without the old PIN',
      when: (t) => t.run(changePin(LI), { pin: 'absent', newPinHash: 'fake$5678' }),
    },
    {
      reason: 'pin_incorrect',
      name: 'a wrong old PIN',
      when: (t) => t.run(changePin(LI), { pin: 'mismatch', newPinHash: 'fake$5678' }),
    },
    {
      reason: 'pin_attempts_exceeded',
      name: 'the third wrong old PIN',
      given: (t) => {
        t.run(changePin(LI), { pin: 'mismatch', newPinHash: 'fake$5678' })
        t.run(changePin(LI), { pin: 'mismatch', newPinHash: 'fake$5678' })
      },
      when: (t) => t.run(changePin(LI), { pin: 'mismatch', newPinHash: 'fake$5678' }),
    },
  ])
})

describe('account commands: what they answer', () => {
  let t: TestLedger
  beforeEach(async () => {
    t = await openTestLedger()
  })
  afterEach(async () => {
    await t.close()
  })

  it('BAL shows every account of Li Lei, in English', () => {
    const result = ok(t, balance(LI))
    expect(result.language).toBe('en')
    expect(result.message.params).toMatchObject({ wallet: '500.00', phoneBill: '50.00' })
    expect(linesOf(t, LI)).toEqual([
      { funding: 'wallet', balanceMinor: 50_000n, creditLimitMinor: 0n, card: null },
      { funding: 'phone_bill', balanceMinor: 5_000n, creditLimitMinor: 10_000n, card: null },
      {
        funding: 'bank',
        balanceMinor: 0n,
        creditLimitMinor: 0n,
        card: { bank: 'ICBC', last4: '1234', token: expect.any(String) as string },
      },
    ])
  })

  it("BAL shows Han Meimei's two accounts, in Chinese, and no card", () => {
    expect(ok(t, balance(HAN)).language).toBe('zh')
    expect(linesOf(t, HAN).map((line) => [line.funding, line.balanceMinor])).toEqual([
      ['wallet', 2_000n],
      ['phone_bill', 2_000n],
    ])
  })

  it('BAL follows payments: a phone bill on credit shows below zero', () => {
    ok(t, payMerchant(LI, RINGTONES, 5_000n, 'phone_bill', true))
    ok(t, payMerchant(LI, RINGTONES, 3_000n, 'phone_bill', true))
    expect(ok(t, balance(LI)).message.params).toMatchObject({ phoneBill: '-30.00' })
  })

  it('BAL is a read: it is not kept under its key, so the key stays free', () => {
    ok(t, balance(LI), { key: 'sms:1' })
    ok(t, payMerchant(LI, RINGTONES, 100n), { key: 'sms:1' })
  })

  it('HIST with no payments says so', () => {
    expect(ok(t, statement(ZHANG)).message.key).toBe('statement.empty')
  })

  it('HIST lists the last five payments that moved money, newest first, with references', () => {
    for (const amount of [100n, 200n, 300n, 400n, 500n])
      ok(t, payMerchant(LI, RINGTONES, amount, 'wallet', true), { pin: 'match' })
    // A payment still waiting has moved nothing: it takes no slot of the five.
    ok(t, payBill(LI, WATER, 'ACC-1', 600n))
    const rows = rowsOf(t, LI)
    expect(rows.map((row) => [row.amountMinor, row.state])).toEqual([
      [500n, 'completed'],
      [400n, 'completed'],
      [300n, 'completed'],
      [200n, 'completed'],
      [100n, 'completed'],
    ])
    for (const row of rows) expect(row.reference).toMatch(TRANSFER_REF)
    expect(rows[0]).toMatchObject({ direction: 'out', counterparty: 'Ringtone Store' })
    // The SMS text shows the same rows, with references, and no internal state names.
    const text = ok(t, statement(LI)).message.params['rows'] ?? ''
    expect(text.split('; ')).toEqual(
      rows.map((row) => `${row.reference ?? ''} -${formatAmount(row.amountMinor)} Ringtone Store`),
    )
    expect(text).not.toMatch(/completed|awaiting/)
  })

  it('HIST shows money received from another subscriber as incoming', () => {
    ok(t, sendMoney(LI, HAN, 1_000n, true), { pin: 'match' })
    expect(rowsOf(t, HAN)).toEqual([
      expect.objectContaining({
        direction: 'in',
        counterparty: LI,
        amountMinor: 1_000n,
        state: 'completed',
      }),
    ])
    expect(rowsOf(t, LI)).toEqual([
      expect.objectContaining({ direction: 'out', counterparty: HAN }),
    ])
  })

  it('registers a number with an empty wallet and phone bill, to receive, then pay', async () => {
    await t.close()
    t = await openTestLedger({ limits: thirdParty })
    const registered = ok(t, register(NOBODY), { newPinHash: 'fake$2468' })
    expect(registered.message).toEqual({ key: 'registered', params: { name: 'Wang Fang' } })
    expect(registered.language).toBe('zh')
    expect(
      linesOf(t, NOBODY).map((line) => [line.funding, line.balanceMinor, line.creditLimitMinor]),
    ).toEqual([
      ['wallet', 0n, 0n],
      ['phone_bill', 0n, 0n],
    ])
    expect(await pinHashOf(t, NOBODY)).toBe('fake$2468')
    expect(t.run(payMerchant(NOBODY, RINGTONES, 100n)).reason).toBe('insufficient_funds')
    ok(t, sendMoney(LI, NOBODY, 1_000n, true), { pin: 'match' })
    ok(t, payMerchant(NOBODY, RINGTONES, 1_000n, 'wallet', true), { pin: 'match' })
    expect(await t.balance(NOBODY, 'wallet')).toBe(0n)
    expect(t.run(payMerchant(NOBODY, RINGTONES, 100n, 'bank')).reason).toBe('account_not_available')
    await expectBalanced(t)
  })

  it('registers a number the operator enters where no number registers itself', () => {
    // The default model (cooperative) refuses the number's own REG; the operator's is taken.
    expect(t.run(register(NOBODY), { newPinHash: 'fake$2468' }).reason).toBe(
      'registration_not_offered',
    )
    const byOperator = { ...register(NOBODY), by: 'operator' as const }
    expect(ok(t, byOperator, { newPinHash: 'fake$2468' }).message.key).toBe('registered')
  })

  it('a registered wallet holds at most 10000.00 like any other', async () => {
    await t.close()
    t = await openTestLedger({ limits: thirdParty })
    ok(t, register(NOBODY), { newPinHash: 'fake$2468' })
    for (let i = 0; i < 5; i += 1) ok(t, sendMoney(LI, NOBODY, 10_000n, true), { pin: 'match' })
    expect(linesOf(t, NOBODY)[0]?.balanceMinor).toBe(50_000n)
  })

  it('PIN changes the PIN with the right old one and clears earlier wrong ones', async () => {
    t.run(changePin(LI), { pin: 'mismatch', newPinHash: 'fake$5678' })
    t.run(changePin(LI), { pin: 'mismatch', newPinHash: 'fake$5678' })
    expect(await pinHashOf(t, LI)).toBe('fake$1234')
    const changed = ok(t, changePin(LI), { pin: 'match', newPinHash: 'fake$5678' })
    expect(changed.message.key).toBe('pin.changed')
    expect(JSON.stringify(changed.message.params)).not.toMatch(/5678|1234/)
    expect(await pinHashOf(t, LI)).toBe('fake$5678')
    // The wrong PINs before the change no longer count toward a lock.
    expect(t.run(changePin(LI), { pin: 'mismatch', newPinHash: 'fake$0000' }).reason).toBe(
      'pin_incorrect',
    )
  })

  it('a refused PIN change keeps the old PIN', async () => {
    t.run(changePin(LI), { pin: 'mismatch', newPinHash: 'fake$5678' })
    t.run(changePin(LI), { pin: 'absent', newPinHash: 'fake$5678' })
    t.run(changePin(LI), { pin: 'match', newPinHash: null })
    expect(await pinHashOf(t, LI)).toBe('fake$1234')
  })

  it('a YES after a PIN change still confirms with the new PIN', async () => {
    ok(t, payMerchant(LI, RINGTONES, 2_500n))
    ok(t, changePin(LI), { pin: 'match', newPinHash: 'fake$5678' })
    ok(t, confirm(LI), { pin: 'match' })
    expect(await t.balance(LI, 'wallet')).toBe(47_500n)
  })
})

describe('set_language', () => {
  let t: TestLedger
  beforeEach(async () => {
    t = await openTestLedger()
  })
  afterEach(async () => {
    await t.close()
  })

  const setLanguage = (msisdn: string, language: 'en' | 'zh') => ({
    kind: 'set_language' as const,
    msisdn,
    language,
  })

  it('answers in the new language from then on, on every command, and needs no PIN', () => {
    const changed = ok(t, setLanguage(LI, 'zh'))
    expect(changed).toMatchObject({ language: 'zh', message: { key: 'language.changed' } })
    expect(ok(t, balance(LI)).language).toBe('zh')
    ok(t, setLanguage(LI, 'en'))
    expect(ok(t, balance(LI)).language).toBe('en')
  })

  it('works while the subscriber is locked; refuses an unregistered number in its language', () => {
    lockOut(t, LI)
    expect(ok(t, setLanguage(LI, 'zh')).language).toBe('zh')
    expect(t.run(setLanguage(NOBODY, 'zh'))).toMatchObject({
      ok: false,
      reason: 'payer_not_registered',
      language: 'zh',
    })
  })
})

describe('verify_pin (a WAP login)', () => {
  let t: TestLedger
  beforeEach(async () => {
    t = await openTestLedger()
  })
  afterEach(async () => {
    await t.close()
  })
  const verify = (msisdn: string) => ({ kind: 'verify_pin' as const, msisdn })

  it('takes the right PIN, asks one if none came, counts wrong ones to the lock everywhere', () => {
    expect(ok(t, verify(LI), { pin: 'match' }).message.key).toBe('pin.verified')
    expect(t.run(verify(LI)).reason).toBe('pin_required')
    expect(t.run(verify(LI), { pin: 'mismatch' }).message.params).toEqual({ triesLeft: '2' })
    expect(t.run(verify(LI), { pin: 'mismatch' }).message.params).toEqual({ triesLeft: '1' })
    expect(t.run(verify(LI), { pin: 'mismatch' }).reason).toBe('pin_attempts_exceeded')
    expect(t.run(verify(LI), { pin: 'match' }).reason).toBe('subscriber_locked')
    expect(t.run(payMerchant(LI, RINGTONES, 100n, 'wallet', true), { pin: 'match' }).reason).toBe(
      'subscriber_locked',
    )
    expect(t.run(verify(NOBODY), { pin: 'match' }).reason).toBe('payer_not_registered')
  })
})
