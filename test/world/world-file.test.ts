/**
 * world-file.test.ts - world files as a user writes them: the shipped default world is such a
 * file and holds the contract's numbers; YAML and JSON both load, with defaults for what is left
 * out; every problem of a broken file is reported at once with its path; a gateway started with
 * `world: <file>` serves that world; docs/world.schema.json is the schema the reader uses.
 */
import { readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { loadConfig } from '../../src/config.js'
import { defaultWorld, defaultWorldFile } from '../../src/tools/world/default-world.js'
import { simulatedParties } from '../../src/tools/world/simulated-parties.js'
import { parseWorldText, readWorldFile, WorldFileError } from '../../src/world/world-file.js'
import { worldSchema } from '../../src/world/world-schema.js'
import { startTestGateway } from '../support/gateway-fixture.js'
import { scratchSpace } from '../support/scratch.js'

const space = scratchSpace('telepay-world-')

function fileWith(name: string, text: string): string {
  const path = join(space.dir(), name)
  writeFileSync(path, text)
  return path
}

const teaHouse = `
subscribers:
  - { msisdn: '8613500135000', name: Wang Fang, pin: '2468', wallet: '100.00', language: zh }
  - msisdn: '8613500135001'
    name: Zhao Lei
    pin: '1357'
    card: { bank: BOC, last4: '4321', bankBalance: '300.00' }
merchants:
  - code: '5001'
    name: Tea House
    settlementBank: BOC
    apiKey: tea_house_key_0001
    webhookSecret: tea-house-secret-01
  - { code: '6001', name: River Gas, category: biller }
orders:
  - { orderNo: '990001', merchantCode: '5001', amount: '18.50' }
`

describe('the default world', () => {
  it('ships as fixtures/world/default.yaml with the contract section 2 numbers', () => {
    expect(defaultWorldFile.endsWith(join('fixtures', 'world', 'default.yaml'))).toBe(true)
    expect(defaultWorld.subscribers.map((s) => [s.msisdn, s.pin, s.wallet])).toEqual([
      ['8613800138000', '1234', '500.00'],
      ['8613800138001', '4321', '20.00'],
      ['8613900139000', '1111', '0.00'],
    ])
    expect(defaultWorld.merchants.map((m) => `${m.code} ${m.settlementBank}`)).toEqual([
      '1001 ICBC',
      '1002 ICBC',
      '2001 CCB',
      '2002 CCB',
      '3001 ICBC',
    ])
    expect(defaultWorld.orders).toEqual([
      {
        orderNo: '880001',
        merchantCode: '1002',
        amount: '80.00',
        reference: 'cinema-880001',
        description: 'Cinema tickets',
      },
    ])
  })
})

describe('a world file', () => {
  it('loads from YAML with defaults for what it leaves out', () => {
    const world = readWorldFile(fileWith('tea.yaml', teaHouse))
    expect(world.subscribers[0]).toEqual({
      msisdn: '8613500135000',
      name: 'Wang Fang',
      pin: '2468',
      language: 'zh',
      phoneBill: { balance: '0.00', creditLimit: '0.00' },
      wallet: '100.00',
      card: null,
    })
    expect(world.subscribers[1]?.card).toEqual({
      bank: 'BOC',
      last4: '4321',
      bankBalance: '300.00',
    })
    expect(world.merchants[1]).toEqual({ code: '6001', name: 'River Gas', category: 'biller' })
    expect(world.orders[0]).toMatchObject({ orderNo: '990001', reference: 'order-990001' })
  })

  it('loads from JSON the same', () => {
    const json = JSON.stringify({
      subscribers: [{ msisdn: '8613500135000', name: 'Wang Fang', pin: '2468' }],
      merchants: [{ code: '5001', name: 'Tea House' }],
    })
    expect(readWorldFile(fileWith('tea.json', json)).subscribers[0]?.wallet).toBe('0.00')
  })

  it('reports every problem at once, each with its path', () => {
    const read = parseWorldText(`
subscribers:
  - { msisdn: '8613800138000', name: Li, pin: 12, wallet: 500.5, card: { bank: icbc, last4: '12' } }
  - { msisdn: '8613800138001', name: '', pin: '1234', colour: red }
merchants:
  - { code: '1001', category: shop }
orders:
  - { orderNo: '880001', merchantCode: '1001', amount: '1.234' }
`)
    expect(read.ok).toBe(false)
    expect(read.ok ? [] : read.problems).toEqual([
      'subscribers[0].pin: must be 4 to 6 digits written as a string, such as "1234"',
      'subscribers[0].wallet: must be an amount in yuan written as a string, such as "50.00"',
      'subscribers[0].card.bank: must be a bank code in capitals, such as "ICBC"',
      'subscribers[0].card.last4: must be 4 digits',
      'subscribers[1]: unknown field "colour"',
      'subscribers[1].name: must be 1 to 40 characters',
      'merchants[0]: "name" is missing',
      'merchants[0].category: must be "merchant" or "biller" (default "merchant")',
      'orders[0].amount: must be an amount in yuan written as a string, such as "50.00"',
    ])
  })

  it('reports numbers, codes and keys given twice, a fee floor above its cap, lost orders', () => {
    const read = parseWorldText(`
subscribers:
  - { msisdn: '8613800138000', name: Li, pin: '1234' }
  - { msisdn: '+8613800138000', name: Li again, pin: '1234' }
merchants:
  - { code: '1001', name: A, apiKey: same_key_0123456789 }
  - { code: '1001', name: B, apiKey: same_key_0123456789 }
  - { code: '1002', name: C, feeMin: '3.00', feeMax: '2.50' }
orders:
  - { orderNo: '880001', merchantCode: '7777', amount: '1.00' }
`)
    expect(read.ok ? [] : read.problems).toEqual([
      'subscribers[1].msisdn: MSISDN 8613800138000 is also subscribers[0].msisdn',
      'merchants[1].code: code 1001 is also merchants[0].code',
      'merchants[1].apiKey: API key same_key_0123456789 is also merchants[0].apiKey',
      'merchants[2].feeMin: 3.00 is above feeMax 2.50',
      'orders[0].merchantCode: no merchant 7777 in the file',
    ])
  })

  it('names the file and says when it is not YAML or cannot be read', () => {
    expect(() => readWorldFile(fileWith('bad.yaml', 'subscribers: [1'))).toThrow(
      /bad\.yaml has 1 problem\(s\):\nnot valid YAML or JSON/,
    )
    expect(() => readWorldFile('/nowhere/world.yaml')).toThrow(WorldFileError)
  })

  it('is what `world: <file>` loads into an empty gateway, keys and all', async () => {
    const path = fileWith('tea.yaml', teaHouse)
    const config = loadConfig({ env: {}, cwd: join(path, '..'), overrides: { world: 'tea.yaml' } })
    expect(config.world).toBe(path)
    expect(simulatedParties(config).world?.merchants[0]?.name).toBe('Tea House')
    const gateway = await startTestGateway({ overrides: { world: path } })
    space.gateway = gateway
    const body = { msisdn: '8613500135000', amount: '18.00', reference: 'tea-1' }
    const asked = await gateway.request('POST', '/api/v1/payment-requests', {
      token: 'tea_house_key_0001',
      body,
      headers: { 'idempotency-key': 'tea-1' },
    })
    expect(asked.status).toBe(202)
    // The file's key replaces the test key.
    const testKey = await gateway.merchant('5001', 'POST', '/api/v1/payment-requests', body)
    expect(testKey.status).toBe(401)
    const known = await gateway.admin('GET', '/admin/api/subscribers/8613500135001')
    expect(known.status).toBe(200)
    const unknown = await gateway.admin('GET', '/admin/api/subscribers/8613800138000')
    expect(unknown.status).toBe(404)
  })
})

describe('docs/world.schema.json', () => {
  it('is the schema the reader validates with', () => {
    const documented = JSON.parse(readFileSync('docs/world.schema.json', 'utf8')) as unknown
    expect(documented).toEqual(JSON.parse(JSON.stringify(worldSchema)))
  })
})
