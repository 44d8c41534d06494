/**
 * admin-world.test.ts - the operator changes the world over the admin API, on a real gateway: a
 * top-up is a transfer from the funding account that the subscriber is told of by SMS and that
 * a retry does not repeat; a subscriber's PIN is reset (the lock lifted), credit and card set; a
 * merchant is opened with a key shown once that then works on the merchant API, at its own fee
 * rate; an order is created for it; bad input is refused with its field and changes nothing.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { GatewayFixture } from '../support/gateway-fixture.js'
import { ADMIN_TOKEN, HAN, LI, startTestGateway } from '../support/gateway-fixture.js'

let t: GatewayFixture
beforeEach(async () => {
  t = await startTestGateway()
})
afterEach(async () => {
  await t.close()
})

async function ledgerBalanced(): Promise<void> {
  const check = await t.admin('GET', '/admin/api/ledger/check?mode=full')
  expect(check.json).toMatchObject({ balanced: true, total: '0.00' })
}

describe('top-ups', () => {
  it('credits the wallet by a transfer, tells the subscriber, and once per key', async () => {
    const topUp = () =>
      t.request('POST', `/admin/api/subscribers/${HAN}/top-ups`, {
        token: ADMIN_TOKEN,
        body: { account: 'wallet', amount: '25.00' },
        headers: { 'idempotency-key': 'cash-at-agent-7' },
      })
    const first = await topUp()
    expect(first.status).toBe(201)
    expect(first.json).toMatchObject({ account: 'wallet', amount: '25.00', balance: '45.00' })
    expect((first.json as { reference: string }).reference).toMatch(/^T[0-9A-Z]{6}$/)
    expect((await topUp()).json).toEqual(first.json)
    expect((await t.subscriber(HAN)).accounts[0]).toMatchObject({ balance: '45.00' })
    const outbox = await t.admin('GET', '/admin/api/outbox')
    const texts = (outbox.json as { outbox: { to: string; text: string }[] }).outbox
    expect(texts.filter((sms) => sms.to === HAN).map((sms) => sms.text)).toEqual([
      '您的钱包已到账25.00元，余额45.00元。交易号' +
        `${(first.json as { reference: string }).reference}。`,
    ])
    await ledgerBalanced()
  })

  it('refuses what it cannot credit, with the reason, and moves nothing', async () => {
    const cases: [unknown, number, string][] = [
      [{ account: 'wallet', amount: '0' }, 400, 'amount_not_positive'],
      [{ account: 'wallet', amount: 25 }, 400, 'amount_invalid'],
      [{ account: 'bank', amount: '5.00' }, 400, 'account_invalid'],
      [{ account: 'wallet', amount: '100000.01' }, 422, 'amount_above_funding_max'],
      [{ account: 'wallet', amount: '9990.00' }, 422, 'wallet_cap_exceeded'],
    ]
    for (const [body, status, error] of cases) {
      const answer = await t.admin('POST', `/admin/api/subscribers/${LI}/top-ups`, body)
      expect(
        [answer.status, (answer.json as { error: string }).error],
        JSON.stringify(body),
      ).toEqual([status, error])
    }
    const nobody = await t.admin('POST', '/admin/api/subscribers/8613700137000/top-ups', {
      amount: '5.00',
    })
    expect(nobody.status).toBe(422)
    expect((await t.subscriber(LI)).accounts[0]).toMatchObject({ balance: '500.00' })
  })
})

describe('subscriber changes', () => {
  it('resets a PIN, which lifts a lock, and sets the credit limit and a card', async () => {
    for (const pin of ['0000', '0000', '0000'])
      await t.phone({ kind: 'verify_pin', msisdn: HAN }, { pin })
    expect((await t.subscriber(HAN)).locked).toBe(true)
    const changed = await t.admin('PATCH', `/admin/api/subscribers/${HAN}`, {
      pin: '2468',
      creditLimit: '30.00',
      name: 'Han M.',
    })
    expect(changed.status).toBe(200)
    expect(changed.text).not.toContain('2468')
    expect(changed.json).toMatchObject({ name: 'Han M.', locked: false, language: 'zh' })
    expect((await t.phone({ kind: 'verify_pin', msisdn: HAN }, { pin: '2468' })).ok).toBe(true)
    const card = await t.admin('PUT', `/admin/api/subscribers/${HAN}/card`, {
      bank: 'ABC',
      last4: '5678',
      bankBalance: '300.00',
    })
    expect(card.status).toBe(200)
    expect((card.json as { accounts: unknown[] }).accounts).toEqual([
      { account: 'wallet', balance: '20.00', creditLimit: '0.00' },
      { account: 'phone_bill', balance: '20.00', creditLimit: '30.00' },
      {
        account: 'bank',
        balance: '300.00',
        bank: 'ABC',
        last4: '5678',
        drawn: '0.00',
        reserved: '0.00',
      },
    ])
    // The new card pays at once: the bank has it.
    const paid = await t.phone(
      {
        kind: 'pay_merchant',
        msisdn: HAN,
        merchantCode: '1001',
        amountMinor: 1_000n,
        funding: 'bank',
        authorize: true,
      },
      { pin: '2468' },
    )
    expect(paid.ok).toBe(true)
    const bad = await t.admin('PATCH', `/admin/api/subscribers/${HAN}`, { pin: '12', name: 'X' })
    expect([bad.status, (bad.json as { error: string }).error]).toEqual([400, 'pin_invalid'])
    expect((await t.subscriber(HAN)).name).toBe('Han M.')
  })
})

describe('merchants and orders', () => {
  it('opens a merchant whose key works at once, at its own fee rate', async () => {
    const opened = await t.admin('POST', '/admin/api/merchants', {
      code: '4001',
      name: 'Noodle Bar',
      settlementBank: 'ICBC',
      feeBasisPoints: 250,
    })
    expect(opened.status).toBe(201)
    const { apiKey } = opened.json as { apiKey: string }
    expect(apiKey).toMatch(/^tp_key_/)
    expect((await t.admin('GET', '/admin/api/merchants/4001')).text).not.toContain(apiKey)
    const again = await t.admin('POST', '/admin/api/merchants', { code: '4001', name: 'Other' })
    expect([again.status, (again.json as { error: string }).error]).toEqual([
      409,
      'merchant_already_exists',
    ])
    const request = await t.request('POST', '/api/v1/payment-requests', {
      token: apiKey,
      body: { msisdn: LI, amount: '100.00', reference: 'bowl-1', description: 'Noodles' },
    })
    expect(request.status).toBe(202)
    expect((await t.confirm(LI, '1234')).ok).toBe(true)
    // 2.50 % of 100.00: the merchant keeps 97.50.
    const merchant = await t.admin('GET', '/admin/api/merchants/4001')
    expect(merchant.json).toMatchObject({ feeBasisPoints: 250, balance: '97.50' })
    // A new key replaces the old one.
    const rotated = await t.admin('PATCH', '/admin/api/merchants/4001', { rotateApiKey: true })
    const newKey = (rotated.json as { apiKey: string }).apiKey
    expect(newKey).not.toBe(apiKey)
    const oldKey = await t.request('GET', '/api/v1/payment-requests/P0000001', { token: apiKey })
    expect(oldKey.status).toBe(401)
    await ledgerBalanced()
  })

  it('keeps a fee rule (fixed part, floor, cap), refuses a floor above the cap', async () => {
    const opened = await t.admin('POST', '/admin/api/merchants', {
      code: '4002',
      name: 'Tea Stall',
      feeBasisPoints: 60,
      feeFixed: '0.20',
      feeMin: '1.00',
      feeMax: '1.50',
    })
    expect(opened.status).toBe(201)
    expect(opened.json).toMatchObject({ feeFixed: '0.20', feeMin: '1.00', feeMax: '1.50' })
    const { apiKey } = opened.json as { apiKey: string }
    await t.request('POST', '/api/v1/payment-requests', {
      token: apiKey,
      body: { msisdn: LI, amount: '50.00', reference: 'tea-1', description: 'Tea' },
    })
    expect((await t.confirm(LI, '1234')).ok).toBe(true)
    // 0.60 % of 50.00 plus 0.20 is 0.50, raised to the floor 1.00: the stall keeps 49.00.
    expect((await t.admin('GET', '/admin/api/merchants/4002')).json).toMatchObject({
      balance: '49.00',
    })
    const bad = await t.admin('PATCH', '/admin/api/merchants/4002', { feeMin: '2.00' })
    expect([bad.status, (bad.json as { error: string }).error]).toEqual([400, 'fee_rule_invalid'])
    const uncapped = await t.admin('PATCH', '/admin/api/merchants/4002', {
      feeMin: '2.00',
      feeMax: null,
    })
    expect(uncapped.json).toMatchObject({ feeMin: '2.00', feeMax: null })
    const notAmount = await t.admin('PATCH', '/admin/api/merchants/4002', { feeFixed: 0.2 })
    expect(notAmount.status).toBe(400)
    await ledgerBalanced()
  })

  it('creates an order, numbered or under a given number once', async () => {
    const created = await t.admin('POST', '/admin/api/orders', {
      merchantCode: '1002',
      amount: '45.00',
      description: 'Two tickets',
    })
    expect(created.status).toBe(201)
    expect(created.json).toMatchObject({ orderNo: '880002', amount: '45.00' })
    const numbered = await t.admin('POST', '/admin/api/orders', {
      merchantCode: '1002',
      amount: '45.00',
      orderNo: '990001',
    })
    expect(numbered.status).toBe(201)
    const taken = await t.admin('POST', '/admin/api/orders', {
      merchantCode: '1002',
      amount: '45.00',
      orderNo: '990001',
    })
    expect([taken.status, (taken.json as { error: string }).error]).toEqual([
      409,
      'order_already_exists',
    ])
    // The next numbered order follows the highest number given.
    const next = await t.admin('POST', '/admin/api/orders', {
      merchantCode: '1002',
      amount: '1.00',
    })
    expect(next.json).toMatchObject({ orderNo: '990002' })
    const unknown = await t.admin('POST', '/admin/api/orders', {
      merchantCode: '9999',
      amount: '1',
    })
    expect(unknown.status).toBe(404)
  })

  it('refuses a call without the admin token', async () => {
    const answer = await t.request('POST', '/admin/api/merchants', {
      body: { code: '4009', name: 'Sneaky' },
    })
    expect(answer.status).toBe(401)
  })
})
