/**
 * payment-search.test.ts - the operator's search of payments (SqliteLedger.searchPayments) reads
 * a bounded stretch of history a page: a filter that matches nothing among the newest payments
 * answers a short page that says where to go on, and the pages walked that way find every match,
 * of all payments and of one subscriber's; a search without a bound's stop ends with no next page.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { PaymentSearch } from '../../src/ledger/store.js'
import { CINEMA, HAN, LI, payMerchant, RINGTONES } from '../core/helpers.js'
import type { TestLedger } from '../support/ledger-fixture.js'
import { openTestLedger } from '../support/ledger-fixture.js'

let t: TestLedger
beforeEach(async () => {
  t = await openTestLedger()
})
afterEach(async () => {
  await t.close()
})

/** Every id a search finds, following its pages; and how many pages it took. */
async function walk(search: Omit<PaymentSearch, 'beforeSeq'>): Promise<[string[], number]> {
  const ids: string[] = []
  let beforeSeq: number | null = null
  let pages = 0
  do {
    const page = await t.ledger.searchPayments({ ...search, beforeSeq })
    pages += 1
    ids.push(...page.payments.map((payment) => payment.id))
    beforeSeq = page.nextBeforeSeq
  } while (beforeSeq !== null && pages < 50)
  return [ids, pages]
}

describe('searchPayments', () => {
  it('reads at most scanRowsMax payments a page and says where to go on', async () => {
    const cinema = t.run(payMerchant(LI, CINEMA, 100n), { channel: 'ussd' }).payment?.id
    for (let index = 0; index < 6; index += 1)
      t.run(payMerchant(index % 2 === 0 ? LI : HAN, RINGTONES, 100n), { channel: 'sms' })
    const search = {
      msisdn: null,
      limit: 5,
      states: null,
      channel: null,
      merchantCode: CINEMA,
      reference: null,
      scanRowsMax: 3,
    }
    const first = await t.ledger.searchPayments({ ...search, beforeSeq: null })
    expect(first.payments).toEqual([])
    expect(first.nextBeforeSeq).not.toBeNull()
    expect(await walk(search)).toEqual([[cinema], 3])
    // One subscriber's: LI's four payments, read three at a time.
    const ofLi = await walk({ ...search, msisdn: LI, merchantCode: null, channel: 'sms' })
    expect(ofLi[0]).toHaveLength(3)
    expect(await walk({ ...search, msisdn: LI })).toEqual([[cinema], 2])
  })
})
