/**
 * merchant-api.test.ts - the Paybox flow over real HTTP (SPEC section 8, notes/payments.md
 * section 0): the merchant asks for a payment, the subscriber is prompted by SMS and confirms
 * with the PIN, the merchant sees the result, the fee legs reach the parties' settlement of the
 * local day, refunds go back to the account that paid, and the API refuses what it must.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { GatewayFixture } from '../support/gateway-fixture.js'
import {
  ADMIN_TOKEN,
  CINEMA,
  HAN,
  httpRequest,
  LI,
  LI_PIN,
  METRO,
  NOBODY,
  RINGTONES,
  requestPayment,
  startTestGateway,
  TRANSFER_REF,
} from '../support/gateway-fixture.js'

let t: GatewayFixture
beforeEach(async () => {
  t = await startTestGateway()
})
afterEach(async () => {
  await t.close()
})

async function status(merchantCode: string, id: string): Promise<Record<string, unknown>> {
  const answer = await t.merchant(merchantCode, 'GET', `/api/v1/payment-requests/${id}`)
  expect(answer.status).toBe(200)
  return answer.json as Record<string, unknown>
}

async function ledgerBalanced(): Promise<void> {
  const check = await t.admin('GET', '/admin/api/ledger/check')
  expect(check.status).toBe(200)
  expect(check.json).toMatchObject({
    balanced: true,
    unbalancedTransfers: [],
    driftedAccounts: [],
    reservationMismatches: [],
  })
}

/** A completed wallet (or other) payment from Li to a merchant: request, then YES with the PIN. */
async function paid(
  merchantCode: string,
  amount: string,
  account: 'wallet' | 'phone_bill' | 'bank' = 'wallet',
  reference = `ref-${amount}`,
): Promise<string> {
  const id = await requestPayment(t, merchantCode, { msisdn: LI, amount, reference, account })
  const confirmed = await t.confirm(LI, account === 'phone_bill' ? null : LI_PIN)
  expect(confirmed.ok).toBe(true)
  expect((await status(merchantCode, id))['status']).toBe('completed')
  return id
}

describe('a merchant payment request (Paybox model)', () => {
  it('prompts by SMS, refuses a wrong PIN, pays on the right one, settles net of fee', async () => {
    const created = await t.merchant(
      RINGTONES,
      'POST',
      '/api/v1/payment-requests',
      {
        msisdn: '+8613800138000',
        amount: '100.00',
        reference: 'ring-42',
        description: 'Ringtone: Jasmine',
      },
      { 'idempotency-key': 'order-42' },
    )
    expect(created.status).toBe(202)
    expect(created.json).toEqual({
      id: expect.stringMatching(/^P[0-9A-Z]{7,}$/),
      status: 'pending_authorization',
      checkoutUrl: expect.stringMatching(/^\/checkout\/P[0-9A-Z]{7,}\?t=[0-9a-f]{32}$/),
    })
    const id = created.json.id as string

    // Step 5: the subscriber is asked, naming the merchant, the amount and the reference.
    const prompts = await t.smsTo(LI)
    expect(prompts).toHaveLength(1)
    expect(prompts[0]).toContain('Ringtone Store')
    expect(prompts[0]).toContain('100.00')
    expect(prompts[0]).toContain('ring-42')
    expect(prompts[0]).toMatch(/YES <PIN>/)
    expect(await status(RINGTONES, id)).toMatchObject({
      id,
      status: 'pending_authorization',
      amount: '100.00',
      reference: 'ring-42',
      msisdn: LI,
      account: 'wallet',
      transactionRef: null,
    })

    // Step 6: a wrong PIN is refused and moves nothing; the request keeps waiting.
    const wrong = await t.confirm(LI, '9999')
    expect(wrong.ok).toBe(false)
    expect(wrong.reason).toBe('pin_incorrect')
    expect(await status(RINGTONES, id)).toMatchObject({ status: 'pending_authorization' })
    expect(await t.balance(LI, 'wallet')).toBe('500.00')

    // Step 7: the right PIN completes it.
    const right = await t.confirm(LI, LI_PIN)
    expect(right.ok).toBe(true)
    expect(right.reference).toMatch(TRANSFER_REF)
    const done = await status(RINGTONES, id)
    expect(done).toMatchObject({
      id,
      status: 'completed',
      amount: '100.00',
      fee: '1.00',
      refunded: '0.00',
      transactionRef: right.reference,
    })

    expect(await t.balance(LI, 'wallet')).toBe('400.00')
    expect(await t.balance(LI, 'phone_bill')).toBe('50.00')
    const settlement = await t.merchant(
      RINGTONES,
      'GET',
      `/api/v1/settlements?date=${t.localDate()}`,
    )
    expect(settlement.status).toBe(200)
    expect(settlement.json).toMatchObject({
      date: t.localDate(),
      merchant: RINGTONES,
      payments: 1,
      gross: '100.00',
      fees: '1.00',
      refunds: '0.00',
      net: '99.00',
    })
    await ledgerBalanced()
  })

  it('answers a request repeated with its Idempotency-Key by its payment; one prompt', async () => {
    const body = { msisdn: LI, amount: '12.50', reference: 'dup-1' }
    const first = await t.merchant(RINGTONES, 'POST', '/api/v1/payment-requests', body, {
      'idempotency-key': 'k-1',
    })
    const again = await t.merchant(RINGTONES, 'POST', '/api/v1/payment-requests', body, {
      'idempotency-key': 'k-1',
    })
    expect(first.status).toBe(202)
    expect(again.status).toBe(202)
    expect(again.json.id).toBe(first.json.id)
    expect(await t.smsTo(LI)).toHaveLength(1)

    const other = await t.merchant(
      RINGTONES,
      'POST',
      '/api/v1/payment-requests',
      { ...body, amount: '99.00' },
      { 'idempotency-key': 'k-1' },
    )
    expect(other.status).toBe(409)
    expect(other.json.error).toBe('idempotency_key_reused')
    // Another merchant's key space is its own.
    const cinema = await t.merchant(CINEMA, 'POST', '/api/v1/payment-requests', body, {
      'idempotency-key': 'k-1',
    })
    expect(cinema.status).toBe(202)
    expect(cinema.json.id).not.toBe(first.json.id)
  })

  it('refuses an Idempotency-Key over 255 characters, not cut, and moves nothing', async () => {
    const body = { msisdn: LI, amount: '12.50', reference: 'long-key' }
    const stem = 'k'.repeat(255)
    const tooLong = await t.merchant(RINGTONES, 'POST', '/api/v1/payment-requests', body, {
      'idempotency-key': `${stem}-1`,
    })
    expect(tooLong.status).toBe(400)
    expect(tooLong.json.error).toBe('idempotency_key_invalid')
    expect(tooLong.json.message).toContain('255')
    expect(await t.smsTo(LI)).toHaveLength(0)
    const longest = await t.merchant(RINGTONES, 'POST', '/api/v1/payment-requests', body, {
      'idempotency-key': stem,
    })
    expect(longest.status).toBe(202)
  })

  it('takes a phone-bill request with YES alone, without a PIN', async () => {
    const id = await requestPayment(t, CINEMA, {
      msisdn: LI,
      amount: '30.00',
      reference: 'popcorn',
      account: 'phone_bill',
    })
    const prompt = (await t.smsTo(LI))[0]
    expect(prompt).toContain('30.00')
    expect(prompt).toContain('Reply YES to pay')
    expect(prompt).not.toContain('PIN')
    const yes = await t.confirm(LI, null)
    expect(yes.ok).toBe(true)
    expect(yes.reference).toMatch(TRANSFER_REF)
    expect(await status(CINEMA, id)).toMatchObject({
      status: 'completed',
      account: 'phone_bill',
      transactionRef: yes.reference,
    })
    expect(await t.balance(LI, 'phone_bill')).toBe('20.00')
    expect(await t.balance(LI, 'wallet')).toBe('500.00')

    // A wallet request still needs the PIN: YES alone is refused and the request waits.
    const walletId = await requestPayment(t, CINEMA, {
      msisdn: LI,
      amount: '5.00',
      reference: 'soda',
    })
    const bare = await t.confirm(LI, null)
    expect(bare.ok).toBe(false)
    expect(bare.reason).toBe('pin_required')
    expect((await status(CINEMA, walletId))['status']).toBe('pending_authorization')
    await ledgerBalanced()
  })

  it("splits the 1.00% fee by funding account, shown in the day's party settlement", async () => {
    await paid(RINGTONES, '100.00', 'wallet')
    await paid(CINEMA, '50.00', 'phone_bill')
    await paid(METRO, '200.00', 'bank')

    const day = await t.admin('GET', `/admin/api/settlements?date=${t.localDate()}`)
    expect(day.status).toBe(200)
    // wallet 1.00: operator 0.30, platform 0.70; phone bill 0.50: operator 0.35, platform 0.15;
    // bank 2.00: bank 1.00, operator 0.40, platform 0.60.
    expect(day.json.parties).toEqual(
      expect.arrayContaining([
        { party: 'operator', fees: '1.05' },
        { party: 'platform', fees: '1.45' },
        { party: 'bank', fees: '1.00' },
      ]),
    )
    expect(day.json.parties).toHaveLength(3)
    expect(day.json.merchants).toEqual([
      {
        merchant: RINGTONES,
        payments: 1,
        gross: '100.00',
        fees: '1.00',
        refunds: '0.00',
        net: '99.00',
      },
      {
        merchant: CINEMA,
        payments: 1,
        gross: '50.00',
        fees: '0.50',
        refunds: '0.00',
        net: '49.50',
      },
      {
        merchant: METRO,
        payments: 1,
        gross: '200.00',
        fees: '2.00',
        refunds: '0.00',
        net: '198.00',
      },
    ])
    // The card was charged at the bank, not only in the ledger.
    expect(await t.balance(LI, 'bank')).toBe('9800.00')
    const yesterday = await t.admin('GET', `/admin/api/settlements?date=${t.localDate(-1)}`)
    expect(yesterday.json.parties).toEqual(
      expect.arrayContaining([{ party: 'operator', fees: '0.00' }]),
    )
    expect(yesterday.json.merchants).toEqual([])
    await ledgerBalanced()
  })

  it('settles by the local day in China time (UTC+8), not the UTC day', async () => {
    // 23:59 in Beijing is 15:59 UTC: both payments below fall on the same UTC date.
    await t.advanceToLocal(23, 59, 0)
    const lateDay = t.localDate()
    const late = await paid(RINGTONES, '10.00', 'wallet', 'late')
    await t.advance(120) // 00:01 in Beijing, the next local day
    const earlyDay = t.localDate()
    expect(earlyDay).not.toBe(lateDay)
    await paid(RINGTONES, '20.00', 'wallet', 'early')
    const refund = await t.merchant(RINGTONES, 'POST', `/api/v1/payments/${late}/refunds`, {
      amount: '5.00',
    })
    expect(refund.status).toBe(201)

    const first = await t.merchant(RINGTONES, 'GET', `/api/v1/settlements?date=${lateDay}`)
    expect(first.json).toMatchObject({
      date: lateDay,
      payments: 1,
      gross: '10.00',
      fees: '0.10',
      refunds: '0.00',
      net: '9.90',
    })
    const second = await t.merchant(RINGTONES, 'GET', `/api/v1/settlements?date=${earlyDay}`)
    expect(second.json).toMatchObject({
      date: earlyDay,
      payments: 1,
      gross: '20.00',
      fees: '0.20',
      refunds: '5.00',
      net: '14.80',
    })
    const parties = await t.admin('GET', `/admin/api/settlements?date=${earlyDay}`)
    expect(parties.json.parties).toEqual(
      expect.arrayContaining([
        { party: 'operator', fees: '0.06' },
        { party: 'platform', fees: '0.14' },
      ]),
    )

    expect((await t.merchant(RINGTONES, 'GET', '/api/v1/settlements')).status).toBe(400)
    expect((await t.merchant(RINGTONES, 'GET', '/api/v1/settlements?date=2026-13-45')).status).toBe(
      400,
    )
  })
})

describe('refunds', () => {
  it('refunds part, then the rest, never more than paid; the merchant bears the fee', async () => {
    const id = await paid(RINGTONES, '100.00')
    expect(await t.balance(LI, 'wallet')).toBe('400.00')

    const part = await t.merchant(RINGTONES, 'POST', `/api/v1/payments/${id}/refunds`, {
      amount: '30.00',
    })
    expect(part.status).toBe(201)
    expect(part.json).toMatchObject({
      paymentId: id,
      amount: '30.00',
      refunded: '30.00',
      remaining: '70.00',
      refundRef: expect.stringMatching(TRANSFER_REF),
    })
    expect(await t.balance(LI, 'wallet')).toBe('430.00')

    const over = await t.merchant(RINGTONES, 'POST', `/api/v1/payments/${id}/refunds`, {
      amount: '70.01',
    })
    expect(over.status).toBe(422)
    expect(over.json.error).toBe('refund_exceeds_payment')
    expect(await t.balance(LI, 'wallet')).toBe('430.00')

    const rest = await t.merchant(RINGTONES, 'POST', `/api/v1/payments/${id}/refunds`, {
      amount: '70.00',
    })
    expect(rest.status).toBe(201)
    expect(rest.json).toMatchObject({ refunded: '100.00', remaining: '0.00' })
    expect(await t.balance(LI, 'wallet')).toBe('500.00')

    const more = await t.merchant(RINGTONES, 'POST', `/api/v1/payments/${id}/refunds`, {
      amount: '0.01',
    })
    expect(more.status).toBe(422)
    expect(more.json.error).toBe('refund_exceeds_payment')

    expect(await status(RINGTONES, id)).toMatchObject({
      status: 'completed',
      amount: '100.00',
      refunded: '100.00',
    })
    const sms = await t.smsTo(LI)
    expect(sms.filter((text) => /Refund of CNY/.test(text))).toHaveLength(2)
    const settlement = await t.merchant(
      RINGTONES,
      'GET',
      `/api/v1/settlements?date=${t.localDate()}`,
    )
    expect(settlement.json).toMatchObject({
      payments: 1,
      gross: '100.00',
      fees: '1.00',
      refunds: '100.00',
      net: '-1.00',
    })
    await ledgerBalanced()
  })

  it('puts the refund of a card payment back on the card at the bank', async () => {
    const id = await paid(METRO, '200.00', 'bank')
    expect(await t.balance(LI, 'bank')).toBe('9800.00')
    const refund = await t.merchant(
      METRO,
      'POST',
      `/api/v1/payments/${id}/refunds`,
      { amount: '50.00' },
      { 'idempotency-key': 'refund-1' },
    )
    expect(refund.status).toBe(201)
    expect(await t.balance(LI, 'bank')).toBe('9850.00')
    // The merchant retries the same refund: the first answer again, and the card is credited once.
    const retried = await t.merchant(
      METRO,
      'POST',
      `/api/v1/payments/${id}/refunds`,
      { amount: '50.00' },
      { 'idempotency-key': 'refund-1' },
    )
    expect(retried.status).toBe(201)
    expect(retried.json).toEqual(refund.json)
    expect(await t.balance(LI, 'bank')).toBe('9850.00')
    const card = (await t.subscriber(LI)).accounts.find((line) => line.account === 'bank')
    expect(card).toMatchObject({ bank: 'ICBC', last4: '1234', drawn: '150.00', reserved: '0.00' })
    expect(await t.balance(LI, 'wallet')).toBe('500.00')
    await ledgerBalanced()
  })

  it("refuses to refund a payment not completed, or another merchant's", async () => {
    const pending = await requestPayment(t, RINGTONES, {
      msisdn: LI,
      amount: '10.00',
      reference: 'wait',
    })
    const early = await t.merchant(RINGTONES, 'POST', `/api/v1/payments/${pending}/refunds`, {
      amount: '1.00',
    })
    expect(early.status).toBe(422)
    expect(early.json.error).toBe('payment_not_refundable')
    await t.confirm(LI, LI_PIN)
    const stranger = await t.merchant(CINEMA, 'POST', `/api/v1/payments/${pending}/refunds`, {
      amount: '1.00',
    })
    expect(stranger.status).toBe(404)
    expect(stranger.json.error).toBe('payment_not_found')
    const bad = await t.merchant(RINGTONES, 'POST', `/api/v1/payments/${pending}/refunds`, {
      amount: '-1.00',
    })
    expect(bad.status).toBe(400)
    expect(await t.balance(LI, 'wallet')).toBe('490.00')
  })
})

describe('PIN lockout', () => {
  it('declines after 3 wrong PINs; locks the subscriber on every command for 15 min', async () => {
    const id = await requestPayment(t, RINGTONES, {
      msisdn: LI,
      amount: '10.00',
      reference: 'lock',
    })
    expect((await t.confirm(LI, '0000', 'sms')).reason).toBe('pin_incorrect')
    expect((await t.confirm(LI, '0001', 'ussd')).reason).toBe('pin_incorrect')
    const third = await t.confirm(LI, '0002', 'ivr')
    expect(third.ok).toBe(false)
    expect(third.reason).toBe('pin_attempts_exceeded')
    expect(await status(RINGTONES, id)).toMatchObject({
      status: 'declined',
      reason: 'pin_attempts_exceeded',
      transactionRef: null,
    })

    const locked = async (): Promise<void> => {
      expect((await t.phone({ kind: 'balance', msisdn: LI })).reason).toBe('subscriber_locked')
      expect((await t.phone({ kind: 'statement', msisdn: LI }, { channel: 'ussd' })).reason).toBe(
        'subscriber_locked',
      )
      expect(
        (
          await t.phone(
            {
              kind: 'pay_merchant',
              msisdn: LI,
              merchantCode: RINGTONES,
              amountMinor: 100n,
              funding: 'wallet',
              authorize: true,
            },
            { pin: LI_PIN, channel: 'wap' },
          )
        ).reason,
      ).toBe('subscriber_locked')
      expect((await t.confirm(LI, LI_PIN)).reason).toBe('subscriber_locked')
      const request = await t.merchant(RINGTONES, 'POST', '/api/v1/payment-requests', {
        msisdn: LI,
        amount: '1.00',
        reference: 'while-locked',
      })
      expect(request.status).toBe(422)
      expect(request.json.error).toBe('subscriber_locked')
      expect((await t.subscriber(LI)).locked).toBe(true)
    }
    await locked()
    await t.advance(14 * 60 + 59)
    await locked()
    await t.advance(1)

    expect((await t.subscriber(LI)).locked).toBe(false)
    expect((await t.phone({ kind: 'balance', msisdn: LI })).ok).toBe(true)
    expect(await t.balance(LI, 'wallet')).toBe('500.00')
    const again = await requestPayment(t, RINGTONES, {
      msisdn: LI,
      amount: '10.00',
      reference: 'after-lock',
    })
    expect((await t.confirm(LI, LI_PIN)).ok).toBe(true)
    expect((await status(RINGTONES, again))['status']).toBe('completed')
    expect(await t.balance(LI, 'wallet')).toBe('490.00')
    // Another subscriber was never locked.
    expect((await t.phone({ kind: 'balance', msisdn: HAN })).ok).toBe(true)
  })
})

describe('what the merchant API refuses', () => {
  it("answers 401 with no API key or a wrong one, never another merchant's payment", async () => {
    const id = await requestPayment(t, RINGTONES, {
      msisdn: LI,
      amount: '10.00',
      reference: 'mine',
    })
    const none = await t.request('GET', `/api/v1/payment-requests/${id}`)
    expect(none.status).toBe(401)
    expect(none.json.error).toBe('unauthorized')
    const wrong = await t.request('GET', `/api/v1/payment-requests/${id}`, {
      token: 'test_key_9999',
    })
    expect(wrong.status).toBe(401)
    const admin = await t.request('GET', `/api/v1/payment-requests/${id}`, { token: ADMIN_TOKEN })
    expect(admin.status).toBe(401)
    const basic = await t.request('GET', `/api/v1/payment-requests/${id}`, {
      headers: { authorization: 'Basic dGVzdF9rZXlfMTAwMTo=' },
    })
    expect(basic.status).toBe(401)
    const unauthenticatedPost = await t.request('POST', '/api/v1/payment-requests', {
      body: { msisdn: LI, amount: '1.00', reference: 'x' },
    })
    expect(unauthenticatedPost.status).toBe(401)
    expect(await t.smsTo(LI)).toHaveLength(1)

    const other = await t.merchant(CINEMA, 'GET', `/api/v1/payment-requests/${id}`)
    expect(other.status).toBe(404)
    expect(other.json.error).toBe('payment_not_found')
    expect((await t.merchant(RINGTONES, 'GET', '/api/v1/payment-requests/P9999999')).status).toBe(
      404,
    )
  })

  it('refuses a body not a JSON object as body_invalid on every call, prompting none', async () => {
    const key = { authorization: `Bearer test_key_${RINGTONES}` }
    const bodies: [string, string | undefined][] = [
      ['msisdn=8613800138000&amount=1.00&reference=r', 'application/x-www-form-urlencoded'],
      ['msisdn 8613800138000 amount 1.00', 'text/plain'],
      ['{"msisdn": "8613800138000", "amount": "1.00", "reference": "r"}', undefined],
      ['[{"msisdn": "8613800138000", "amount": "1.00", "reference": "r"}]', 'application/json'],
      ['"msisdn=8613800138000"', 'application/json'],
      ['12', 'application/json'],
      ['null', 'application/json'],
    ]
    for (const path of [
      '/api/v1/payment-requests',
      '/api/v1/orders',
      '/api/v1/payments/P0000001/refunds',
    ]) {
      for (const [rawBody, type] of bodies) {
        const response = await fetch(`${t.url}${path}`, {
          method: 'POST',
          headers: { ...key, ...(type === undefined ? {} : { 'content-type': type }) },
          body: rawBody,
        })
        const json = (await response.json()) as { error: string; message: string }
        expect({ path, rawBody, status: response.status, error: json.error }).toEqual({
          path,
          rawBody,
          status: 400,
          error: 'body_invalid',
        })
        expect(json.message).toBe(
          'the body must be a JSON object, sent with Content-Type: application/json',
        )
      }
    }
    expect(await t.smsTo(LI)).toEqual([])
  })

  it('takes the Bearer scheme in any case (RFC 9110), and the key only exactly', async () => {
    for (const scheme of ['bearer', 'BEARER', 'bEaReR']) {
      const answer = await httpRequest(t.url, 'GET', '/api/v1/settlements?date=2026-11-21', {
        headers: { authorization: `${scheme} test_key_${RINGTONES}` },
      })
      expect({ scheme, status: answer.status }).toEqual({ scheme, status: 200 })
    }
    const wrongCase = await httpRequest(t.url, 'GET', '/api/v1/settlements?date=2026-11-21', {
      headers: { authorization: `Bearer TEST_KEY_${RINGTONES}` },
    })
    expect(wrongCase.status).toBe(401)
  })

  it('answers 400 invalid_json to a bad body, 400 to a bad field, prompting no one', async () => {
    const malformed = await t.request('POST', '/api/v1/payment-requests', {
      token: `test_key_${RINGTONES}`,
      rawBody: '{"msisdn": "8613800138000", "amount": ',
    })
    expect(malformed.status).toBe(400)
    expect(malformed.json.error).toBe('invalid_json')

    const cases: [Record<string, unknown>, string][] = [
      [{ msisdn: 'abc', amount: '1.00', reference: 'r' }, 'msisdn_invalid'],
      [{ msisdn: LI, amount: '1.005', reference: 'r' }, 'amount_too_precise'],
      [{ msisdn: LI, amount: '0', reference: 'r' }, 'amount_not_positive'],
      [{ msisdn: LI, amount: 'ten', reference: 'r' }, 'amount_invalid'],
      [{ msisdn: LI, amount: '1.00' }, 'reference_invalid'],
      [{ msisdn: LI, amount: '1.00', reference: 'r', account: 'credit' }, 'account_invalid'],
      [
        { msisdn: LI, amount: '1.00', reference: 'r', callbackUrl: 'ftp://example.com/x' },
        'callback_url_invalid',
      ],
    ]
    for (const [body, error] of cases) {
      const answer = await t.merchant(RINGTONES, 'POST', '/api/v1/payment-requests', body)
      expect({ body, status: answer.status, error: answer.json.error }).toEqual({
        body,
        status: 400,
        error,
      })
    }
    expect(await t.smsTo(LI)).toEqual([])

    const unknown = await t.merchant(RINGTONES, 'POST', '/api/v1/payment-requests', {
      msisdn: NOBODY,
      amount: '1.00',
      reference: 'r',
    })
    expect(unknown.status).toBe(422)
    expect(unknown.json.error).toBe('payer_not_registered')
    const tooBig = await t.merchant(RINGTONES, 'POST', '/api/v1/payment-requests', {
      msisdn: LI,
      amount: '50.01',
      reference: 'r',
      account: 'phone_bill',
    })
    expect(tooBig.status).toBe(422)
    expect(tooBig.json.error).toBe('amount_above_payment_max')
  })
})
