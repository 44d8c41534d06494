/**
 * pos-settlement.test.ts - a shop terminal's batch against the ISO 8583 host over TCP, as the
 * terminal simulator (PosTerminalSession) runs it: purchases, a void, refunds (one beyond what is
 * left, refused), a reversal under its own STAN (field 90), each moving the wallet once; a
 * settlement whose totals match answered balanced; one the host disagrees with (a purchase the
 * terminal's journal lost) answered 95, uploaded and closed on the host's totals with the
 * difference in the log; a purchase whose answer never came reversed before the next message;
 * a refund whose answer was lost sent again as it was and paid once; a reversal giving back only
 * what is left; a bank-card purchase counted once captured; and the CUP-dialect terminal
 * POS10012 doing the same in its dialect.
 */
import { afterEach, describe, expect, it } from 'vitest'
import type { PosClient } from '../../../src/bearer/pos-terminal/pos-client.js'
import { connectPos } from '../../../src/bearer/pos-terminal/pos-client.js'
import { newJournal, PosTerminalSession } from '../../../src/bearer/pos-terminal/pos-terminal.js'
import { KeyStore, testMasterKeys } from '../../../src/gateway/pboc/key-store.js'
import { panOfMsisdn } from '../../../src/gateway/pos/virtual-pan.js'
import type { GatewayFixture } from '../../support/gateway-fixture.js'
import { LI, LI_PIN, posPortOf, startTestGateway } from '../../support/gateway-fixture.js'
import { captureLog } from '../../support/log-capture.js'

let gw: GatewayFixture | null = null
const clients: PosClient[] = []

afterEach(async () => {
  for (const client of clients.splice(0)) client.close()
  await gw?.close()
  gw = null
})

const local = () => new Date(Date.now() + 8 * 3_600_000)

async function terminal(
  t: GatewayFixture,
  terminalId = 'POS10011',
  dialect: 'ascii' | 'cup' = 'ascii',
): Promise<{ session: PosTerminalSession; client: PosClient }> {
  const client = await connectPos({
    host: '127.0.0.1',
    port: posPortOf(t),
    terminalId,
    keys: new KeyStore(testMasterKeys).posKeys(terminalId),
    dialect,
  })
  clients.push(client)
  return { session: new PosTerminalSession(client, newJournal(terminalId), local), client }
}

/**
 * `client`, but the first answer to an `mti` is lost on its way back (the host did answer): a
 * fault a real host cannot make on demand.
 */
function losingOneAnswer(client: PosClient, mti: string): PosClient {
  let drop = true
  return {
    ...client,
    send: async (sent, fields) => {
      const answer = await client.send(sent, fields)
      if (drop && sent === mti) {
        drop = false
        throw new Error('no answer from the POS host')
      }
      return answer
    },
  }
}

const pan = panOfMsisdn(LI)
const fromWallet = '001000'

describe('a terminal batch at the ISO 8583 host', () => {
  it('voids, refunds and reverses once each, and settles a batch both agree on', async () => {
    gw = await startTestGateway()
    const t = gw
    const { session, client } = await terminal(t)
    const before = Number(await t.balance(LI, 'wallet'))
    const wallet = async () => Number(await t.balance(LI, 'wallet'))
    for (const fen of [800n, 350n, 1_200n])
      expect((await session.purchase(pan, fen, LI_PIN, fromWallet)).code).toBe('00')
    expect(await wallet()).toBeCloseTo(before - 23.5, 2)
    const [eight, threeFifty, twelve] = session.journal.entries
    expect((await session.void(threeFifty?.stan ?? '')).code).toBe('00')
    expect(await wallet()).toBeCloseTo(before - 20, 2)
    // A second void of the same purchase, under a new STAN: nothing left to give back.
    const again = new Map(
      client.purchaseFields(pan, 350n, 90, null).set(3, '200000').set(60, '23000001000'),
    ).set(61, `000001${threeFifty?.stan}${threeFifty?.date}`)
    expect((await client.send('0200', again)).code).toBe('13')
    expect((await session.refund(eight?.stan ?? '', 150n)).code).toBe('00')
    expect((await session.refund(eight?.stan ?? '', 700n)).code).toBe('13')
    expect(await wallet()).toBeCloseTo(before - 18.5, 2)
    const reversal = await session.reverse(twelve?.stan ?? '')
    expect(reversal).toMatchObject({ mti: '0410', code: '00', macValid: true })
    expect(await wallet()).toBeCloseTo(before - 6.5, 2)

    const settled = await session.settle()
    expect(settled).toMatchObject({ balanced: true, uploaded: 0, closedBatch: '000001' })
    expect(settled.answer).toMatchObject({ mti: '0510', code: '00' })
    // The host's totals: 8.00 debited, 1.50 credited; the voided and reversed purchases gone.
    expect(String(settled.answer.fields.get(48)).slice(0, 31)).toBe(
      '000000000800001000000000150001' + '1',
    )
    expect(session.journal.batch).toBe(2)
    expect(await wallet()).toBeCloseTo(before - 6.5, 2)
  })

  it('reverses what is left: the rest after a refund, nothing after a void', async () => {
    gw = await startTestGateway()
    const t = gw
    const { session, client } = await terminal(t)
    const before = Number(await t.balance(LI, 'wallet'))
    const wallet = async () => Number(await t.balance(LI, 'wallet'))
    expect((await session.purchase(pan, 1_000n, LI_PIN, fromWallet)).code).toBe('00')
    const [ten] = session.journal.entries
    expect((await session.refund(ten?.stan ?? '', 400n)).code).toBe('00')
    expect((await session.reverse(ten?.stan ?? '')).code).toBe('00')
    expect(await wallet()).toBeCloseTo(before, 2)
    expect((await session.purchase(pan, 500n, LI_PIN, fromWallet)).code).toBe('00')
    const five = session.journal.entries.at(-1)
    expect((await session.void(five?.stan ?? '')).code).toBe('00')
    // The terminal reverses it anyway (its void's answer lost): nothing of it stands, 00.
    const late = client.purchaseFields(pan, 500n, 0, null).set(3, fromWallet)
    late
      .set(11, five?.stan ?? '')
      .set(13, five?.date ?? '')
      .set(60, '22000001000')
    expect((await client.send('0400', late)).code).toBe('00')
    expect((await client.send('0400', late)).code).toBe('00')
    expect(await wallet()).toBeCloseTo(before, 2)
  })

  it('sends a refund whose answer was lost again as it was: paid once', async () => {
    gw = await startTestGateway()
    const t = gw
    const { client } = await terminal(t)
    const before = Number(await t.balance(LI, 'wallet'))
    const lossy = losingOneAnswer(client, '0220')
    const session = new PosTerminalSession(lossy, newJournal('POS10011'), local)
    expect((await session.purchase(pan, 1_000n, LI_PIN, fromWallet)).code).toBe('00')
    const stan = session.journal.entries[0]?.stan ?? ''
    await expect(session.refund(stan, 400n)).rejects.toThrow('no answer')
    await expect(session.refund(stan, 300n)).rejects.toThrow('has no answer yet')
    const again = await session.refund(stan, 400n)
    expect(again.code).toBe('00')
    expect(Number(await t.balance(LI, 'wallet'))).toBeCloseTo(before - 6, 2)
    expect(session.journal.entries.filter((entry) => entry.kind === 'refund')).toHaveLength(1)
    expect((await session.settle()).balanced).toBe(true)
  })

  it('counts a purchase from the bank card once its capture completes it', async () => {
    gw = await startTestGateway()
    const { session } = await terminal(gw)
    expect((await session.purchase(pan, 700n, LI_PIN, '002000')).code).toBe('00')
    expect((await session.purchase(pan, 300n, LI_PIN, fromWallet)).code).toBe('00')
    const settled = await session.settle()
    expect(settled.balanced).toBe(true)
    expect(String(settled.answer.fields.get(48)).slice(0, 15)).toBe('000000001000002')
  })

  it("uploads a batch the host disagrees with and closes it on the host's totals", async () => {
    const capture = captureLog('info')
    gw = await startTestGateway({ log: capture.log })
    const t = gw
    const { session, client } = await terminal(t)
    expect((await session.purchase(pan, 500n, LI_PIN, fromWallet)).code).toBe('00')
    // A purchase of the same batch the terminal's journal never kept (it crashed after the
    // answer): the host counts it, the terminal does not.
    const lost = client.purchaseFields(pan, 250n, 77, LI_PIN).set(3, fromWallet)
    lost.set(60, '22000001000').set(13, '0101')
    expect((await client.send('0200', lost)).code).toBe('00')
    const settled = await session.settle()
    expect(settled).toMatchObject({ balanced: false, uploaded: 1 })
    expect(settled.answer.code).toBe('00')
    expect(String(settled.answer.fields.get(48)).slice(0, 15)).toBe('000000000750002')
    const closed = capture.entries().find((e) => e.msg === 'pos: batch closed on the host totals')
    expect(closed).toMatchObject({ level: 'warn', hostOnly: 'debit:0101:000077', terminalOnly: '' })
  })

  it('reverses a purchase whose answer never came before the next message', async () => {
    gw = await startTestGateway()
    const t = gw
    const { client } = await terminal(t)
    const before = Number(await t.balance(LI, 'wallet'))
    const lossy = losingOneAnswer(client, '0200')
    const session = new PosTerminalSession(lossy, newJournal('POS10011'), local)
    await expect(session.purchase(pan, 400n, LI_PIN, fromWallet)).rejects.toThrow('no answer')
    expect(session.journal.entries[0]?.state).toBe('pending')
    expect(Number(await t.balance(LI, 'wallet'))).toBeCloseTo(before - 4, 2)
    expect((await session.reversePending())?.code).toBe('00')
    expect(session.journal.entries[0]?.state).toBe('reversed')
    expect(Number(await t.balance(LI, 'wallet'))).toBeCloseTo(before, 2)
    expect((await session.settle()).balanced).toBe(true)
  })

  it("speaks CUP's dialect as POS10012: purchase, reversal, void, settlement", async () => {
    gw = await startTestGateway()
    const t = gw
    const { session } = await terminal(t, 'POS10012', 'cup')
    const before = Number(await t.balance(LI, 'wallet'))
    expect((await session.signOn()).mti).toBe('0810')
    const paid = await session.purchase(pan, 600n, LI_PIN, fromWallet)
    expect(paid).toMatchObject({ mti: '0210', code: '00', macValid: true })
    expect((await session.purchase(pan, 300n, LI_PIN, fromWallet)).code).toBe('00')
    const [six, three] = session.journal.entries
    expect((await session.reverse(six?.stan ?? '')).code).toBe('00')
    expect((await session.void(three?.stan ?? '')).code).toBe('00')
    expect(Number(await t.balance(LI, 'wallet'))).toBeCloseTo(before, 2)
    expect((await session.purchase(pan, 100n, LI_PIN, fromWallet)).code).toBe('00')
    const settled = await session.settle()
    expect(settled).toMatchObject({ balanced: true })
    expect(String(settled.answer.fields.get(48)).slice(0, 15)).toBe('000000000100001')
  })
})
