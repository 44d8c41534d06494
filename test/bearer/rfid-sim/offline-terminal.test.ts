/**
 * offline-terminal.test.ts - a gate paying from the purse over the real APDU sequence, with its
 * PSAM and its record file: the record it keeps verifies as clearing will verify it (the TAC
 * under the card's TAC key), every refusal charges nothing, and a tap whose DEBIT answer was lost
 * is settled at the card's next tap (proven: paid once, no second charge; never done: charged
 * then), also after the terminal's process died and its file was opened again.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { emptyCardState, MemoryCardStore } from '../../../src/bearer/rfid-sim/card-state.js'
import { PurseCard } from '../../../src/bearer/rfid-sim/purse-card.js'
import type { Fare } from '../../../src/bearer/rfid-sim/terminal/fares.js'
import { defaultTerminals } from '../../../src/bearer/rfid-sim/terminal/fares.js'
import type { CardLink } from '../../../src/bearer/rfid-sim/terminal/offline-terminal.js'
import { OfflineTerminal } from '../../../src/bearer/rfid-sim/terminal/offline-terminal.js'
import { Psam } from '../../../src/bearer/rfid-sim/terminal/psam.js'
import { TerminalRecordStore } from '../../../src/bearer/rfid-sim/terminal/record-store.js'
import { KeyStore, testMasterKeys } from '../../../src/gateway/pboc/key-store.js'
import { tacKeyOf } from '../../../src/gateway/pboc/keys.js'
import { purchaseTac } from '../../../src/gateway/pboc/purse-macs.js'

const cardNumber = '86010000861380013800'
const terminalId = '000000000001'
const keyStore = new KeyStore(testMasterKeys)
const china = 8 * 3_600_000
const atMs = Date.UTC(2026, 11, 7, 1, 30, 0) // 09:30 in China

const till: Fare = { kind: 'till' }
const dirs: string[] = []
const stores: TerminalRecordStore[] = []

afterEach(() => {
  for (const store of stores.splice(0)) store.close()
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true })
})

function newCard(
  balanceFen: number,
  validTo = '20291231',
): { card: PurseCard; store: MemoryCardStore } {
  const store = new MemoryCardStore()
  store.commit(cardNumber, { ...emptyCardState, balanceFen })
  const card = new PurseCard({
    info: { issuer: '8601', cardType: 1, cardNumber, validFrom: '20260101', validTo },
    keys: keyStore.cardKeys(cardNumber),
    store,
  })
  return { card, store }
}

function recordFile(): string {
  const dir = mkdtempSync(join(tmpdir(), 'telepay-terminal-'))
  dirs.push(dir)
  return join(dir, 'BUS00001.sqlite')
}

function newTerminal(
  file = recordFile(),
  blacklist: string[] = [],
  fare: Fare = till,
  id = terminalId,
) {
  const records = new TerminalRecordStore(file)
  stores.push(records)
  const terminal = new OfflineTerminal({
    psam: new Psam(keyStore, id),
    fare,
    records,
    blacklist: () => new Set(blacklist),
    zoneOffsetMs: china,
  })
  return { terminal, records, file }
}

/** The card in the field: every APDU reaches it and comes back. */
const inField = (card: PurseCard): CardLink => ({
  transmit: (command) => Promise.resolve(card.transmit(command)),
})

/** The phone leaves the field at DEBIT: after the card took it (`after`) or before. */
function leavesAtDebit(card: PurseCard, when: 'after' | 'before'): CardLink {
  return {
    transmit: (command) => {
      if (command[0] !== 0x80 || command[1] !== 0x54) return Promise.resolve(card.transmit(command))
      if (when === 'after') card.transmit(command)
      return Promise.reject(new Error('the card left the field'))
    },
  }
}

describe('an offline terminal', () => {
  it('pays from the purse and keeps a record whose TAC clearing can verify', async () => {
    const { card, store } = newCard(1_000)
    const { terminal, records } = newTerminal()
    const result = await terminal.tap(inField(card), atMs, 200)
    expect(result.kind).toBe('paid')
    if (result.kind !== 'paid') return
    expect(result.recovered).toBe(false)
    expect(result.record).toMatchObject({
      terminalSerial: 1,
      cardNumber,
      cardSerial: 0,
      type: 0x06,
      amountFen: 200,
      balanceAfterFen: 800,
      date: '20261207',
      time: '093000',
      keyVersion: 1,
    })
    const tac = purchaseTac(tacKeyOf(keyStore.cardKeys(cardNumber).tac), {
      amountFen: 200,
      terminalId,
      terminalSerial: 1,
      at: { date: '20261207', time: '093000' },
    })
    expect(result.record.tac).toBe(tac.toString('hex'))
    expect(store.read(cardNumber).balanceFen).toBe(800)
    const second = await terminal.tap(inField(card), atMs + 60_000, 200)
    expect(second.kind === 'paid' && second.record).toMatchObject({
      terminalSerial: 2,
      cardSerial: 1,
    })
    expect(records.pending(10)).toHaveLength(2)
  })

  it('refuses a purse short of the fare, a blacklisted or expired card: no charge', async () => {
    const { card, store } = newCard(150)
    const { terminal, records } = newTerminal()
    expect(await terminal.tap(inField(card), atMs, 200)).toEqual({
      kind: 'refused',
      reason: 'insufficient_balance',
      statusWord: '9401',
    })
    const listed = newTerminal(recordFile(), [cardNumber]).terminal
    expect(await listed.tap(inField(card), atMs, 100)).toMatchObject({ reason: 'blacklisted' })
    const old = newCard(1_000, '20251231').card
    expect(await terminal.tap(inField(old), atMs, 100)).toMatchObject({ reason: 'card_expired' })
    expect(store.read(cardNumber).balanceFen).toBe(150)
    expect(records.all()).toEqual([])
  })

  it('blocks a card on its blacklist, which every terminal then refuses', async () => {
    const { card, store } = newCard(1_000)
    const listed = newTerminal(recordFile(), [cardNumber]).terminal
    expect(await listed.tap(inField(card), atMs, 100)).toEqual({
      kind: 'refused',
      reason: 'blacklisted',
      statusWord: '9000',
    })
    expect(store.read(cardNumber).blocked).toBe(true)
    const other = newTerminal().terminal
    expect(await other.tap(inField(card), atMs, 100)).toMatchObject({ reason: 'card_blocked' })
    expect(store.read(cardNumber).balanceFen).toBe(1_000)
  })

  it('refuses something that is not our purse', async () => {
    const { terminal } = newTerminal()
    const stranger: CardLink = { transmit: () => Promise.resolve(Buffer.from('6A82', 'hex')) }
    expect(await terminal.tap(stranger, atMs, 100)).toMatchObject({
      kind: 'refused',
      reason: 'not_a_purse',
      statusWord: '6A82',
    })
  })

  it('settles a lost DEBIT answer at the next tap: paid once, not charged again', async () => {
    const { card, store } = newCard(1_000)
    const { terminal, records } = newTerminal()
    expect(await terminal.tap(leavesAtDebit(card, 'after'), atMs, 200)).toEqual({
      kind: 'torn',
      terminalSerial: 1,
    })
    expect(records.all()).toEqual([])
    const again = await terminal.tap(inField(card), atMs + 5_000, 200)
    expect(again).toMatchObject({ kind: 'paid', recovered: true })
    expect(again.kind === 'paid' && again.record).toMatchObject({
      terminalSerial: 1,
      balanceAfterFen: 800,
    })
    expect(store.read(cardNumber).balanceFen).toBe(800)
    expect(records.all()).toHaveLength(1)
  })

  it('keeps a lost purchase proven a day later, and charges the new tap too', async () => {
    const { card, store } = newCard(1_000)
    const { terminal, records } = newTerminal()
    expect((await terminal.tap(leavesAtDebit(card, 'after'), atMs, 200)).kind).toBe('torn')
    const nextDay = await terminal.tap(inField(card), atMs + 86_400_000, 200)
    expect(nextDay).toMatchObject({ kind: 'paid', recovered: false })
    expect(records.all().map((record) => record.terminalSerial)).toEqual([1, 2])
    expect(store.read(cardNumber).balanceFen).toBe(600)
  })

  it('keeps a lost purchase in flight while a later one elsewhere hides its proof', async () => {
    const { card, store } = newCard(1_000)
    const here = newTerminal()
    const elsewhere = newTerminal(recordFile(), [], till, '000000000002')
    expect((await here.terminal.tap(leavesAtDebit(card, 'after'), atMs, 200)).kind).toBe('torn')
    await elsewhere.terminal.tap(inField(card), atMs + 1_000, 100)
    // The card proves only its latest purchase; its log still shows the one made here.
    const back = await here.terminal.tap(inField(card), atMs + 2_000, 50)
    expect(back).toMatchObject({ kind: 'paid', recovered: false })
    expect(here.records.inFlightOf(cardNumber)?.terminalSerial).toBe(1)
    expect(store.read(cardNumber).balanceFen).toBe(650)
  })

  it('charges at the next tap a DEBIT the card never took', async () => {
    const { card, store } = newCard(1_000)
    const { terminal, records } = newTerminal()
    expect((await terminal.tap(leavesAtDebit(card, 'before'), atMs, 200)).kind).toBe('torn')
    const again = await terminal.tap(inField(card), atMs + 5_000, 200)
    expect(again).toMatchObject({ kind: 'paid', recovered: false })
    expect(again.kind === 'paid' && again.record.terminalSerial).toBe(2)
    expect(store.read(cardNumber).balanceFen).toBe(800)
    expect(records.all().map((record) => record.terminalSerial)).toEqual([2])
  })

  it('keeps its records and its purchase in flight through a crash of its process', async () => {
    const { card, store } = newCard(1_000)
    const first = newTerminal()
    await first.terminal.tap(inField(card), atMs, 100)
    await first.terminal.tap(leavesAtDebit(card, 'after'), atMs + 1_000, 200)
    first.records.close()
    stores.splice(stores.indexOf(first.records), 1)
    // A new process on the same file: the record is there, the next serial is not reused, and
    // the purchase in flight is proven at the card's next tap.
    const second = newTerminal(first.file)
    expect(second.records.all().map((record) => record.amountFen)).toEqual([100])
    const again = await second.terminal.tap(inField(card), atMs + 2_000, 200)
    expect(again).toMatchObject({ kind: 'paid', recovered: true })
    const next = await second.terminal.tap(inField(card), atMs + 3_000, 50)
    expect(next.kind === 'paid' && next.record.terminalSerial).toBe(3)
    expect(store.read(cardNumber).balanceFen).toBe(650)
  })

  it('charges the bus its flat fare whatever the till would type', async () => {
    const { card, store } = newCard(1_000)
    const bus = defaultTerminals.find((spec) => spec.name === 'BUS00001')
    if (bus === undefined) throw new Error('no bus gate in the default world')
    const { terminal } = newTerminal(recordFile(), [], bus.fare, bus.terminalId)
    const result = await terminal.tap(inField(card), atMs, 9_999)
    expect(result.kind === 'paid' && result.record.amountFen).toBe(200)
    expect(store.read(cardNumber).balanceFen).toBe(800)
  })

  it('rides the subway: nothing at the entry gate, the fare between gates on exit', async () => {
    const { card, store } = newCard(1_000)
    const spec = (name: string) => {
      const found = defaultTerminals.find((candidate) => candidate.name === name)
      if (found === undefined) throw new Error(`no ${name}`)
      return newTerminal(recordFile(), [], found.fare, found.terminalId).terminal
    }
    const entry = spec('SUB00001')
    const exit = spec('SUB00002')
    const tapIn = await entry.tap(inField(card), atMs)
    expect(tapIn.kind === 'paid' && tapIn.record).toMatchObject({ type: 0x09, amountFen: 0 })
    expect(store.read(cardNumber).transit?.slice(0, 14)).toBe('01300100000101')
    const tapOut = await exit.tap(inField(card), atMs + 20 * 60_000)
    expect(tapOut.kind === 'paid' && tapOut.record).toMatchObject({ type: 0x09, amountFen: 300 })
    expect(store.read(cardNumber).balanceFen).toBe(700)
    // Out again without coming in: the highest fare, and the card still says "out".
    const again = await exit.tap(inField(card), atMs + 30 * 60_000)
    expect(again.kind === 'paid' && again.record.amountFen).toBe(300)
    expect(store.read(cardNumber).transit?.slice(0, 2)).toBe('00')
  })

  it('proves a subway tap whose answer was lost, as a composite purchase', async () => {
    const { card, store } = newCard(1_000)
    const exitGate = defaultTerminals.find((candidate) => candidate.name === 'SUB00002')
    if (exitGate === undefined) throw new Error('no exit gate')
    const { terminal } = newTerminal(recordFile(), [], exitGate.fare, exitGate.terminalId)
    expect((await terminal.tap(leavesAtDebit(card, 'after'), atMs)).kind).toBe('torn')
    const again = await terminal.tap(inField(card), atMs + 2_000)
    expect(again).toMatchObject({ kind: 'paid', recovered: true })
    expect(again.kind === 'paid' && again.record.type).toBe(0x09)
    expect(store.read(cardNumber).balanceFen).toBe(700)
  })
})
