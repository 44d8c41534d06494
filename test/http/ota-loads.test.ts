/**
 * ota-loads.test.ts - a card top-up over the air, end to end through the SMSC simulator and the
 * simulated SIM: loaded once with the card's TAC on the payment's trail; a phone out of reach
 * asked again with a growing wait and refunded after its bound (the wallet whole again, the float
 * reconciled); a proof of receipt lost after the card took the CREDIT neither loads twice nor
 * refunds (the card's online serial tells); one the SIM went silent on after a CREDIT closed by
 * the operator, once; a load past the purse's cap refused before any money moves; and from a
 * bank card, the refund going back through the bank.
 */
import { afterEach, describe, expect, it } from 'vitest'
import type { Command } from '../../src/core/index.js'
import { otaLimits } from '../../src/gateway/onsite/ota-loads.js'
import type { GatewayFixture } from '../support/gateway-fixture.js'
import { LI, LI_PIN, startTestGateway } from '../support/gateway-fixture.js'

let gw: GatewayFixture | undefined

afterEach(async () => {
  await gw?.close()
  gw = undefined
})

function loadCard(msisdn: string, amount: bigint, funding: 'wallet' | 'bank' = 'wallet'): Command {
  return { kind: 'load_card', msisdn, amountMinor: amount, funding, authorize: true }
}

async function card(t: GatewayFixture, msisdn: string) {
  return (await t.request('GET', `/sim/cards/${msisdn}`)).json as {
    balance: string
    onlineSerial: number
  }
}

async function reconciliation(t: GatewayFixture) {
  return (await t.admin('GET', '/admin/api/purses/reconciliation')).json as Record<string, unknown>
}

/** Waits until `check` holds, sweeping the gateway meanwhile; the sweeps run every second. */
async function eventually(check: () => Promise<boolean>, seconds = 5): Promise<void> {
  const until = Date.now() + seconds * 1000
  while (Date.now() < until) {
    if (await check()) return
    await new Promise((resolve) => setTimeout(resolve, 100))
  }
  throw new Error('did not happen in time')
}

describe('a card top-up over the air', () => {
  it('reaches the card once, with its TAC on the trail and an SMS of its balance', async () => {
    gw = await startTestGateway()
    const t = gw
    const result = await t.phone(loadCard(LI, 5_000n), { pin: LI_PIN })
    expect(result.ok).toBe(true)
    expect(result.payment?.state).toBe('completed')
    await eventually(async () => (await card(t, LI)).balance === '50.00')
    await eventually(async () => (await t.smsTo(LI)).some((text) => text.includes('CNY 50.00')))
    expect(await t.smsTo(LI)).toContain('CNY 50.00 is on your SIM card. Card balance CNY 50.00.')
    expect(await t.balance(LI, 'wallet')).toBe('450.00')
    expect(await reconciliation(t)).toMatchObject({
      float: '50.00',
      cardsKnown: '50.00',
      inFlight: '0.00',
      balanced: true,
    })
    const trail = await t.admin('GET', `/admin/api/payments/${result.payment?.id}/trail`)
    expect(trail.json.delivered).toBe(true)
    const delivery = (trail.json.steps as { step: unknown; detail: string }[]).find(
      (step) => step.step === 9,
    )
    expect(delivery?.detail).toMatch(/^on the card: TAC [0-9A-F]{8}, online serial 0$/)
  })

  it('asks a phone out of reach again, then refunds the load after its bound', async () => {
    gw = await startTestGateway()
    const t = gw
    await t.request('PUT', `/sim/cards/${LI}/ota`, { body: { fault: 'off' } })
    const result = await t.phone(loadCard(LI, 3_000n), { pin: LI_PIN })
    expect(result.ok).toBe(true)
    expect(await t.balance(LI, 'wallet')).toBe('470.00')
    expect(await reconciliation(t)).toMatchObject({ inFlight: '30.00', balanced: true })
    // Each try waits twice as long as the one before; advancing past the longest is enough.
    for (let attempt = 0; attempt <= otaLimits.attemptsMax; attempt += 1)
      await t.advance(otaLimits.retryDelayMaxMs / 1000)
    await eventually(async () => (await t.balance(LI, 'wallet')) === '500.00')
    await eventually(async () =>
      (await t.smsTo(LI)).some((text) => text.includes('could not be reached')),
    )
    expect(await card(t, LI)).toMatchObject({ balance: '0.00' })
    expect(await reconciliation(t)).toMatchObject({
      float: '0.00',
      inFlight: '0.00',
      balanced: true,
    })
    // Back in reach, the next top-up goes through.
    await t.request('PUT', `/sim/cards/${LI}/ota`, { body: { fault: null } })
    await t.phone(loadCard(LI, 1_000n), { pin: LI_PIN })
    await eventually(async () => (await card(t, LI)).balance === '10.00')
  })

  it('loads once when the proof of a CREDIT the card took is lost', async () => {
    gw = await startTestGateway()
    const t = gw
    await t.request('PUT', `/sim/cards/${LI}/ota`, { body: { fault: 'lose_credit_answer' } })
    expect((await t.phone(loadCard(LI, 2_000n), { pin: LI_PIN })).ok).toBe(true)
    // The card has the value; the platform does not know yet.
    await eventually(async () => (await card(t, LI)).balance === '20.00')
    expect(await reconciliation(t)).toMatchObject({ cardsKnown: '0.00', inFlight: '20.00' })
    // The second packet (the CREDIT) waits twice the first's timeout before it is asked again.
    await t.advance((2 * otaLimits.porTimeoutMs) / 1000)
    await eventually(async () => (await reconciliation(t))['inFlight'] === '0.00')
    expect(await card(t, LI)).toMatchObject({ balance: '20.00', onlineSerial: 1 })
    expect(await reconciliation(t)).toMatchObject({
      float: '20.00',
      cardsKnown: '20.00',
      balanced: true,
    })
    await eventually(async () => (await t.smsTo(LI)).some((text) => text.includes('20.00 is on')))
  })

  it('lets the operator close a load the SIM went silent on after a CREDIT', async () => {
    gw = await startTestGateway()
    const t = gw
    // The card takes the CREDIT, its proof is lost, and the phone is then out of reach for good.
    await t.request('PUT', `/sim/cards/${LI}/ota`, { body: { fault: 'lose_credit_answer' } })
    const paid = await t.phone(loadCard(LI, 3_000n), { pin: LI_PIN })
    expect(paid.ok).toBe(true)
    await eventually(async () => (await card(t, LI)).balance === '30.00')
    await t.request('PUT', `/sim/cards/${LI}/ota`, { body: { fault: 'off' } })
    for (let sweep = 0; sweep < otaLimits.attemptsMax + 2; sweep += 1)
      await t.advance(otaLimits.retryDelayMaxMs / 1000)
    // Never refunded on a guess: the money may be (and is) on the card.
    const open = (await t.admin('GET', '/admin/api/card-loads')).json.loads as Record<
      string,
      unknown
    >[]
    expect(open).toHaveLength(1)
    expect(open[0]).toMatchObject({ msisdn: LI, amount: '30.00', creditSent: true, outcome: null })
    expect(await reconciliation(t)).toMatchObject({ cardsKnown: '0.00', inFlight: '30.00' })
    const paymentId = String(open[0]?.['paymentId'])

    // Bad requests change nothing.
    const path = `/admin/api/card-loads/${paymentId}/close`
    expect((await t.admin('POST', path, { outcome: 'maybe', reason: 'x' })).status).toBe(400)
    expect((await t.admin('POST', path, { outcome: 'loaded' })).status).toBe(400)
    const unknown = await t.admin('POST', '/admin/api/card-loads/P999999/close', {
      outcome: 'loaded',
      reason: 'read at the office',
    })
    expect(unknown.status).toBe(404)

    // The card read at a ticket office shows the load: the operator closes it as loaded.
    const closed = await t.admin('POST', path, {
      outcome: 'loaded',
      reason: 'card read at Wuyi Square office: online serial 1, load of 30.00 in its log',
    })
    expect(closed.status, closed.text).toBe(200)
    expect(closed.json).toMatchObject({ stage: 'done', outcome: 'loaded' })
    expect((await t.admin('GET', '/admin/api/card-loads')).json.loads).toEqual([])
    expect(await reconciliation(t)).toMatchObject({
      float: '30.00',
      cardsKnown: '30.00',
      inFlight: '0.00',
      balanced: true,
    })
    expect(await t.balance(LI, 'wallet')).toBe('470.00')
    const trail = (await t.admin('GET', `/admin/api/payments/${paymentId}/trail`)).json.steps as {
      step: number
      detail: string
    }[]
    expect(trail.find((entry) => entry.step === 9)?.detail).toContain('closed by the operator')
    // Once only: a second close, and the phone back in reach, change nothing.
    const again = await t.admin('POST', path, { outcome: 'refunded', reason: 'again' })
    expect(again.status).toBe(409)
    await t.request('PUT', `/sim/cards/${LI}/ota`, { body: { fault: null } })
    await t.advance(otaLimits.retryDelayMaxMs / 1000)
    expect(await t.balance(LI, 'wallet')).toBe('470.00')
    expect((await card(t, LI)).balance).toBe('30.00')
  })

  it('refuses a top-up past the purse cap, counting loads on their way', async () => {
    gw = await startTestGateway()
    const t = gw
    const over = await t.phone(loadCard(LI, 100_001n, 'bank'), { pin: LI_PIN })
    expect(over.ok).toBe(false)
    expect(over.reason).toBe('card_cap_exceeded')
    await t.request('PUT', `/sim/cards/${LI}/ota`, { body: { fault: 'off' } })
    expect((await t.phone(loadCard(LI, 60_000n, 'bank'), { pin: LI_PIN })).ok).toBe(true)
    const bank = await t.balance(LI, 'bank')
    const second = await t.phone(loadCard(LI, 50_000n, 'bank'), { pin: LI_PIN })
    expect(second.reason).toBe('card_cap_exceeded')
    expect(await t.balance(LI, 'bank')).toBe(bank)
  })

  it('refunds a bank card load through the bank when the card refuses it', async () => {
    gw = await startTestGateway()
    const t = gw
    // Blocked on the SIM by a gate (the operator has since taken it off the list).
    await t.request('POST', `/sim/cards/${LI}/loads`, { body: { amount: '1.00' } })
    await t.admin('PUT', `/admin/api/cards/${LI}/blacklist`, { listed: true })
    await t.request('POST', '/sim/terminals/BUS00001/uploads')
    await t.request('POST', '/sim/terminals/BUS00001/taps', { body: { msisdn: LI } })
    await t.admin('PUT', `/admin/api/cards/${LI}/blacklist`, { listed: false })
    const bankBefore = await t.balance(LI, 'bank')
    const result = await t.phone(loadCard(LI, 4_000n, 'bank'), { pin: LI_PIN })
    expect(result.ok, JSON.stringify(result.message)).toBe(true)
    await eventually(async () => (await t.balance(LI, 'bank')) === bankBefore)
    await eventually(async () =>
      (await t.smsTo(LI)).some((text) => text.includes('went back to your bank')),
    )
    expect(await reconciliation(t)).toMatchObject({ inFlight: '0.00', balanced: true })
  })
})
