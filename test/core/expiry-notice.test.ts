import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { Message } from '../../src/core/index.js'
import { renderMessage } from '../../src/gateway/reply/index.js'
import { decodeJson } from '../../src/ledger/codec.js'
import type { TestLedger } from '../support/ledger-fixture.js'
import { openTestLedger } from '../support/ledger-fixture.js'

function smsTo(t: TestLedger, msisdn: string): string[] {
  const rows = t.ledger.db
    .prepare("SELECT payload FROM outbox WHERE kind = 'sms' ORDER BY id")
    .all() as { payload: string }[]
  return rows
    .map((row) =>
      decodeJson<{ msisdn: string; language: 'en' | 'zh'; message: Message }>(row.payload),
    )
    .filter((sms) => sms.msisdn === msisdn)
    .map((sms) => renderMessage(sms.message, sms.language))
}

describe('a payment nobody confirms', () => {
  let t: TestLedger
  beforeEach(async () => {
    t = await openTestLedger()
  })
  afterEach(async () => {
    await t.close()
  })

  it('expires at the sweep after 120 s; an SMS in their language says nothing was taken', () => {
    t.run({
      kind: 'pay_merchant',
      msisdn: '8613800138001',
      merchantCode: '1001',
      amountMinor: 1_000n,
      funding: 'wallet',
      authorize: false,
    })
    t.nowMs += 119_999
    expect(t.run({ kind: 'expire_due' }).data).toEqual({ kind: 'expired', paymentIds: [] })
    expect(smsTo(t, '8613800138001')).toEqual([])
    t.nowMs += 1
    const swept = t.run({ kind: 'expire_due' })
    expect(swept.data).toMatchObject({ kind: 'expired', paymentIds: [expect.stringMatching(/^P/)] })
    const notices = smsTo(t, '8613800138001')
    expect(notices).toHaveLength(1)
    expect(notices[0]).toContain('10.00')
    expect(notices[0]).toContain('Ringtone Store')
    expect(notices[0]).toContain('未扣款')
    expect(t.run({ kind: 'confirm', msisdn: '8613800138001' }, { pin: 'match' }).reason).toBe(
      'no_pending_payment',
    )
  })
})
