/**
 * admin-console-calls.test.ts - the admin API calls the operator console added, over HTTP: the
 * unlock of a subscriber's PIN lock (keeping the PIN; refused with its reason, changing nothing;
 * through a console session only with the page's CSRF token), the limits used today on a
 * subscriber, one payment with its ledger transfers and legs (each summing to zero, a refund's
 * too), and the search of payments by status, channel, merchant and reference.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { GatewayFixture } from '../support/gateway-fixture.js'
import {
  ADMIN_TOKEN,
  CINEMA,
  HAN,
  HAN_PIN,
  LI,
  LI_PIN,
  NOBODY,
  RINGTONES,
  startTestGateway,
  TRANSFER_REF,
} from '../support/gateway-fixture.js'
import { webLogin } from '../support/web-login.js'

let t: GatewayFixture
beforeEach(async () => {
  t = await startTestGateway()
})
afterEach(async () => {
  await t.close()
})

async function lockOut(msisdn: string): Promise<void> {
  for (let attempt = 0; attempt < 3; attempt += 1)
    await t.phone({ kind: 'verify_pin', msisdn }, { pin: '9999' })
  expect((await t.subscriber(msisdn)).locked).toBe(true)
}

/** A payment from `msisdn`'s wallet to a merchant, confirmed with the PIN: its id. */
async function pay(
  msisdn: string,
  pin: string,
  merchantCode: string,
  amountMinor: bigint,
  channel = 'sms',
): Promise<string> {
  const asked = await t.phone(
    {
      kind: 'pay_merchant',
      msisdn,
      merchantCode,
      amountMinor,
      funding: 'wallet',
      authorize: false,
    },
    { channel },
  )
  const id = asked.payment?.id ?? ''
  expect((await t.confirm(msisdn, pin, channel)).ok).toBe(true)
  return id
}

describe('POST /admin/api/subscribers/:msisdn/unlock', () => {
  it('lifts the lock and keeps the PIN; again under its key, the same answer', async () => {
    await lockOut(LI)
    const unlocked = await t.request('POST', `/admin/api/subscribers/${LI}/unlock`, {
      token: ADMIN_TOKEN,
      headers: { 'idempotency-key': 'unlock-1' },
    })
    expect(unlocked.status).toBe(200)
    expect(unlocked.json).toMatchObject({ msisdn: LI, locked: false, lockedUntil: null })
    // The old PIN works at once: nothing else changed.
    expect((await t.phone({ kind: 'verify_pin', msisdn: LI }, { pin: LI_PIN })).ok).toBe(true)
    const again = await t.request('POST', `/admin/api/subscribers/${LI}/unlock`, {
      token: ADMIN_TOKEN,
      headers: { 'idempotency-key': 'unlock-1' },
    })
    expect(again.status).toBe(200)
  })

  it('refuses a number that is not registered or not a number, changing nothing', async () => {
    await lockOut(LI)
    const before = await t.subscriber(LI)
    const nobody = await t.admin('POST', `/admin/api/subscribers/${NOBODY}/unlock`)
    expect(nobody.status).toBe(422)
    expect(nobody.json.error).toBe('payer_not_registered')
    const invalid = await t.admin('POST', '/admin/api/subscribers/12ab/unlock')
    expect(invalid.status).toBe(400)
    expect(invalid.json.error).toBe('msisdn_invalid')
    expect(await t.subscriber(LI)).toEqual(before)
  })

  it("takes a console session only with the page's CSRF token", async () => {
    await lockOut(HAN)
    const session = await webLogin(t.url, '/console', ADMIN_TOKEN)
    const path = `/admin/api/subscribers/${HAN}/unlock`
    const forged = await session.call('POST', path, { csrf: false })
    expect(forged.status).toBe(403)
    expect(((await forged.json()) as { error: string }).error).toBe('csrf_invalid')
    expect((await t.subscriber(HAN)).locked).toBe(true)
    const sent = await session.call('POST', path)
    expect(sent.status).toBe(200)
    expect((await t.subscriber(HAN)).locked).toBe(false)
    expect((await t.request('POST', path, { token: null })).status).toBe(401)
  })
})

describe('GET /admin/api/subscribers/:msisdn limits', () => {
  it('shows the daily limit, what left the subscriber today and what is left', async () => {
    const fresh = (await t.admin('GET', `/admin/api/subscribers/${LI}`)).json
    expect(fresh.limits).toMatchObject({
      date: t.localDate(),
      dailyMax: '5000.00',
      usedToday: '0.00',
      leftToday: '5000.00',
      microPaymentMax: '50.00',
      pinAttemptsMax: 3,
    })
    await pay(LI, LI_PIN, RINGTONES, 2_500n)
    const paid = (await t.admin('GET', `/admin/api/subscribers/${LI}`)).json
    expect(paid.limits).toMatchObject({ usedToday: '25.00', leftToday: '4975.00' })
    // A new local day starts at zero.
    await t.advanceToLocal(0, 0, 1)
    const tomorrow = (await t.admin('GET', `/admin/api/subscribers/${LI}`)).json
    expect(tomorrow.limits).toMatchObject({ date: t.localDate(), usedToday: '0.00' })
  })
})

describe('GET /admin/api/payments/:id', () => {
  it("shows a payment's transfer and its legs, then a refund's, each summing to zero", async () => {
    const id = await pay(LI, LI_PIN, RINGTONES, 10_000n)
    const refund = await t.merchant(RINGTONES, 'POST', `/api/v1/payments/${id}/refunds`, {
      amount: '30.00',
    })
    expect(refund.status).toBe(201)
    const detail = await t.admin('GET', `/admin/api/payments/${id}`)
    expect(detail.status).toBe(200)
    expect(detail.json.payment).toMatchObject({ id, amount: '100.00', refunded: '30.00' })
    const [payment, refunded] = detail.json.transfers
    expect(detail.json.transfers).toHaveLength(2)
    expect(payment).toMatchObject({
      kind: 'payment',
      reference: detail.json.payment.transactionRef,
      total: '0.00',
    })
    expect(payment.legs).toContainEqual(
      expect.objectContaining({ account: 'wallet', owner: LI, side: 'debit', amount: '100.00' }),
    )
    expect(payment.legs).toContainEqual(
      expect.objectContaining({ account: 'merchant', owner: RINGTONES, side: 'credit' }),
    )
    // The fee goes to the parties' accounts, owned by the platform.
    const fees = payment.legs.filter((leg: any) => leg.owner === 'platform')
    expect(fees.length).toBeGreaterThan(0)
    expect(refunded).toMatchObject({ kind: 'refund', total: '0.00' })
    expect(refunded.reference).toMatch(TRANSFER_REF)
    expect(refunded.legs).toContainEqual(
      expect.objectContaining({ account: 'wallet', owner: LI, side: 'credit', amount: '30.00' }),
    )
    for (const transfer of detail.json.transfers) {
      const sum = transfer.legs.reduce(
        (total: number, leg: any) =>
          total + (leg.side === 'debit' ? -1 : 1) * Math.round(Number(leg.amount) * 100),
        0,
      )
      expect(sum).toBe(0)
    }
    expect((await t.admin('GET', '/admin/api/payments/last')).json.payment.id).toBe(id)
  })

  it('shows a payment that moved no money without a transfer; refuses an unknown id', async () => {
    const asked = await t.phone({
      kind: 'pay_merchant',
      msisdn: LI,
      merchantCode: CINEMA,
      amountMinor: 1_000n,
      funding: 'wallet',
      authorize: false,
    })
    const waiting = await t.admin('GET', `/admin/api/payments/${asked.payment?.id}`)
    expect(waiting.json).toMatchObject({
      transfers: [],
      payment: { state: 'awaiting_authorization' },
    })
    const unknown = await t.admin('GET', '/admin/api/payments/P9999999')
    expect(unknown.status).toBe(404)
    expect(unknown.json.error).toBe('payment_not_found')
  })
})

describe('GET /admin/api/transactions filters', () => {
  it('finds payments by status, channel, merchant and reference, and pages them', async () => {
    const first = await pay(LI, LI_PIN, RINGTONES, 1_000n, 'sms')
    const second = await pay(LI, LI_PIN, CINEMA, 2_000n, 'ussd')
    const third = await pay(HAN, HAN_PIN, CINEMA, 500n, 'ussd')
    await t.phone({
      kind: 'pay_merchant',
      msisdn: HAN,
      merchantCode: RINGTONES,
      amountMinor: 100n,
      funding: 'wallet',
      authorize: false,
    })
    const ids = async (query: string): Promise<string[]> => {
      const answer = await t.admin('GET', `/admin/api/transactions?${query}`)
      expect(answer.status, query).toBe(200)
      return answer.json.transactions.map((payment: any) => payment.id)
    }
    expect(await ids('channel=ussd')).toEqual([third, second])
    expect(await ids(`merchant=${CINEMA}`)).toEqual([third, second])
    expect(await ids(`merchant=${CINEMA}&msisdn=${LI}`)).toEqual([second])
    expect(await ids('status=completed&channel=sms')).toEqual([first])
    expect((await ids('status=pending_authorization')).length).toBe(1)
    expect(await ids('status=awaiting_authorization')).toEqual(
      await ids('status=pending_authorization'),
    )
    const ref = (await t.admin('GET', `/admin/api/payments/${second}`)).json.payment.transactionRef
    expect(await ids(`reference=${ref}`)).toEqual([second])
    expect(await ids(`reference=${first}`)).toEqual([first])
    // A page of one, then the next from where it said.
    const page = await t.admin('GET', '/admin/api/transactions?channel=ussd&limit=1')
    expect(page.json.nextBefore).toBe(third)
    expect(await ids(`channel=ussd&limit=1&before=${page.json.nextBefore}`)).toEqual([second])
    const last = await t.admin('GET', `/admin/api/transactions?channel=ussd&before=${second}`)
    expect(last.json).toEqual({ transactions: [], nextBefore: null })
  })

  it('refuses a filter it cannot read', async () => {
    for (const [query, error] of [
      ['status=paid', 'status_invalid'],
      ['channel=SMS%20OR%201', 'channel_invalid'],
      ['merchant=abc', 'merchant_invalid'],
      [`reference=${'x'.repeat(65)}`, 'reference_invalid'],
    ] as const) {
      const answer = await t.admin('GET', `/admin/api/transactions?${query}`)
      expect(answer.status, query).toBe(400)
      expect(answer.json.error, query).toBe(error)
    }
  })
})
