/**
 * trail.test.ts - every payment keeps the nine-step record of the flow (src/core/trail.ts), read
 * back from its stored row: the steps in the order they happened with status, actor and words,
 * for each funding account and initiator, the early endings, a refund and the delivery; and the
 * trail of an answer replayed from the idempotency log is the trail as it was then.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { Command, DescribedStep, TrailStep } from '../../src/core/index.js'
import {
  defaultLimits,
  describeTrail,
  isCompleteTrail,
  isInTimeOrder,
} from '../../src/core/index.js'
import type { TestLedger } from '../support/ledger-fixture.js'
import { openTestLedger } from '../support/ledger-fixture.js'
import {
  bankOutcome,
  cancel,
  confirm,
  HAN,
  LI,
  MINUTE_MS,
  ok,
  payMerchant,
  paymentIdOf,
  RINGTONES,
  refund,
  requestPayment,
  SECOND_MS,
  sendMoney,
} from './helpers.js'

/** A trail as "code" or "code skipped" per step, in order: what a reader checks first. */
function codes(trail: readonly (TrailStep | DescribedStep)[]): string[] {
  return trail.map((entry) => `${entry.code}${entry.status === 'skipped' ? ' skipped' : ''}`)
}

function delivery(paymentId: string, note = ''): Command {
  return { kind: 'report_delivery', merchantCode: RINGTONES, paymentId, note }
}

describe('the nine-step trail', () => {
  let t: TestLedger
  beforeEach(async () => {
    t = await openTestLedger()
  })
  afterEach(async () => {
    await t.close()
  })

  /** The stored trail with its usual actors and words made out, as the APIs show it. */
  async function trailOf(paymentId: string): Promise<readonly DescribedStep[]> {
    const payment = await t.ledger.payment(paymentId)
    expect(payment).not.toBeNull()
    return payment === null ? [] : describeTrail(payment)
  }

  it('records a wallet payment confirmed later: 1 2 5, then 6 3 4 7 8 at the YES', async () => {
    const asked = ok(t, payMerchant(LI, RINGTONES, 2_500n, 'wallet'), { channel: 'sms' })
    const id = paymentIdOf(asked)
    expect(codes(await trailOf(id))).toEqual(['1', '2', '5'])
    t.nowMs += 30 * SECOND_MS
    ok(t, confirm(LI), { pin: 'match', channel: 'ussd' })
    const trail = await trailOf(id)
    expect(codes(trail)).toEqual(['1', '2', '5', '6', '3', '4', '7', '8'])
    expect(isCompleteTrail(trail)).toBe(true)
    expect(isInTimeOrder(trail)).toBe(true)
    const [purchase, charge, ask, yes] = trail
    expect(purchase).toMatchObject({
      actor: LI,
      detail: 'merchant 25.00 to 1001 by sms',
    })
    expect(charge?.actor).toBe(RINGTONES)
    expect(charge?.detail).toContain(`serial ${id}`)
    expect(ask?.detail).toBe('asked by sms: YES and PIN')
    // Step 6 at the YES's time, on the channel it came by, and never the PIN itself.
    expect(yes).toMatchObject({
      atMs: t.nowMs,
      actor: LI,
      detail: 'YES and PIN by ussd, PIN not kept',
    })
    expect(trail.at(-2)?.detail).toMatch(
      /^transfer T[0-9A-Z]{6}: 24\.75 to the merchant, fee 0\.25$/,
    )
    expect(JSON.stringify(trail)).not.toContain('1234')
  })

  it('marks what a phone-bill micro-payment skips, with why', async () => {
    const paid = ok(t, payMerchant(LI, RINGTONES, 500n, 'phone_bill', true), { channel: 'sms' })
    const trail = await trailOf(paymentIdOf(paid))
    expect(codes(trail)).toEqual(['1', '2', '5 skipped', '6', '3 skipped', '4 skipped', '7', '8'])
    expect(trail[2]?.detail).toBe('the request carried the authorization')
    expect(trail[4]?.detail).toContain('SIM identity')
    expect(trail[5]?.actor).toBe('operator')
    expect(isCompleteTrail(trail)).toBe(true)
  })

  it('asks the card bank at 3 and records its answer at 4 when it comes', async () => {
    const reserved = ok(t, payMerchant(LI, RINGTONES, 10_000n, 'bank', true), { pin: 'match' })
    const id = paymentIdOf(reserved)
    expect(codes(await trailOf(id))).toEqual(['1', '2', '5 skipped', '6', '3'])
    expect((await trailOf(id))[4]?.detail).toBe('authorize 100.00 on the card')
    t.nowMs += 2 * SECOND_MS
    ok(t, bankOutcome(id, 'captured'))
    const trail = await trailOf(id)
    expect(codes(trail)).toEqual(['1', '2', '5 skipped', '6', '3', '4', '7', '8'])
    expect(trail[5]).toMatchObject({ actor: 'ICBC', detail: 'approved: captured', atMs: t.nowMs })
  })

  it('ends with the branch that ended it: the bank declines, or does not answer', async () => {
    const declined = paymentIdOf(
      ok(t, payMerchant(LI, RINGTONES, 10_000n, 'bank', true), { pin: 'match' }),
    )
    t.run(bankOutcome(declined, 'declined'))
    expect(codes(await trailOf(declined)).slice(-2)).toEqual(['4', 'declined'])
    expect((await trailOf(declined)).at(-1)?.detail).toBe('bank_declined; payer and merchant told')
    const failed = paymentIdOf(
      ok(t, payMerchant(LI, RINGTONES, 10_000n, 'bank', true), { pin: 'match' }),
    )
    t.run(bankOutcome(failed, 'unavailable'))
    const trail = await trailOf(failed)
    expect(codes(trail).slice(-2)).toEqual(['3', 'failed'])
    expect(trail.at(-1)).toMatchObject({
      actor: 'ICBC',
      detail: 'the bank did not answer; payer and merchant told',
    })
    expect(isCompleteTrail(trail)).toBe(false)
  })

  it('records a NO, a replaced request and an expiry, and who ended each', async () => {
    const first = paymentIdOf(ok(t, payMerchant(LI, RINGTONES, 1_000n, 'wallet')))
    const second = paymentIdOf(ok(t, payMerchant(LI, RINGTONES, 2_000n, 'wallet')))
    expect((await trailOf(first)).at(-1)).toMatchObject({
      code: 'cancelled',
      actor: LI,
      detail: 'replaced by a newer payment; payer and merchant told',
    })
    ok(t, cancel(LI))
    expect((await trailOf(second)).at(-1)?.detail).toBe(
      'the payer said no; payer and merchant told',
    )
    const third = paymentIdOf(ok(t, payMerchant(LI, RINGTONES, 3_000n, 'wallet')))
    t.nowMs += 3 * MINUTE_MS
    t.run({ kind: 'expire_due' })
    expect((await trailOf(third)).at(-1)).toMatchObject({
      code: 'expired',
      actor: 'platform',
      detail: 'payment_expired; payer and merchant told',
    })
  })

  it('tells a merchant request from a keyword payment at step 1', async () => {
    const asked = ok(t, requestPayment(RINGTONES, LI, 1_500n), { channel: 'api' })
    const trail = await trailOf(paymentIdOf(asked))
    expect(codes(trail)).toEqual(['1', '2', '5'])
    expect(trail[0]?.detail).toBe('at the merchant: INV-1')
  })

  it('skips the delivery of a payment to a person: there are no goods', async () => {
    const sent = ok(t, sendMoney(LI, HAN, 1_000n, true), { pin: 'match' })
    const trail = await trailOf(paymentIdOf(sent))
    expect(codes(trail).slice(-3)).toEqual(['7', '8', '9 skipped'])
    expect(trail[1]?.actor).toBe('platform')
  })

  it('adds a refund and the delivery, once, after the receipt', async () => {
    const paid = ok(t, payMerchant(LI, RINGTONES, 2_500n, 'wallet', true), { pin: 'match' })
    const id = paymentIdOf(paid)
    t.nowMs += MINUTE_MS
    ok(t, delivery(id, 'ringtone sent'))
    expect((await trailOf(id)).at(-1)).toMatchObject({
      code: 9,
      actor: RINGTONES,
      detail: 'goods delivered: ringtone sent',
    })
    ok(t, delivery(id, 'again'))
    t.nowMs += MINUTE_MS
    ok(t, refund(RINGTONES, id, 1_000n))
    const trail = await trailOf(id)
    expect(codes(trail).slice(-2)).toEqual(['9', 'refund'])
    expect(trail.at(-1)?.detail).toMatch(/^10\.00 back, transfer T[0-9A-Z]{6}$/)
    expect(isInTimeOrder(trail)).toBe(true)
  })

  it('refuses a delivery for a payment not completed or not the merchant own', async () => {
    const waiting = paymentIdOf(ok(t, payMerchant(LI, RINGTONES, 2_500n, 'wallet')))
    expect(t.run(delivery(waiting)).reason).toBe('payment_not_completed')
    expect(t.run(delivery('P9999999')).reason).toBe('payment_not_found')
    const other = { kind: 'report_delivery', merchantCode: '1002', paymentId: waiting, note: '' }
    expect(t.run(other as Command).reason).toBe('payment_not_found')
    expect(codes(await trailOf(waiting))).toEqual(['1', '2', '5'])
  })

  it('stores only what the payment row does not say: codes for a usual payment', async () => {
    const stored = (id: string): string =>
      (t.ledger.db.prepare('SELECT trail FROM payments WHERE id = ?').get(id) as { trail: string })
        .trail
    const wallet = paymentIdOf(
      ok(t, payMerchant(LI, RINGTONES, 2_500n, 'wallet', true), { pin: 'match' }),
    )
    expect(stored(wallet)).toBe('1|2|5s|6|3|4|7|8')
    const asked = paymentIdOf(
      ok(t, payMerchant(LI, RINGTONES, 2_500n, 'wallet'), { channel: 'sms' }),
    )
    t.nowMs += 1_500
    ok(t, confirm(LI), { pin: 'match', channel: 'wap' })
    // The YES came 1.5 s later by another channel: its time and words are stored, nothing else.
    expect(stored(asked)).toBe(
      '1|2|5|6+1500:YES and PIN by wap, PIN not kept|3+1500|4+1500|7+1500|8+1500',
    )
    // Words with the separators in them come back as they were written.
    ok(t, delivery(asked, 'ticket 7|8: seat +12 @ row C 100%'))
    const trail = await trailOf(asked)
    expect(trail.at(-1)?.detail).toBe('goods delivered: ticket 7|8: seat +12 @ row C 100%')
    expect(stored(asked)).toContain(
      '|9+1500:goods delivered%3A ticket 7%7C8%3A seat %2B12 %40 row C 100%25',
    )
  })

  it('replays a logged answer with the trail as it was, not as it grew since', async () => {
    const paid = ok(t, payMerchant(LI, RINGTONES, 2_500n, 'wallet', true), {
      key: 'sms:replay',
      pin: 'match',
    })
    ok(t, delivery(paymentIdOf(paid)))
    const replayed = t.run(payMerchant(LI, RINGTONES, 2_500n, 'wallet', true), {
      key: 'sms:replay',
      pin: 'match',
    })
    expect(replayed.payment?.trail).toEqual(paid.payment?.trail)
  })
})

describe('the trail under an operating model', () => {
  it('names the wallet holder of the running model as the credit institution', async () => {
    const t = await openTestLedger({ limits: { ...defaultLimits, operatingModel: 'third_party' } })
    try {
      const paid = ok(t, payMerchant(LI, RINGTONES, 2_500n, 'wallet', true), { pin: 'match' })
      const payment = await t.ledger.payment(paymentIdOf(paid))
      expect(payment?.trail.find((entry) => entry.code === 4)?.actor).toBe('provider')
      expect(payment?.trail.find((entry) => entry.code === 6)?.actor).toBeNull()
      const stored = t.ledger.db
        .prepare('SELECT trail FROM payments WHERE id = ?')
        .get(paymentIdOf(paid)) as { trail: string }
      expect(stored.trail).toBe('1|2|5s|6|3|4@provider|7|8')
    } finally {
      await t.close()
    }
  })
})
