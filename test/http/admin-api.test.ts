/**
 * admin-api.test.ts - the operations API of SPEC section 9 over real HTTP: the admin token,
 * subscribers and balances, health, Prometheus metrics, recent transactions, the test clock,
 * the simulated bank's mode and the ledger check.
 */
import { networkInterfaces } from 'node:os'
import { afterEach, describe, expect, it } from 'vitest'
import type { GatewayFixture } from '../support/gateway-fixture.js'
import {
  ADMIN_TOKEN,
  CINEMA,
  HAN,
  HAN_PIN,
  httpRequest,
  LI,
  LI_PIN,
  NOBODY,
  RINGTONES,
  requestPayment,
  startTestGateway,
} from '../support/gateway-fixture.js'

let fixtures: GatewayFixture[] = []
afterEach(async () => {
  for (const fixture of fixtures) await fixture.close()
  fixtures = []
})

async function open(overrides: Record<string, unknown> = {}): Promise<GatewayFixture> {
  const fixture = await startTestGateway({ overrides })
  fixtures.push(fixture)
  return fixture
}

/** An address of this machine that is not loopback, if it has one. */
const externalAddress = Object.values(networkInterfaces())
  .flat()
  .find(
    (address) => address !== undefined && address.family === 'IPv4' && !address.internal,
  )?.address

describe('admin authentication', () => {
  it('answers 401 without the admin token or with a wrong one, and changes nothing', async () => {
    const t = await open()
    const before = t.nowMs()
    const calls: [string, string, unknown][] = [
      ['GET', `/admin/api/subscribers/${LI}`, undefined],
      ['GET', '/admin/api/ledger/check', undefined],
      ['GET', '/admin/api/transactions', undefined],
      ['GET', '/admin/api/outbox', undefined],
      ['POST', '/admin/api/clock', { advanceSeconds: 3600 }],
      ['POST', '/admin/api/bank', { mode: 'down' }],
    ]
    for (const [method, path, body] of calls) {
      for (const token of [null, 'wrong', `test_key_${RINGTONES}`]) {
        const answer = await t.request(method, path, { token, body })
        expect({ method, path, token, status: answer.status, error: answer.json?.error }).toEqual({
          method,
          path,
          token,
          status: 401,
          error: 'unauthorized',
        })
      }
    }
    expect(t.nowMs()).toBe(before)
    expect(t.gateway.bank.mode.mode).toBe('approve')
    expect((await t.admin('GET', '/admin/api/ledger/check')).status).toBe(200)
  })

  it('takes Bearer in any case (RFC 9110) on the API and /metrics; the token exactly', async () => {
    const t = await open()
    for (const scheme of ['bearer', 'BEARER', 'Bearer']) {
      for (const path of ['/admin/api/ledger/check', '/metrics']) {
        const answer = await httpRequest(t.url, 'GET', path, {
          headers: { authorization: `${scheme} ${ADMIN_TOKEN}` },
        })
        expect({ scheme, path, status: answer.status }).toEqual({ scheme, path, status: 200 })
      }
    }
    const wrongCase = await httpRequest(t.url, 'GET', '/admin/api/ledger/check', {
      headers: { authorization: `Bearer ${ADMIN_TOKEN.toUpperCase()}` },
    })
    expect(wrongCase.status).toBe(401)
  })

  it.skipIf(externalAddress === undefined)(
    'accepts the default token from loopback only; a configured token works from anywhere',
    async () => {
      const open0 = await open({ http: { host: '0.0.0.0' } })
      const port = new URL(open0.url).port
      const remote = `http://${externalAddress ?? ''}:${port}`
      const fromOutside = await httpRequest(remote, 'GET', '/admin/api/ledger/check', {
        token: ADMIN_TOKEN,
      })
      expect(fromOutside.status).toBe(403)
      expect(fromOutside.json.error).toBe('forbidden')
      const fromLoopback = await httpRequest(
        `http://127.0.0.1:${port}`,
        'GET',
        '/admin/api/ledger/check',
        { token: ADMIN_TOKEN },
      )
      expect(fromLoopback.status).toBe(200)

      const configured = await open({ http: { host: '0.0.0.0' }, adminToken: 'ops-secret-7f3a' })
      const remoteConfigured = `http://${externalAddress ?? ''}:${new URL(configured.url).port}`
      expect(
        (
          await httpRequest(remoteConfigured, 'GET', '/admin/api/ledger/check', {
            token: 'ops-secret-7f3a',
          })
        ).status,
      ).toBe(200)
      expect(
        (
          await httpRequest(remoteConfigured, 'GET', '/admin/api/ledger/check', {
            token: ADMIN_TOKEN,
          })
        ).status,
      ).toBe(401)
    },
  )
})

describe('subscribers', () => {
  it("shows each account's balance, the card's from the bank, for any MSISDN form", async () => {
    const t = await open()
    const li = await t.admin('GET', '/admin/api/subscribers/+8613800138000')
    expect(li.status).toBe(200)
    expect(li.json).toMatchObject({
      msisdn: LI,
      name: 'Li Lei',
      language: 'en',
      locked: false,
      lockedUntil: null,
      pendingPaymentId: null,
    })
    expect(li.json.accounts).toEqual([
      { account: 'wallet', balance: '500.00', creditLimit: '0.00' },
      { account: 'phone_bill', balance: '50.00', creditLimit: '100.00' },
      {
        account: 'bank',
        balance: '10000.00',
        bank: 'ICBC',
        last4: '1234',
        drawn: '0.00',
        reserved: '0.00',
      },
    ])
    const han = await t.admin('GET', '/admin/api/subscribers/008613800138001')
    expect(han.json).toMatchObject({ msisdn: HAN, language: 'zh' })
    expect(han.json.accounts.map((line: { account: string }) => line.account)).toEqual([
      'wallet',
      'phone_bill',
    ])

    const id = await requestPayment(t, RINGTONES, {
      msisdn: LI,
      amount: '8.00',
      reference: 'shown',
    })
    expect((await t.subscriber(LI)).pendingPaymentId).toBe(id)

    const unknown = await t.admin('GET', `/admin/api/subscribers/${NOBODY}`)
    expect(unknown.status).toBe(404)
    expect(unknown.json.error).toBe('payer_not_registered')
    expect((await t.admin('GET', '/admin/api/subscribers/not-a-number')).status).toBe(400)
  })
})

describe('health and metrics', () => {
  it('/healthz reports the store and each channel, not ready while a channel is not', async () => {
    const t = await open()
    const ready = await t.request('GET', '/healthz', { token: ADMIN_TOKEN })
    expect(ready.status).toBe(200)
    expect(ready.json).toMatchObject({
      status: 'ready',
      store: 'ok',
      channels: { sms: 'ready', ussd: 'ready', ivr: 'ready', wap: 'ready', pos: 'ready' },
      commandQueueDepth: 0,
    })

    let otherUp = false
    t.gateway.context.channels.push({ name: 'other', ready: () => otherUp })
    const notReady = await t.request('GET', '/healthz', { token: ADMIN_TOKEN })
    expect(notReady.status).toBe(503)
    expect(notReady.json).toMatchObject({
      status: 'not_ready',
      store: 'ok',
      channels: {
        sms: 'ready',
        ussd: 'ready',
        ivr: 'ready',
        wap: 'ready',
        pos: 'ready',
        other: 'not_ready',
      },
    })
    otherUp = true
    const again = await t.request('GET', '/healthz', { token: ADMIN_TOKEN })
    expect(again.status).toBe(200)
    expect(again.json.channels).toEqual({
      sms: 'ready',
      ussd: 'ready',
      ivr: 'ready',
      wap: 'ready',
      pos: 'ready',
      other: 'ready',
    })
  })

  it('/metrics counts commands by channel, kind and result in Prometheus text format', async () => {
    const t = await open()
    expect((await t.request('GET', '/metrics')).status).toBe(401)
    const before = await t.request('GET', '/metrics', { token: ADMIN_TOKEN })
    expect(before.status).toBe(200)
    expect(before.headers.get('content-type')).toMatch(/^text\/plain/)
    expect(before.text).not.toMatch(/^telepay_commands_total\{/m)

    await t.phone({ kind: 'balance', msisdn: LI })
    await t.phone({ kind: 'balance', msisdn: HAN }, { channel: 'ussd' })
    await t.phone({ kind: 'balance', msisdn: LI })
    await requestPayment(t, RINGTONES, { msisdn: LI, amount: '3.00', reference: 'metrics' })
    await t.confirm(LI, '0000')
    await t.confirm(LI, LI_PIN)

    const after = (await t.request('GET', '/metrics', { token: ADMIN_TOKEN })).text
    expect(after).toContain('# TYPE telepay_commands_total counter')
    expect(after).toMatch(/^telepay_commands_total\{channel="sms",kind="balance",result="ok"\} 2$/m)
    expect(after).toMatch(
      /^telepay_commands_total\{channel="ussd",kind="balance",result="ok"\} 1$/m,
    )
    expect(after).toMatch(
      /^telepay_commands_total\{channel="api",kind="request_payment",result="ok"\} 1$/m,
    )
    expect(after).toMatch(
      /^telepay_commands_total\{channel="sms",kind="confirm",result="pin_incorrect"\} 1$/m,
    )
    expect(after).toMatch(/^telepay_commands_total\{channel="sms",kind="confirm",result="ok"\} 1$/m)
    expect(after).toContain('# TYPE telepay_command_seconds histogram')
    expect(after).toMatch(/^telepay_command_seconds_count\{channel="sms",kind="balance"\} 2$/m)
    expect(after).toMatch(
      /^telepay_command_seconds_bucket\{le="\+Inf",channel="sms",kind="balance"\} 2$/m,
    )
    expect(after).toMatch(/^telepay_command_queue_depth 0$/m)
    // The process's own, from prom-client: memory, event-loop lag, garbage collection.
    expect(after).toMatch(/^process_resident_memory_bytes \d+/m)
    expect(after).toContain('# TYPE nodejs_eventloop_lag_p99_seconds gauge')
    expect(after).toContain('# TYPE nodejs_gc_duration_seconds histogram')
  })
})

describe('recent transactions', () => {
  async function threePayments(t: GatewayFixture): Promise<string[]> {
    const first = await requestPayment(t, RINGTONES, {
      msisdn: LI,
      amount: '10.00',
      reference: 'one',
    })
    expect((await t.confirm(LI, LI_PIN)).ok).toBe(true)
    const second = await t.phone(
      {
        kind: 'pay_merchant',
        msisdn: HAN,
        merchantCode: CINEMA,
        amountMinor: 5_00n,
        funding: 'wallet',
        authorize: true,
      },
      { pin: HAN_PIN, channel: 'ussd' },
    )
    expect(second.ok).toBe(true)
    const third = await t.phone(
      { kind: 'send_money', msisdn: LI, payeeMsisdn: HAN, amountMinor: 3_00n, authorize: true },
      { pin: LI_PIN, channel: 'wap' },
    )
    expect(third.ok).toBe(true)
    return [first, second.payment?.id ?? '', third.payment?.id ?? '']
  }

  it('lists the newest first across channels, filtered by payer or payee MSISDN', async () => {
    const t = await open()
    const [first, second, third] = await threePayments(t)
    const ids = async (query: string): Promise<string[]> => {
      const answer = await t.admin('GET', `/admin/api/transactions${query}`)
      expect(answer.status).toBe(200)
      return (answer.json.transactions as { id: string }[]).map((row) => row.id)
    }
    expect(await ids('')).toEqual([third, second, first])
    expect(await ids(`?msisdn=${LI}`)).toEqual([third, first])
    expect(await ids(`?msisdn=${HAN}`)).toEqual([third, second])
    expect(await ids('?msisdn=%2B8613800138001')).toEqual([third, second])
    expect(await ids(`?msisdn=${NOBODY}`)).toEqual([])
    expect(await ids('?limit=1')).toEqual([third])
    expect(await ids(`?msisdn=${LI}&limit=1`)).toEqual([third])

    const rows = (await t.admin('GET', `/admin/api/transactions?msisdn=${HAN}`)).json
      .transactions as Record<string, unknown>[]
    expect(rows[0]).toMatchObject({
      id: third,
      kind: 'send',
      channel: 'wap',
      msisdn: LI,
      payee: HAN,
      amount: '3.00',
      status: 'completed',
    })
    expect(rows[1]).toMatchObject({
      id: second,
      kind: 'merchant',
      channel: 'ussd',
      msisdn: HAN,
      merchant: CINEMA,
      amount: '5.00',
      fee: '0.05',
    })
  })

  it('pages back with before= and nextBefore, one subscriber or all, to the last', async () => {
    const t = await open()
    const [first, second, third] = await threePayments(t)
    const page = async (query: string) => {
      const answer = await t.admin('GET', `/admin/api/transactions${query}`)
      expect(answer.status).toBe(200)
      return {
        ids: (answer.json.transactions as { id: string }[]).map((row) => row.id),
        next: answer.json.nextBefore as string | null,
      }
    }
    expect(await page(`?msisdn=${HAN}&limit=1`)).toEqual({ ids: [third], next: third })
    expect(await page(`?msisdn=${HAN}&limit=1&before=${third}`)).toEqual({
      ids: [second],
      next: second,
    })
    expect(await page(`?msisdn=${HAN}&limit=1&before=${second}`)).toEqual({ ids: [], next: null })
    expect(await page(`?limit=2&before=${third}`)).toEqual({ ids: [second, first], next: first })
    expect(await page(`?limit=5`)).toEqual({ ids: [third, second, first], next: null })
    for (const before of ['', 'x', 'P%20', '12']) {
      const answer = await t.admin('GET', `/admin/api/transactions?before=${before}`)
      expect({ before, status: answer.status, error: answer.json.error }).toEqual({
        before,
        status: 400,
        error: 'before_invalid',
      })
    }
  })

  it('refuses a limit below 1 or above the configured maximum, and a bad MSISDN', async () => {
    const t = await open()
    for (const limit of ['0', '501', '-1', 'abc', '2.5', '']) {
      const answer = await t.admin('GET', `/admin/api/transactions?limit=${limit}`)
      expect({ limit, status: answer.status, error: answer.json.error }).toEqual({
        limit,
        status: 400,
        error: 'limit_invalid',
      })
    }
    expect((await t.admin('GET', '/admin/api/transactions?limit=500')).status).toBe(200)
    expect((await t.admin('GET', '/admin/api/transactions?limit=1')).status).toBe(200)
    const bad = await t.admin('GET', '/admin/api/transactions?msisdn=12ab')
    expect(bad.status).toBe(400)
    expect(bad.json.error).toBe('msisdn_invalid')

    const small = await open({ operating: { transactionsQueryRowsMax: 10 } })
    expect((await small.admin('GET', '/admin/api/transactions?limit=10')).status).toBe(200)
    expect((await small.admin('GET', '/admin/api/transactions?limit=11')).status).toBe(400)
  })
})

describe('the test clock', () => {
  it('moves forward by advanceSeconds and runs what became due', async () => {
    const t = await open()
    const id = await requestPayment(t, RINGTONES, {
      msisdn: LI,
      amount: '10.00',
      reference: 'clock',
    })
    const before = t.nowMs()
    const moved = await t.admin('POST', '/admin/api/clock', { advanceSeconds: 90 })
    expect(moved.status).toBe(200)
    expect(moved.json).toEqual({ now: new Date(before + 90_000).toISOString() })
    expect((await t.merchant(RINGTONES, 'GET', `/api/v1/payment-requests/${id}`)).json.status).toBe(
      'pending_authorization',
    )
    await t.admin('POST', '/admin/api/clock', { advanceSeconds: 31 })
    expect((await t.merchant(RINGTONES, 'GET', `/api/v1/payment-requests/${id}`)).json.status).toBe(
      'expired',
    )
    expect((await t.subscriber(LI)).pendingPaymentId).toBeNull()

    const at = t.nowMs()
    for (const body of [
      { advanceSeconds: -5 },
      { advanceSeconds: '10' },
      {},
      { advanceSeconds: null },
    ]) {
      const answer = await t.admin('POST', '/admin/api/clock', body)
      expect({ body, status: answer.status, error: answer.json.error }).toEqual({
        body,
        status: 400,
        error: 'advance_invalid',
      })
    }
    expect(t.nowMs()).toBe(at)
  })

  it('is refused with 409 on a gateway that runs on the system clock', async () => {
    const t = await open({ clock: 'system' })
    const answer = await t.admin('POST', '/admin/api/clock', { advanceSeconds: 60 })
    expect(answer.status).toBe(409)
    expect(answer.json.error).toBe('no_test_clock')
    expect(t.gateway.context.advanceClock).toBeNull()
  })
})

describe('the simulated bank and the ledger check', () => {
  it("switches the bank's mode and refuses an unknown one", async () => {
    const t = await open()
    expect((await t.admin('GET', '/admin/api/bank')).json).toMatchObject({ mode: 'approve' })
    const slow = await t.admin('POST', '/admin/api/bank', { mode: 'slow', slowMs: 50 })
    expect(slow.json).toEqual({ mode: 'slow', slowMs: 50 })
    expect(t.gateway.bank.mode).toEqual({ mode: 'slow', slowMs: 50 })
    const bogus = await t.admin('POST', '/admin/api/bank', { mode: 'bogus' })
    expect(bogus.status).toBe(400)
    expect((await t.admin('POST', '/admin/api/bank', { slowMs: -1 })).status).toBe(400)
    expect(t.gateway.bank.mode).toEqual({ mode: 'slow', slowMs: 50 })
  })

  it('runs a full re-check as a job to watch; refuses an unknown mode', async () => {
    const t = await open()
    const started = await t.admin('POST', '/admin/api/ledger/checks')
    expect(started.status).toBe(202)
    const id = started.json.id as string
    expect(started.json).toMatchObject({ id: expect.stringMatching(/^check-/), state: 'running' })
    let job = started.json
    for (let poll = 0; poll < 100 && job.state === 'running'; poll += 1) {
      await new Promise((resolve) => setTimeout(resolve, 50))
      job = (await t.admin('GET', `/admin/api/ledger/checks/${id}`)).json
    }
    expect(job).toMatchObject({
      id,
      state: 'done',
      error: null,
      result: { balanced: true, mode: 'full', total: '0.00' },
    })
    expect(job.transfersRead).toBe((job.result as { transfers: number }).transfers)
    const again = await t.admin('POST', '/admin/api/ledger/checks')
    expect(again.json.id).not.toBe(id)
    expect((await t.admin('GET', '/admin/api/ledger/checks/check-999')).status).toBe(404)
    const full = await t.admin('GET', '/admin/api/ledger/check?mode=full')
    expect(full.json).toMatchObject({ balanced: true, mode: 'full' })
    const bad = await t.admin('GET', '/admin/api/ledger/check?mode=quick')
    expect({ status: bad.status, error: bad.json.error }).toEqual({
      status: 400,
      error: 'mode_invalid',
    })
  })

  it('reports a balanced ledger as JSON; names an account whose entries differ', async () => {
    const t = await open()
    await requestPayment(t, RINGTONES, { msisdn: LI, amount: '10.00', reference: 'check' })
    await t.confirm(LI, LI_PIN)
    const check = await t.admin('GET', '/admin/api/ledger/check')
    expect(check.status).toBe(200)
    expect(check.json).toEqual({
      balanced: true,
      mode: 'incremental',
      checkedThroughTransfer: 5,
      transfersRead: 5,
      orphanTransfers: 0,
      transfers: expect.any(Number) as number,
      entries: expect.any(Number) as number,
      accounts: expect.any(Number) as number,
      total: '0.00',
      unbalancedTransfers: [],
      driftedAccounts: [],
      reservationMismatches: [],
    })
    // Four non-zero opening balances (2 legs each) and the payment (payer, merchant, 2 fee
    // parties).
    expect(check.json.transfers).toBe(5)
    expect(check.json.entries).toBe(12)

    // Someone edits a balance behind the ledger's back.
    const wallet = t.gateway.ledger.db
      .prepare("SELECT id FROM accounts WHERE owner = ? AND kind = 'wallet'")
      .get(LI) as { id: bigint }
    t.gateway.ledger.db
      .prepare('UPDATE accounts SET balance_minor = balance_minor + 1 WHERE id = ?')
      .run(wallet.id)
    const broken = await t.admin('GET', '/admin/api/ledger/check')
    expect(broken.status).toBe(200)
    expect(broken.json).toMatchObject({
      balanced: false,
      total: '0.01',
      driftedAccounts: [{ accountId: Number(wallet.id), balance: '490.01', entries: '490.00' }],
    })
  })
})
