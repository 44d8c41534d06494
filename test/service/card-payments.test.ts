/**
 * card-payments.test.ts - payments from the bank-linked card through the payment service, with
 * the simulated issuing bank in each of its modes: the money is reserved in the ledger, the bank
 * is called outside any transaction, then the payment is posted or the reservation released. A
 * gateway that stops between the reservation and the bank's answer settles the payment when it
 * starts again on the same data directory.
 */
import { afterEach, describe, expect, it } from 'vitest'
import type { Command } from '../../src/core/index.js'
import { commandHash } from '../../src/service/payment-service.js'
import type { GatewayFixture } from '../support/gateway-fixture.js'
import {
  LI,
  LI_PIN,
  RINGTONES,
  startTestGateway,
  TRANSFER_REF,
  ZHANG,
  ZHANG_PIN,
} from '../support/gateway-fixture.js'

/** The simulated bank's token for Li Lei's ICBC card (src/world/world.ts cardTokenOf). */
const LI_CARD = 'tok_icbc_1234_8000'

let fixtures: GatewayFixture[] = []
afterEach(async () => {
  for (const fixture of fixtures.reverse()) await fixture.close()
  fixtures = []
})

async function open(
  overrides: Record<string, unknown> = {},
  dir?: string,
): Promise<GatewayFixture> {
  const fixture = await startTestGateway({ overrides, ...(dir === undefined ? {} : { dir }) })
  fixtures.push(fixture)
  return fixture
}

function payByCard(msisdn: string, amountMinor: bigint, merchantCode = RINGTONES): Command {
  return {
    kind: 'pay_merchant',
    msisdn,
    merchantCode,
    amountMinor,
    funding: 'bank',
    authorize: true,
  }
}

function load(msisdn: string, amountMinor: bigint): Command {
  return { kind: 'load_wallet', msisdn, amountMinor, authorize: true }
}

/**
 * What an operator sees of a subscriber's card: the bank's balance, and what the ledger drew and
 * holds.
 */
async function card(
  t: GatewayFixture,
  msisdn = LI,
): Promise<{ balance: string | null; drawn?: string; reserved?: string }> {
  const line = (await t.subscriber(msisdn)).accounts.find((account) => account.account === 'bank')
  if (line === undefined) throw new Error(`${msisdn} has no card`)
  return {
    balance: line.balance,
    ...(line.drawn === undefined ? {} : { drawn: line.drawn }),
    ...(line.reserved === undefined ? {} : { reserved: line.reserved }),
  }
}

async function expectBalanced(t: GatewayFixture): Promise<void> {
  const check = await t.admin('GET', '/admin/api/ledger/check')
  expect(check.json).toMatchObject({
    balanced: true,
    unbalancedTransfers: [],
    driftedAccounts: [],
    reservationMismatches: [],
  })
}

async function merchantStatus(
  t: GatewayFixture,
  paymentId: string,
): Promise<Record<string, unknown>> {
  const transactions = await t.admin('GET', `/admin/api/transactions?msisdn=${LI}&limit=50`)
  const payment = (transactions.json.transactions as Record<string, unknown>[]).find(
    (row) => row['id'] === paymentId,
  )
  if (payment === undefined) throw new Error(`payment ${paymentId} not listed`)
  return payment
}

describe('card payments with the bank approving', () => {
  it('LOAD moves money from card to wallet: bank balance down, wallet up, none held', async () => {
    const t = await open()
    const loaded = await t.phone(load(LI, 100_00n), { pin: LI_PIN })
    expect(loaded.ok).toBe(true)
    expect(loaded.reference).toMatch(TRANSFER_REF)
    expect(loaded.payment?.state).toBe('completed')
    expect(await card(t)).toEqual({ balance: '9900.00', drawn: '100.00', reserved: '0.00' })
    expect(await t.balance(LI, 'wallet')).toBe('600.00')
    // A load is not a merchant payment: no fee.
    expect(loaded.payment?.feeMinor).toBe(0n)
    await expectBalanced(t)
  })

  it("pays a merchant from the card with the PIN, with the bank's share of the fee", async () => {
    const t = await open()
    const paid = await t.phone(payByCard(LI, 400_00n), { pin: LI_PIN, channel: 'ussd' })
    expect(paid.ok).toBe(true)
    expect(paid.reference).toMatch(TRANSFER_REF)
    expect(await card(t)).toEqual({ balance: '9600.00', drawn: '400.00', reserved: '0.00' })
    expect(await t.balance(LI, 'wallet')).toBe('500.00')
    const day = await t.admin('GET', `/admin/api/settlements?date=${t.localDate()}`)
    expect(day.json.parties).toEqual(
      expect.arrayContaining([
        { party: 'bank', fees: '2.00' },
        { party: 'operator', fees: '0.80' },
        { party: 'platform', fees: '1.20' },
      ]),
    )
    expect(day.json.merchants).toEqual([
      {
        merchant: RINGTONES,
        payments: 1,
        gross: '400.00',
        fees: '4.00',
        refunds: '0.00',
        net: '396.00',
      },
    ])
    await expectBalanced(t)
  })

  it('refuses a wrong PIN before asking the bank', async () => {
    const t = await open()
    const wrong = await t.phone(payByCard(LI, 10_00n), { pin: '0000' })
    expect(wrong.reason).toBe('pin_incorrect')
    const bare = await t.phone(load(LI, 10_00n))
    expect(bare.reason).toBe('pin_required')
    expect(await card(t)).toEqual({ balance: '10000.00', drawn: '0.00', reserved: '0.00' })
    await expectBalanced(t)
  })

  it("passes on the bank's refusal when the card lacks the money", async () => {
    const t = await open()
    // Zhang's CCB card holds 200.00 at the bank; the ledger does not know card balances.
    const paid = await t.phone(payByCard(ZHANG, 250_00n), { pin: ZHANG_PIN })
    expect(paid.ok).toBe(false)
    expect(paid.reason).toBe('bank_declined')
    expect(await card(t, ZHANG)).toEqual({ balance: '200.00', drawn: '0.00', reserved: '0.00' })
    await expectBalanced(t)
  })

  it('completes in slow mode when the bank answers within the timeout', async () => {
    const t = await open({
      bank: { mode: 'slow', slowMs: 20 },
      operating: { bankTimeoutMs: 2_000 },
    })
    const paid = await t.phone(load(LI, 50_00n), { pin: LI_PIN })
    expect(paid.ok).toBe(true)
    expect(await t.balance(LI, 'wallet')).toBe('550.00')
    expect(await card(t)).toMatchObject({ balance: '9950.00', reserved: '0.00' })
  })
})

describe('card payments the bank does not approve', () => {
  it("decline: the payment declined, nothing moves, the day's allowance given back", async () => {
    const t = await open()
    t.gateway.bank.setBehaviour({ mode: 'decline' })
    const declined = await t.phone(payByCard(LI, 4000_00n), { pin: LI_PIN })
    expect(declined.ok).toBe(false)
    expect(declined.reason).toBe('bank_declined')
    const paymentId = declined.payment?.id ?? ''
    expect(await merchantStatus(t, paymentId)).toMatchObject({
      status: 'declined',
      reason: 'bank_declined',
      transactionRef: null,
    })
    expect(await card(t)).toEqual({ balance: '10000.00', drawn: '0.00', reserved: '0.00' })
    expect(await t.balance(LI, 'wallet')).toBe('500.00')
    const loadDeclined = await t.phone(load(LI, 100_00n), { pin: LI_PIN })
    expect(loadDeclined.reason).toBe('bank_declined')
    expect(await t.balance(LI, 'wallet')).toBe('500.00')
    await expectBalanced(t)

    // The declined 4000.00 does not count toward the 5000.00 daily limit...
    t.gateway.bank.setBehaviour({ mode: 'approve' })
    const paid = await t.phone(payByCard(LI, 4000_00n), { pin: LI_PIN })
    expect(paid.ok).toBe(true)
    // ...but the one the bank took does.
    const over = await t.phone(payByCard(LI, 1500_00n), { pin: LI_PIN })
    expect(over.reason).toBe('daily_limit_exceeded')
    expect(await card(t)).toEqual({ balance: '6000.00', drawn: '4000.00', reserved: '0.00' })
    await expectBalanced(t)
  })

  it('down: the payment fails with bank_unavailable and the reservation is released', async () => {
    const t = await open()
    const admin = await t.admin('POST', '/admin/api/bank', { mode: 'down' })
    expect(admin.json).toMatchObject({ mode: 'down' })
    const failed = await t.phone(payByCard(LI, 300_00n), { pin: LI_PIN })
    expect(failed.ok).toBe(false)
    expect(failed.reason).toBe('bank_unavailable')
    expect(await merchantStatus(t, failed.payment?.id ?? '')).toMatchObject({
      status: 'failed',
      reason: 'bank_unavailable',
    })
    const loadFailed = await t.phone(load(LI, 300_00n), { pin: LI_PIN })
    expect(loadFailed.reason).toBe('bank_unavailable')
    expect(await card(t)).toEqual({ balance: '10000.00', drawn: '0.00', reserved: '0.00' })
    expect(await t.balance(LI, 'wallet')).toBe('500.00')
    await expectBalanced(t)

    await t.admin('POST', '/admin/api/bank', { mode: 'approve' })
    expect((await t.phone(payByCard(LI, 300_00n), { pin: LI_PIN })).ok).toBe(true)
    expect(await card(t)).toMatchObject({ balance: '9700.00', drawn: '300.00' })
  })

  it('timeout: no answer in operating.bankTimeoutMs fails it and releases the hold', async () => {
    const t = await open({ bank: { mode: 'timeout' }, operating: { bankTimeoutMs: 200 } })
    const failed = await t.phone(load(LI, 100_00n), { pin: LI_PIN })
    expect(failed.ok).toBe(false)
    expect(failed.reason).toBe('bank_unavailable')
    expect(failed.payment?.state).toBe('failed')
    expect(await t.balance(LI, 'wallet')).toBe('500.00')
    expect(await card(t)).toEqual({ balance: '10000.00', drawn: '0.00', reserved: '0.00' })
    await expectBalanced(t)

    // The bank holds nothing for it: asked once it answers again, it has no hold to capture.
    t.gateway.bank.setBehaviour({ mode: 'approve' })
    expect((await t.gateway.bank.status(failed.payment?.id ?? '')).state).toBe('none')
  })
})

describe("recovery of card payments a stop left between reservation and the bank's answer", () => {
  /**
   * Commits a card payment's reservation as the service's first step does, without the bank
   * step that follows: the state a crash right after the commit leaves behind.
   */
  async function reserveOnly(t: GatewayFixture, command: Command): Promise<string> {
    const result = await t.gateway.context.commits.submit({
      key: `sms:crash-${command.kind}`,
      commandHash: commandHash(command),
      channel: 'sms',
      nowMs: t.nowMs(),
      pin: 'match',
      newPinHash: null,
      command,
    })
    expect(result.ok).toBe(true)
    expect(result.bankStep?.op).toBe('capture')
    const id = result.payment?.id ?? ''
    expect(await merchantStatus(t, id)).toMatchObject({ status: 'processing', state: 'authorized' })
    expect(await card(t)).toMatchObject({ reserved: formatted(result.payment?.amountMinor ?? 0n) })
    return id
  }

  function formatted(minor: bigint): string {
    return `${minor / 100n}.${(minor % 100n).toString().padStart(2, '0')}`
  }

  /** The bank's side before the stop: nothing, an authorization, a hold, or the capture. */
  async function bankReached(
    t: GatewayFixture,
    paymentId: string,
    amountMinor: bigint,
    upTo: 'authorized' | 'reserved' | 'captured',
  ): Promise<void> {
    const answer = await t.gateway.bank.authorize({
      reference: paymentId,
      cardToken: LI_CARD,
      amountMinor,
    })
    if (!answer.approved) throw new Error('bank declined')
    if (upTo === 'authorized') return
    await t.gateway.bank.reserve(answer.authorizationId)
    if (upTo === 'reserved') return
    await t.gateway.bank.capture(answer.authorizationId)
  }

  it('completes a payment the bank captured, and charges the card once', async () => {
    const first = await open()
    const id = await reserveOnly(first, payByCard(LI, 250_00n))
    await bankReached(first, id, 250_00n, 'captured')
    expect(await card(first)).toMatchObject({
      balance: '9750.00',
      drawn: '0.00',
      reserved: '250.00',
    })
    await expectBalanced(first)
    await first.close({ keepDir: true })

    const second = await open({}, first.dir)
    expect(await merchantStatus(second, id)).toMatchObject({
      status: 'completed',
      transactionRef: expect.stringMatching(TRANSFER_REF),
    })
    expect(await card(second)).toEqual({ balance: '9750.00', drawn: '250.00', reserved: '0.00' })
    const day = await second.merchant(
      RINGTONES,
      'GET',
      `/api/v1/settlements?date=${second.localDate()}`,
    )
    expect(day.json).toMatchObject({ payments: 1, gross: '250.00', fees: '2.50', net: '247.50' })
    await expectBalanced(second)
    // Recovery again finds nothing left to do.
    expect(await second.gateway.context.service.recoverCardPayments()).toBe(0)
  })

  for (const upTo of ['nothing', 'authorized', 'reserved'] as const) {
    const state = upTo === 'nothing' ? 'never heard of' : upTo
    it(`fails a payment the bank had ${state} and releases the money on both sides`, async () => {
      const first = await open()
      const id = await reserveOnly(first, load(LI, 120_00n))
      if (upTo !== 'nothing') await bankReached(first, id, 120_00n, upTo)
      await first.close({ keepDir: true })

      const second = await open({}, first.dir)
      expect(await merchantStatus(second, id)).toMatchObject({
        status: 'failed',
        reason: 'bank_unavailable',
        transactionRef: null,
      })
      expect(await card(second)).toEqual({ balance: '10000.00', drawn: '0.00', reserved: '0.00' })
      expect(await second.balance(LI, 'wallet')).toBe('500.00')
      expect((await second.gateway.bank.status(id)).state).toBe(
        upTo === 'nothing' ? 'none' : 'released',
      )
      await expectBalanced(second)
      // The card is usable again for the whole amount.
      expect((await second.phone(load(LI, 120_00n), { pin: LI_PIN })).ok).toBe(true)
      expect(await second.balance(LI, 'wallet')).toBe('620.00')
    })
  }

  it('leaves the payment reserved while the bank is down at start; settles it later', async () => {
    const first = await open()
    const id = await reserveOnly(first, payByCard(LI, 80_00n))
    await bankReached(first, id, 80_00n, 'captured')
    await first.close({ keepDir: true })

    const second = await open({ bank: { mode: 'down' } }, first.dir)
    expect(await merchantStatus(second, id)).toMatchObject({ status: 'processing' })
    expect(await card(second)).toMatchObject({ drawn: '0.00', reserved: '80.00' })
    await expectBalanced(second)

    second.gateway.bank.setBehaviour({ mode: 'approve' })
    expect(await second.gateway.context.service.recoverCardPayments()).toBe(1)
    expect(await merchantStatus(second, id)).toMatchObject({ status: 'completed' })
    expect(await card(second)).toEqual({ balance: '9920.00', drawn: '80.00', reserved: '0.00' })
    await expectBalanced(second)
  })

  it('settles a payment whose gateway was closed while it waited for a silent bank', async () => {
    const first = await open({ bank: { mode: 'timeout' }, operating: { bankTimeoutMs: 300 } })
    const waiting = first.phone(payByCard(LI, 60_00n), { pin: LI_PIN })
    const settled = waiting.then(
      () => 'answered',
      () => 'lost with the gateway',
    )
    // Wait until the reservation is durable, then stop the gateway under the waiting payment.
    let authorized: readonly { id: string }[] = []
    while (authorized.length === 0) {
      await new Promise((resolve) => setImmediate(resolve))
      authorized = await first.gateway.ledger.authorizedPayments()
    }
    const id = authorized[0]?.id ?? ''
    await first.close({ keepDir: true })
    // The bank's late silence lands on a closed ledger: the command fails instead of writing.
    expect(await settled).toBe('lost with the gateway')

    const second = await open({}, first.dir)
    expect(await merchantStatus(second, id)).toMatchObject({
      status: 'failed',
      reason: 'bank_unavailable',
    })
    expect(await card(second)).toEqual({ balance: '10000.00', drawn: '0.00', reserved: '0.00' })
    await expectBalanced(second)
  })
})
