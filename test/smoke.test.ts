import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { TestLedger } from './support/ledger-fixture.js'
import { openTestLedger } from './support/ledger-fixture.js'

describe('a payment through the SQLite ledger', () => {
  let t: TestLedger
  beforeEach(async () => {
    t = await openTestLedger()
  })
  afterEach(async () => {
    await t.close()
  })

  it('asks for confirmation, then pays the merchant net of the fee on YES + PIN', async () => {
    const asked = t.run({
      kind: 'pay_merchant',
      msisdn: '8613800138000',
      merchantCode: '1001',
      amountMinor: 2500n,
      funding: 'wallet',
      authorize: false,
    })
    expect(asked.ok).toBe(true)
    expect(asked.message.key).toBe('payment.confirm_pin')
    expect(await t.balance('8613800138000', 'wallet')).toBe(50_000n)
    const paid = t.run({ kind: 'confirm', msisdn: '8613800138000' }, { pin: 'match' })
    expect(paid.ok).toBe(true)
    expect(paid.reference).toMatch(/^T[0-9A-Z]{6}$/)
    expect(await t.balance('8613800138000', 'wallet')).toBe(47_500n)
    const check = await t.ledger.check()
    expect(check.balanced).toBe(true)
  })
})
