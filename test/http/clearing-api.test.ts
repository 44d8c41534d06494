/**
 * clearing-api.test.ts - terminals' offline purchases cleared into the ledger, end to end over
 * HTTP: a card loaded at the ticket office (the float credited), taps at the default world's
 * gates and till, the terminal's signed upload posting each purchase once from the float to the
 * merchant with the fee shared, the same batch again changing nothing, a forged TAC, a reused
 * batch number, a bad signature, gaps, the daily report, the reconciliation and the blacklist
 * that a terminal takes at its upload and enforces at the next tap.
 */
import { afterEach, describe, expect, it } from 'vitest'
import { batchFileOf, signBatch } from '../../src/gateway/clearing/batch-file.js'
import { KeyStore, testMasterKeys } from '../../src/gateway/pboc/key-store.js'
import type { GatewayFixture } from '../support/gateway-fixture.js'
import { HAN, LI, METRO, startTestGateway } from '../support/gateway-fixture.js'
import { loadCardAsHost, recordOfReceipt } from '../support/rfid-sim.js'

let gw: GatewayFixture | undefined

afterEach(async () => {
  await gw?.close()
  gw = undefined
})

const keys = new KeyStore(testMasterKeys)
const busId = '300100000001'

async function tap(t: GatewayFixture, terminal: string, msisdn: string, amount?: string) {
  const answer = await t.request('POST', `/sim/terminals/${terminal}/taps`, {
    body: amount === undefined ? { msisdn } : { msisdn, amount },
  })
  return answer
}

async function upload(t: GatewayFixture, terminal: string) {
  return t.request('POST', `/sim/terminals/${terminal}/uploads`)
}

const recordOf = recordOfReceipt

async function postBatch(
  t: GatewayFixture,
  terminal: string,
  terminalId: string,
  batchNo: string,
  records: ReturnType<typeof recordOf>[],
  signature?: string,
) {
  const body = batchFileOf({ batchNo, terminalId, records })
  return t.request('POST', `/api/v1/terminals/${terminal}/batches`, {
    rawBody: body,
    headers: {
      'content-type': 'application/x-ndjson',
      'x-telepay-signature': signature ?? signBatch(body, keys.terminalKey(terminalId)),
    },
  })
}

async function metroBalance(t: GatewayFixture): Promise<string> {
  return String((await t.admin('GET', `/admin/api/merchants/${METRO}`)).json.balance)
}

describe('clearing a terminal upload', () => {
  it('posts each purchase once from the float to the merchant, and reconciles', async () => {
    gw = await startTestGateway()
    const t = gw
    await loadCardAsHost(t, HAN, 5_000)
    expect((await t.admin('GET', '/admin/api/purses/reconciliation')).json).toMatchObject({
      float: '50.00',
      cardsKnown: '50.00',
      inFlight: '0.00',
      balanced: true,
    })
    const before = await metroBalance(t)
    expect((await tap(t, 'BUS00001', HAN)).status).toBe(200)
    expect((await tap(t, 'BUS00001', HAN)).status).toBe(200)

    const first = await upload(t, 'BUS00001')
    expect(first.status, first.text).toBe(200)
    expect(first.json).toMatchObject({ terminal: 'BUS00001', uploaded: 2 })
    expect(first.json.clearing).toMatchObject({
      records: 2,
      accepted: 2,
      duplicates: [],
      refused: [],
      cleared: '4.00',
      fee: '0.04',
      gaps: { terminalSerials: [], cards: [], truncated: false },
    })
    // Metro receives the fares less the 1 % fee; the float gives them up.
    expect(Number(await metroBalance(t)) - Number(before)).toBeCloseTo(3.96, 2)
    expect((await t.admin('GET', '/admin/api/purses/reconciliation')).json).toMatchObject({
      float: '46.00',
      cardsKnown: '46.00',
      balanced: true,
    })
    expect((await t.admin('GET', `/admin/api/cards/${HAN}`)).json).toMatchObject({
      balanceKnown: '46.00',
      cleared: [
        { terminalId: busId, cardSerial: 1, amount: '2.00', balanceAfter: '46.00' },
        { terminalId: busId, cardSerial: 0, amount: '2.00', balanceAfter: '48.00' },
      ],
    })
    // Nothing new to upload; the ledger stays balanced.
    expect((await upload(t, 'BUS00001')).json.uploaded).toBe(0)
    const check = await t.admin('GET', '/admin/api/ledger/check')
    expect(check.json.balanced).toBe(true)

    const report = await t.admin('GET', `/admin/api/clearing?date=${t.localDate()}`)
    expect(report.json.terminals).toEqual([
      {
        merchant: METRO,
        terminalId: busId,
        purchases: 2,
        amount: '4.00',
        fee: '0.04',
        net: '3.96',
        serials: [1, 2],
      },
    ])
    // The day's settlement counts the cleared purchases as Metro's payments, fees shared.
    const settlement = await t.admin('GET', `/admin/api/settlements?date=${t.localDate()}`)
    expect(settlement.json.merchants).toContainEqual({
      merchant: METRO,
      payments: 2,
      gross: '4.00',
      fees: '0.04',
      refunds: '0.00',
      net: '3.96',
    })
    // Metro's own settlement: the two purchases, each fee counted once among the parties.
    const own = await t.merchant(METRO, 'GET', `/api/v1/settlements?date=${t.localDate()}`)
    expect(own.json).toMatchObject({ payments: 2, gross: '4.00', fees: '0.04', net: '3.96' })
    const shares = (own.json.parties as { fees: string }[]).map((party) => Number(party.fees))
    expect(shares.reduce((sum, fee) => sum + fee, 0)).toBeCloseTo(0.04, 2)
    const csv = await t.admin('GET', `/admin/api/clearing.csv?date=${t.localDate()}`)
    expect(csv.text).toContain(`${t.localDate()},${METRO},${busId},2,4.00,0.04,3.96`)
  })

  it('answers the same batch again as before, and moves no money twice', async () => {
    gw = await startTestGateway()
    const t = gw
    await loadCardAsHost(t, LI, 1_000)
    const receipt = (await tap(t, 'BUS00001', LI)).json.receipt
    const records = [recordOf(receipt)]
    const first = await postBatch(t, 'BUS00001', busId, 'B1', records)
    expect(first.status, first.text).toBe(200)
    const afterFirst = await metroBalance(t)
    const again = await postBatch(t, 'BUS00001', busId, 'B1', records)
    expect(again.json).toEqual(first.json)
    expect(await metroBalance(t)).toBe(afterFirst)
    // The same purchase in a batch of another number is a duplicate.
    const other = await postBatch(t, 'BUS00001', busId, 'B2', records)
    expect(other.json).toMatchObject({ accepted: 0, duplicates: [1] })
    // The number B1 with other records is refused whole.
    const reused = await postBatch(t, 'BUS00001', busId, 'B1', [{ ...records[0]!, cardSerial: 7 }])
    expect(reused.status).toBe(409)
    expect(reused.json.error).toBe('batch_number_reused')
    expect(await metroBalance(t)).toBe(afterFirst)
  })

  it('refuses a forged TAC, an unknown key version, a card it never issued, no date', async () => {
    gw = await startTestGateway()
    const t = gw
    await loadCardAsHost(t, LI, 1_000)
    const good = recordOf((await tap(t, 'BUS00001', LI)).json.receipt)
    const before = await metroBalance(t)
    const forged = { ...good, amountFen: 20 }
    const answer = await postBatch(t, 'BUS00001', busId, 'F1', [
      forged,
      { ...good, terminalSerial: 9, keyVersion: 2 },
      { ...good, terminalSerial: 10, cardNumber: '12340000000000000001' },
      { ...good, terminalSerial: 11, date: '20260231' },
    ])
    expect(answer.status, answer.text).toBe(200)
    expect(answer.json).toMatchObject({
      accepted: 0,
      refused: [
        { terminalSerial: 1, reason: 'tac_mismatch' },
        { terminalSerial: 9, reason: 'key_version_unknown' },
        { terminalSerial: 10, reason: 'card_unknown' },
        { terminalSerial: 11, reason: 'time_invalid' },
      ],
      cleared: '0.00',
    })
    expect(await metroBalance(t)).toBe(before)
    // The genuine record still clears afterwards.
    expect((await postBatch(t, 'BUS00001', busId, 'F2', [good])).json.accepted).toBe(1)
  })

  it('reports the serials an upload leaves missing at the terminal and on the card', async () => {
    gw = await startTestGateway()
    const t = gw
    await loadCardAsHost(t, LI, 1_000)
    const receipts = []
    for (let tapNo = 0; tapNo < 3; tapNo += 1)
      receipts.push(recordOf((await tap(t, 'BUS00001', LI)).json.receipt))
    const answer = await postBatch(t, 'BUS00001', busId, 'G1', [receipts[0]!, receipts[2]!])
    expect(answer.json.gaps).toEqual({
      terminalSerials: [[2, 2]],
      cards: [{ cardNumber: receipts[0]!.cardNumber, cardSerials: [[1, 1]] }],
      truncated: false,
    })
    const filled = await postBatch(t, 'BUS00001', busId, 'G2', [receipts[1]!])
    expect(filled.json.gaps).toEqual({ terminalSerials: [], cards: [], truncated: false })
  })

  it('reports a hole once, when the purchase above it clears', async () => {
    gw = await startTestGateway()
    const t = gw
    await loadCardAsHost(t, LI, 1_000)
    const receipts = []
    for (let tapNo = 0; tapNo < 5; tapNo += 1)
      receipts.push(recordOf((await tap(t, 'BUS00001', LI)).json.receipt))
    // The second tap is held back (a record lost, say): both its serials are missing.
    const first = await postBatch(t, 'BUS00001', busId, 'H1', [receipts[0]!, receipts[2]!])
    expect(first.json.gaps).toEqual({
      terminalSerials: [[2, 2]],
      cards: [{ cardNumber: receipts[0]!.cardNumber, cardSerials: [[1, 1]] }],
      truncated: false,
    })
    const later = await postBatch(t, 'BUS00001', busId, 'H2', [receipts[3]!])
    expect(later.json.gaps).toEqual({ terminalSerials: [], cards: [], truncated: false })
    // The late one with the fifth: a batch with holes of its own, which earlier uploads filled.
    const late = await postBatch(t, 'BUS00001', busId, 'H3', [receipts[1]!, receipts[4]!])
    expect(late.json.gaps).toEqual({ terminalSerials: [], cards: [], truncated: false })
  })

  it('says when it found more holes than it lists', async () => {
    gw = await startTestGateway()
    const t = gw
    await loadCardAsHost(t, LI, 10_000)
    const receipts = []
    for (let tapNo = 0; tapNo < 43; tapNo += 1)
      receipts.push(recordOf((await tap(t, 'BUS00001', LI)).json.receipt))
    // Every other tap: 21 holes at the terminal and on the card, one more than an answer lists.
    const answer = await postBatch(
      t,
      'BUS00001',
      busId,
      'T1',
      receipts.filter((_receipt, index) => index % 2 === 0),
    )
    expect(answer.json.gaps.truncated).toBe(true)
    expect(answer.json.gaps.terminalSerials).toHaveLength(20)
    expect(answer.json.gaps.terminalSerials[0]).toEqual([2, 2])
    expect(answer.json.gaps.cards[0].cardSerials).toHaveLength(20)
  })

  it('refuses an unsigned upload, one of another terminal, and a malformed one', async () => {
    gw = await startTestGateway()
    const t = gw
    await loadCardAsHost(t, LI, 1_000)
    const good = recordOf((await tap(t, 'BUS00001', LI)).json.receipt)
    const wrongKey = signBatch('x', keys.terminalKey('100100000011'))
    const unsigned = await postBatch(t, 'BUS00001', busId, 'S1', [good], wrongKey)
    expect(unsigned.status).toBe(401)
    expect(unsigned.json.error).toBe('signature_invalid')
    // POS10011 signs its own key but names the bus gate's PSAM in the file.
    const posKey = keys.terminalKey('100100000011')
    const body = batchFileOf({ batchNo: 'S2', terminalId: busId, records: [good] })
    const mismatch = await t.request('POST', '/api/v1/terminals/POS10011/batches', {
      rawBody: body,
      headers: {
        'content-type': 'application/x-ndjson',
        'x-telepay-signature': signBatch(body, posKey),
      },
    })
    expect(mismatch.status).toBe(400)
    expect(mismatch.json.error).toBe('terminal_mismatch')
    const badLine =
      '{"batchNo":"S3","terminalId":"300100000001","records":1}\n{"terminalSerial":-1}\n'
    const malformed = await t.request('POST', '/api/v1/terminals/BUS00001/batches', {
      rawBody: badLine,
      headers: {
        'content-type': 'application/x-ndjson',
        'x-telepay-signature': signBatch(badLine, keys.terminalKey(busId)),
      },
    })
    expect(malformed.status).toBe(400)
    expect(malformed.json.message).toContain('line 2')
    const unknown = await postBatch(t, 'BUS99999', busId, 'S4', [good])
    expect(unknown.status).toBe(404)
    const json = await t.request('POST', '/api/v1/terminals/BUS00001/batches', { body: {} })
    expect(json.status).toBe(415)
  })

  it('blocks a blacklisted card at the next tap once the terminal took the list', async () => {
    gw = await startTestGateway()
    const t = gw
    await loadCardAsHost(t, LI, 1_000)
    const listed = await t.admin('PUT', `/admin/api/cards/${LI}/blacklist`, { listed: true })
    expect(listed.status, listed.text).toBe(200)
    expect((await t.admin('GET', '/admin/api/blacklist')).json.cards).toEqual([
      '86010008613800138000',
    ])
    // Until it is online again, the gate does not know.
    expect((await tap(t, 'BUS00001', LI)).status).toBe(200)
    expect((await upload(t, 'BUS00001')).json).toMatchObject({ uploaded: 1, blacklisted: 1 })
    const refused = await tap(t, 'BUS00001', LI)
    expect(refused.status).toBe(422)
    expect(refused.json.error).toBe('blacklisted')
    // The card was blocked for good by the gate: another terminal meets a blocked card.
    expect((await tap(t, 'POS10011', LI, '1.00')).json.error).toBe('card_blocked')
    // A listed card takes no more value from the platform.
    const load = await t.request('POST', `/sim/cards/${LI}/loads`, { body: { amount: '5.00' } })
    expect(load.status).toBe(422)
  })
})
