/**
 * ota-loads.test.ts - a card top-up over the air, end to end through the SMSC simulator and the
 * simulated SIM: loaded once with the card's TAC on the payment's trail; a phone out of reach
 * asked again with a growing wait and refunded after its bound (the wallet whole again, the float
 * reconciled); a proof of receipt lost after the card took the CREDIT neither loads twice nor
 * refunds (the card's online serial tells); a load past the purse's cap refused before any money
 * moves; and from a bank card, the refund going back through the bank.
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
