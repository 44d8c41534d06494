/**
 * admin-subscribers.test.ts - the operator registers a subscriber (POST /admin/api/subscribers)
 * under any operating model, the bank's included where a number cannot register itself: the
 * accounts open empty, the PIN is hashed (never answered back) and works at once, a retry under
 * the same Idempotency-Key registers once, and bad input is refused with its reason and changes
 * nothing.
 */
import { afterEach, describe, expect, it } from 'vitest'
import type { GatewayFixture } from '../support/gateway-fixture.js'
import { ADMIN_TOKEN, LI, startTestGateway } from '../support/gateway-fixture.js'

const WANG = '8613500135000'
let t: GatewayFixture | null = null
afterEach(async () => {
  await t?.close()
  t = null
})

describe('POST /admin/api/subscribers', () => {
  it('registers a subscriber under the bank model, where no number registers itself', async () => {
    t = await startTestGateway({ overrides: { operatingModel: 'bank' } })
    const selfRegistered = await t.phone(
      { kind: 'register', msisdn: WANG, name: 'Wang Fang', language: 'zh' },
      { newPin: '2468' },
    )
    expect(selfRegistered.reason).toBe('registration_not_offered')

    const created = await t.request('POST', '/admin/api/subscribers', {
      token: ADMIN_TOKEN,
      body: { msisdn: `+${WANG}`, name: 'Wang Fang', pin: '2468', language: 'zh' },
      headers: { 'idempotency-key': 'wang-1' },
    })
    expect(created.status).toBe(201)
    expect(created.json).toMatchObject({
      msisdn: WANG,
      name: 'Wang Fang',
      language: 'zh',
      locked: false,
      accounts: [
        { account: 'wallet', balance: '0.00', creditLimit: '0.00' },
        { account: 'phone_bill', balance: '0.00', creditLimit: '0.00' },
      ],
    })
    expect(created.text).not.toContain('2468')
    // The PIN works on every channel at once.
    expect((await t.phone({ kind: 'verify_pin', msisdn: WANG }, { pin: '2468' })).ok).toBe(true)
    expect((await t.phone({ kind: 'verify_pin', msisdn: WANG }, { pin: '1357' })).reason).toBe(
      'pin_incorrect',
    )
    // A retry under the same key answers the same and registers once; another body is refused.
    const retried = await t.request('POST', '/admin/api/subscribers', {
      token: ADMIN_TOKEN,
      body: { msisdn: WANG, name: 'Wang Fang', pin: '2468', language: 'zh' },
      headers: { 'idempotency-key': 'wang-1' },
    })
    expect(retried.status).toBe(201)
    const reused = await t.request('POST', '/admin/api/subscribers', {
      token: ADMIN_TOKEN,
      body: { msisdn: WANG, name: 'Someone Else', pin: '2468' },
      headers: { 'idempotency-key': 'wang-1' },
    })
    expect(reused.status).toBe(409)
    expect(reused.json.error).toBe('idempotency_key_reused')
    const check = await t.admin('GET', '/admin/api/ledger/check')
    expect(check.json.balanced).toBe(true)
  })

  it.each([
    [{ msisdn: '12', name: 'X', pin: '2468' }, 400, 'msisdn_invalid'],
    [{ msisdn: WANG, pin: '2468' }, 400, 'name_invalid'],
    [{ msisdn: WANG, name: 'X'.repeat(41), pin: '2468' }, 400, 'name_invalid'],
    [{ msisdn: WANG, name: 'Wang', pin: '2468', language: 'fr' }, 400, 'language_invalid'],
    [{ msisdn: WANG, name: 'Wang', pin: '24' }, 400, 'pin_format_invalid'],
    [{ msisdn: WANG, name: 'Wang' }, 400, 'pin_format_invalid'],
    [{ msisdn: LI, name: 'Li again', pin: '2468' }, 422, 'already_registered'],
  ])('refuses %o with %i %s and registers nobody', async (body, status, error) => {
    t ??= await startTestGateway()
    const answer = await t.request('POST', '/admin/api/subscribers', { token: ADMIN_TOKEN, body })
    expect(answer.status).toBe(status)
    expect(answer.json.error).toBe(error)
    expect((await t.admin('GET', `/admin/api/subscribers/${WANG}`)).status).toBe(404)
  })

  it('takes the admin token', async () => {
    t = await startTestGateway()
    const answer = await t.request('POST', '/admin/api/subscribers', {
      token: 'wrong',
      body: { msisdn: WANG, name: 'Wang', pin: '2468' },
    })
    expect(answer.status).toBe(401)
  })
})
