/**
 * settlement-parties.test.ts - the settlement answers name the fee parties as the running
 * operating model does: under third_party the platform's share is the provider's. The admin
 * API's day and a merchant's own day both say the model, the party names and who took the fees
 * (the merchant's: of its own payments only). The admin API shows the running model whole.
 */
import { afterEach, describe, expect, it } from 'vitest'
import type { GatewayFixture } from '../support/gateway-fixture.js'
import {
  LI,
  LI_PIN,
  METRO,
  RINGTONES,
  requestPayment,
  startTestGateway,
} from '../support/gateway-fixture.js'

let t: GatewayFixture
afterEach(async () => {
  await t.close()
})

async function paid(merchantCode: string, amount: string, account: 'wallet' | 'bank') {
  await requestPayment(t, merchantCode, { msisdn: LI, amount, reference: `ref-${amount}`, account })
  expect((await t.confirm(LI, LI_PIN)).ok).toBe(true)
}

describe('settlements under an operating model', () => {
  it('third_party: the platform is the provider, in the day and in a merchant day', async () => {
    t = await startTestGateway({ overrides: { operatingModel: 'third_party' } })
    // Wallet 100.00: fee 1.00, operator 25 % and provider 75 %. Card 200.00: fee 2.00, bank 40 %,
    // operator 20 %, provider 40 %.
    await paid(RINGTONES, '100.00', 'wallet')
    await paid(METRO, '200.00', 'bank')
    const names = { operator: 'operator', bank: 'bank', platform: 'provider' }

    const day = await t.admin('GET', `/admin/api/settlements?date=${t.localDate()}`)
    expect(day.status).toBe(200)
    expect(day.json).toMatchObject({ operatingModel: 'third_party', partyNames: names })
    expect(day.json.parties).toEqual([
      { party: 'operator', fees: '0.65' },
      { party: 'bank', fees: '0.80' },
      { party: 'platform', fees: '1.55' },
    ])

    const ringtones = await t.merchant(
      RINGTONES,
      'GET',
      `/api/v1/settlements?date=${t.localDate()}`,
    )
    expect(ringtones.json).toMatchObject({
      merchant: RINGTONES,
      fees: '1.00',
      operatingModel: 'third_party',
      partyNames: names,
      parties: [
        { party: 'operator', fees: '0.25' },
        { party: 'bank', fees: '0.00' },
        { party: 'platform', fees: '0.75' },
      ],
    })
  })

  it('cooperative (the default): operator, bank, platform with the SPEC 3 shares', async () => {
    t = await startTestGateway()
    await paid(METRO, '200.00', 'bank')
    const metro = await t.merchant(METRO, 'GET', `/api/v1/settlements?date=${t.localDate()}`)
    expect(metro.json).toMatchObject({
      operatingModel: 'cooperative',
      partyNames: { operator: 'operator', bank: 'bank', platform: 'platform' },
      parties: [
        { party: 'operator', fees: '0.40' },
        { party: 'bank', fees: '1.00' },
        { party: 'platform', fees: '0.60' },
      ],
    })
  })
})

describe('GET /admin/api/operating-model', () => {
  it('shows the running model: accounts, rules, the micro line, shares and names', async () => {
    t = await startTestGateway({
      overrides: { operatingModel: 'bank', limits: { phoneBillPaymentMaxMinor: '30.00' } },
    })
    const model = await t.admin('GET', '/admin/api/operating-model')
    expect(model.status).toBe(200)
    expect(model.json).toEqual({
      operatingModel: 'bank',
      accounts: ['bank'],
      cardPaysOwnBankOnly: true,
      selfRegistration: false,
      microPaymentMax: '30.00',
      feeShares: {
        bank: [
          { party: 'bank', percent: 60 },
          { party: 'operator', percent: 20 },
          { party: 'platform', percent: 20 },
        ],
      },
      partyNames: { operator: 'operator', bank: 'bank', platform: 'platform' },
    })
    expect((await t.request('GET', '/admin/api/operating-model', { token: null })).status).toBe(401)
  })
})
