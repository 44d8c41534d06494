/**
 * world-load.test.ts - `telepay world export` and `telepay world load` against running gateways:
 * a world exported and loaded into an empty gateway exports the same again (balances, PIN
 * hashes that still open the account, merchants' keys and fee rates, open orders), a second load
 * changes nothing, a file of new parties is added beside what a gateway holds and what it has is
 * left alone, a file with problems changes nothing; and SIGHUP loads what a world file gained.
 */
import { spawn } from 'node:child_process'
import { readFileSync, writeFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { envWith, telepayIn } from '../support/cli-runs.js'
import type { GatewayFixture } from '../support/gateway-fixture.js'
import { ADMIN_TOKEN, HAN, LI, startTestGateway } from '../support/gateway-fixture.js'
import { scratchSpace } from '../support/scratch.js'

const scratch = scratchSpace('telepay-world-load-')
const fixtures: GatewayFixture[] = []
afterEach(async () => {
  for (const fixture of fixtures.splice(0)) await fixture.close()
})

async function gateway(world: 'default' | 'none'): Promise<GatewayFixture> {
  const fixture = await startTestGateway({ overrides: { world } })
  fixtures.push(fixture)
  return fixture
}

const cli = (args: string[], url: string) =>
  telepayIn([...args, '--url', url, '--admin-token', ADMIN_TOKEN], { cwd: scratch.dir() })

/** The file without its header, which says when it was written. */
const body = (text: string): string => text.split('\n').slice(2).join('\n')

const newcomers = `
subscribers:
  - { msisdn: '8613500135000', name: Wang Fang, pin: '2468', language: zh, wallet: '80.00',
      phoneBill: { balance: '10.00', creditLimit: '50.00' },
      card: { bank: ABC, last4: '4321', bankBalance: '900.00' } }
  - { msisdn: '${LI}', name: Someone Else, pin: '9999', wallet: '1.00' }
merchants:
  - { code: '4001', name: Noodle Bar, settlementBank: ABC, feeBasisPoints: 250 }
orders:
  - { orderNo: '990001', merchantCode: '4001', amount: '12.00', description: Noodles }
`

describe('telepay world export and load', () => {
  it('round-trips a world into an empty gateway, and a second load changes nothing', async () => {
    const source = await gateway('default')
    await source.admin('POST', `/admin/api/subscribers/${HAN}/top-ups`, { amount: '5.00' })
    await source.admin('POST', '/admin/api/merchants', {
      code: '4001',
      name: 'Noodle Bar',
      feeBasisPoints: 250,
      feeFixed: '0.10',
      feeMax: '3.00',
      apiKey: 'noodle_key_0123456789',
    })
    const file = join(scratch.dir(), 'export.yaml')
    const exported = await cli(['world', 'export', '--out', file], source.url)
    expect(exported.code, exported.stderr).toBe(0)
    const text = readFileSync(file, 'utf8')
    expect(text).toContain('pinHash: scrypt$')
    expect(text).not.toMatch(/pin: "?1234/)
    // The fee rule goes with the merchant (and comes back by the export of the load below).
    expect(text).toMatch(/feeBasisPoints: 250\n\s+feeFixed: "0.10"\n\s+feeMax: "3.00"/)

    const target = await gateway('none')
    const loaded = await cli(['world', 'load', file], target.url)
    expect(loaded.code, loaded.stderr).toBe(0)
    expect(loaded.stdout).toContain('added: 3 subscribers, 6 merchants, 1 order\n')
    const again = await cli(['world', 'export'], target.url)
    expect(body(again.stdout)).toBe(body(text))
    const reloaded = await cli(['world', 'load', file], target.url)
    expect(reloaded.stdout).toContain('added: 0 subscribers, 0 merchants, 0 orders\n')
    expect(reloaded.stdout).toContain('kept as they were: 3 subscribers, 6 merchants, 1 order\n')
    // The PIN hash still opens the account; the merchant's key still works, at its rate.
    expect((await target.phone({ kind: 'verify_pin', msisdn: LI }, { pin: '1234' })).ok).toBe(true)
    const request = await target.request('POST', '/api/v1/payment-requests', {
      token: 'noodle_key_0123456789',
      body: { msisdn: LI, amount: '10.00', reference: 'r1' },
    })
    expect(request.status).toBe(202)
    expect((await target.subscriber(HAN)).accounts[0]).toMatchObject({ balance: '25.00' })
    const check = await target.admin('GET', '/admin/api/ledger/check?mode=full')
    expect(check.json).toMatchObject({ balanced: true, total: '0.00' })
  })

  it('adds new parties beside a world and leaves the ones it has alone', async () => {
    const target = await gateway('default')
    const file = join(scratch.dir(), 'newcomers.yaml')
    writeFileSync(file, newcomers)
    const loaded = await cli(['world', 'load', file], target.url)
    expect(loaded.code, loaded.stderr).toBe(0)
    expect(loaded.stdout).toContain('added: 1 subscriber, 1 merchant, 1 order\n')
    expect(loaded.stdout).toContain('kept as they were: 1 subscriber, 0 merchants, 0 orders\n')
    const wang = await target.subscriber('8613500135000')
    expect(wang.accounts).toEqual([
      { account: 'wallet', balance: '80.00', creditLimit: '0.00' },
      { account: 'phone_bill', balance: '10.00', creditLimit: '50.00' },
      {
        account: 'bank',
        balance: '900.00',
        bank: 'ABC',
        last4: '4321',
        drawn: '0.00',
        reserved: '0.00',
      },
    ])
    const li = await target.subscriber(LI)
    expect(li.name).toBe('Li Lei')
    expect(li.accounts[0]).toMatchObject({ balance: '500.00' })
    // No SMS for balances carried over.
    const outbox = await target.admin('GET', '/admin/api/outbox')
    expect((outbox.json as { outbox: unknown[] }).outbox).toEqual([])
    const paid = await target.phone(
      {
        kind: 'pay_order',
        msisdn: '8613500135000',
        orderNo: '990001',
        funding: 'wallet',
        authorize: true,
      },
      { pin: '2468' },
    )
    expect(paid.ok).toBe(true)
  })

  it('refuses a file with problems, naming each, and changes nothing', async () => {
    const target = await gateway('default')
    const file = join(scratch.dir(), 'broken.yaml')
    writeFileSync(
      file,
      "subscribers: [{ msisdn: '8613500135000', name: Wang }]\nmerchants: []\n" +
        "orders: [{ orderNo: '990001', merchantCode: '4001', amount: '1.00' }]\n",
    )
    const loaded = await cli(['world', 'load', file], target.url)
    expect(loaded.code).toBe(1)
    expect(loaded.stderr).toContain('orders[0].merchantCode: no merchant 4001 in the file')
    expect(loaded.stderr).toContain('subscribers[0]: "pin" is missing')
    const answer = await target.admin('GET', '/admin/api/subscribers/8613500135000')
    expect(answer.status).toBe(404)
    const unreachable = await cli(['world', 'load', file], 'http://127.0.0.1:9')
    expect(unreachable.code).toBe(1)
  })
})

describe('SIGHUP with a world file', () => {
  it('loads what the file gained since the gateway started', async () => {
    const file = join(scratch.dir(), 'grows.yaml')
    const world = readFileSync(resolve('fixtures/world/default.yaml'), 'utf8')
    writeFileSync(file, world)
    const child = spawn(
      process.execPath,
      [
        resolve('bin/telepay.js'),
        'start',
        '--world',
        file,
        '--port',
        '0',
        '--smpp-port',
        '0',
        '--pos-port',
        '0',
      ],
      {
        cwd: scratch.dir(),
        env: envWith({ TELEPAY_DATA_DIR: join(scratch.dir(), 'hup-data') }),
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    )
    const exited = new Promise<number | null>((done) => child.once('close', done))
    try {
      let banner = ''
      const url = await new Promise<string>((found, failed) => {
        child.stdout.on('data', (chunk: Buffer) => {
          banner += chunk.toString('utf8')
          const match = /http +(http:\/\/\S+)/.exec(banner)
          if (match?.[1] !== undefined) found(match[1])
        })
        void exited.then((code) => failed(new Error(`start exited ${String(code)}`)))
      })
      writeFileSync(
        file,
        world.replace(
          'merchants:',
          "  - { msisdn: '8613500135000', name: Wang Fang, pin: '2468', wallet: '30.00' }\n\n" +
            'merchants:',
        ),
      )
      child.kill('SIGHUP')
      // Up to 15 s: the load hashes the new PIN with scrypt, slow on a loaded machine under tsx.
      // The subscriber is opened, then funded (two commands): wait for the wallet, not the number.
      let wallet: unknown = null
      for (let waited = 0; waited < 150 && wallet === null; waited += 1) {
        await new Promise((wait) => setTimeout(wait, 100))
        const answer = await fetch(`${url}/admin/api/subscribers/8613500135000`, {
          headers: { authorization: `Bearer ${ADMIN_TOKEN}` },
        })
        if (answer.status !== 200) continue
        const { accounts } = (await answer.json()) as { accounts: { balance: string }[] }
        if (accounts[0]?.balance !== '0.00') wallet = accounts[0]
      }
      expect(wallet).toMatchObject({ account: 'wallet', balance: '30.00' })
    } finally {
      child.kill('SIGTERM')
    }
    expect(await exited).toBe(0)
  })
})
