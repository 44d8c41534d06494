/**
 * purse-card.test.ts - the RFID-SIM purse spoken to as a terminal and its PSAM would: APDUs in,
 * status words and data out, every MAC and TAC the card returns checked with the keys the key
 * store diversifies, every refusal with the status word of the standard, and tearing: a card
 * pulled after its commit proves the transaction, one whose commit never happened is untouched.
 */
import { describe, expect, it } from 'vitest'
import { decodeLogRecord, purseAid } from '../../../src/bearer/rfid-sim/card-files.js'
import type { CardState } from '../../../src/bearer/rfid-sim/card-state.js'
import { MemoryCardStore } from '../../../src/bearer/rfid-sim/card-state.js'
import { PurseCard, purseLimits } from '../../../src/bearer/rfid-sim/purse-card.js'
import { transactionTypes } from '../../../src/gateway/pboc/fields.js'
import { KeyStore, testMasterKeys } from '../../../src/gateway/pboc/key-store.js'
import { loadSessionKey, purchaseSessionKey, tacKeyOf } from '../../../src/gateway/pboc/keys.js'
import { retailMac } from '../../../src/gateway/pboc/mac.js'
import {
  loadMac1,
  loadMac2,
  loadTac,
  purchaseMac1,
  purchaseMac2,
  purchaseTac,
} from '../../../src/gateway/pboc/purse-macs.js'

const cardNumber = '86010000861380013800'
const terminalId = '001122334455'
const keys = new KeyStore(testMasterKeys).cardKeys(cardNumber)
const at = { date: '20261207', time: '093000' }

const hex = (text: string): Buffer => Buffer.from(text.replaceAll(' ', ''), 'hex')

function newCard(store = new MemoryCardStore()): { card: PurseCard; store: MemoryCardStore } {
  let counter = 0
  const card = new PurseCard({
    info: {
      issuer: '8601',
      cardType: 0x01,
      cardNumber,
      validFrom: '20260101',
      validTo: '20291231',
    },
    keys,
    store,
    random: () => {
      counter += 1
      return Buffer.from([0x11, 0x22, 0x33, counter])
    },
  })
  return { card, store }
}

/** Sends an APDU; the status word as 4 hex digits and the data. */
function send(card: PurseCard, apdu: string): { sw: string; data: Buffer } {
  const answer = card.transmit(hex(apdu))
  return {
    sw: answer.subarray(-2).toString('hex').toUpperCase(),
    data: answer.subarray(0, -2),
  }
}

function select(card: PurseCard): void {
  expect(send(card, `00A40400 09 ${purseAid.toString('hex')}`).sw).toBe('9000')
}

const u32 = (value: number): string => value.toString(16).padStart(8, '0')

/** A load as the host runs it: INIT, MAC1 checked, MAC2 computed, CREDIT; the TAC checked. */
function load(card: PurseCard, amountFen: number): void {
  const init = send(card, `80500002 0B 01 ${u32(amountFen)} ${terminalId} 10`)
  expect(init.sw).toBe('9000')
  const balance = init.data.readUInt32BE(0)
  const serial = init.data.readUInt16BE(4)
  const random = init.data.subarray(8, 12)
  const session = loadSessionKey(keys.load, random, serial)
  expect(init.data.subarray(12, 16)).toEqual(loadMac1(session, balance, { amountFen, terminalId }))
  const fields = { amountFen, terminalId, at }
  const mac2 = loadMac2(session, fields).toString('hex')
  const credit = send(card, `80520000 0B ${at.date}${at.time} ${mac2} 04`)
  expect(credit.sw).toBe('9000')
  expect(credit.data).toEqual(loadTac(tacKeyOf(keys.tac), balance + amountFen, serial, fields))
}

/** A purchase's INIT; what the PSAM needs from its answer. */
function initPurchase(card: PurseCard, amountFen: number) {
  const init = send(card, `80500102 0B 01 ${u32(amountFen)} ${terminalId} 0F`)
  return {
    sw: init.sw,
    balance: init.sw === '9000' ? init.data.readUInt32BE(0) : -1,
    serial: init.sw === '9000' ? init.data.readUInt16BE(4) : -1,
    keyVersion: init.data[9],
    random: init.data.subarray(11, 15),
  }
}

function debitApdu(random: Buffer, serial: number, amountFen: number, terminalSerial: number) {
  const session = purchaseSessionKey(keys.purchase, random, serial, terminalSerial)
  const fields = { amountFen, terminalId, terminalSerial, at }
  const mac1 = purchaseMac1(session, fields).toString('hex')
  return {
    apdu: `80540100 0F ${u32(terminalSerial)} ${at.date}${at.time} ${mac1} 08`,
    mac2: purchaseMac2(session, amountFen),
    tac: purchaseTac(tacKeyOf(keys.tac), fields),
  }
}

describe('the purse card', () => {
  it('is found by its AID and by its file id; anything else is 6A82', () => {
    const { card } = newCard()
    const answer = send(card, `00A40400 09 ${purseAid.toString('hex')}`)
    expect(answer.sw).toBe('9000')
    expect(answer.data.subarray(0, 4).toString('hex')).toBe('6f0d8409')
    expect(send(card, '00A40400 09 A00000000386980701').sw).toBe('6A82')
    expect(send(card, '00A40000 02 1001').sw).toBe('9000')
    expect(send(card, '00A40000 02 3F01').sw).toBe('6A82')
  })

  it('refuses purse commands before the application is selected', () => {
    const { card } = newCard()
    expect(send(card, '805C000204').sw).toBe('6985')
  })

  it('reads the public file: the card number and validity', () => {
    const { card } = newCard()
    select(card)
    const file = send(card, '00B095001E')
    expect(file.sw).toBe('9000')
    expect(file.data).toHaveLength(30)
    expect(file.data.subarray(4, 14).toString('hex')).toBe(cardNumber)
    expect(file.data.subarray(18, 22).toString('hex')).toBe('20291231')
    expect(send(card, '00B0950004').data.toString('hex')).toBe('86010101')
    expect(send(card, '00B096001E').sw).toBe('6A82')
  })

  it('loads with the host MAC2 and pays with MAC1, answering TAC and MAC2 that verify', () => {
    const { card, store } = newCard()
    select(card)
    expect(send(card, '805C000204').data.readUInt32BE(0)).toBe(0)
    load(card, 5_000)
    expect(send(card, '805C000204').data.readUInt32BE(0)).toBe(5_000)

    const init = initPurchase(card, 200)
    expect(init).toMatchObject({ sw: '9000', balance: 5_000, serial: 0, keyVersion: 1 })
    const debit = debitApdu(init.random, init.serial, 200, 41)
    const answer = send(card, debit.apdu)
    expect(answer.sw).toBe('9000')
    expect(answer.data.subarray(0, 4)).toEqual(debit.tac)
    expect(answer.data.subarray(4, 8)).toEqual(debit.mac2)
    expect(store.read(cardNumber)).toMatchObject({
      balanceFen: 4_800,
      offlineSerial: 1,
      onlineSerial: 1,
    })
    // The log, most recent first: the purchase, then the load; no third record.
    const first = decodeLogRecord(send(card, '00B201C417').data)
    expect(first).toEqual({ serial: 0, amountFen: 200, type: 0x06, terminalId, ...at })
    expect(decodeLogRecord(send(card, '00B202C417').data)?.type).toBe(0x02)
    expect(send(card, '00B203C417').sw).toBe('6A83')
  })

  it('refuses a wrong MAC1 with 9302 and changes nothing; the transaction is then gone', () => {
    const { card, store } = newCard()
    select(card)
    load(card, 1_000)
    const before = store.read(cardNumber)
    const init = initPurchase(card, 100)
    const debit = debitApdu(init.random, init.serial, 100, 1)
    const forged = `${debit.apdu.slice(0, -10)}00000000 08`
    expect(send(card, forged).sw).toBe('9302')
    expect(store.read(cardNumber)).toBe(before)
    expect(send(card, debit.apdu).sw).toBe('6985')
  })

  it('answers 9401 for more than the balance, 9403 for another key index', () => {
    const { card } = newCard()
    select(card)
    load(card, 500)
    expect(initPurchase(card, 501).sw).toBe('9401')
    expect(send(card, `80500102 0B 02 ${u32(100)} ${terminalId} 0F`).sw).toBe('9403')
  })

  it('refuses a load past the anonymous purse cap', () => {
    const { card } = newCard()
    select(card)
    load(card, purseLimits.balanceMaxFen)
    expect(send(card, `80500002 0B 01 ${u32(1)} ${terminalId} 10`).sw).toBe('6985')
  })

  it('drops an open transaction on a reset', () => {
    const { card } = newCard()
    select(card)
    load(card, 500)
    const init = initPurchase(card, 100)
    card.power()
    select(card)
    expect(send(card, debitApdu(init.random, init.serial, 100, 1).apdu).sw).toBe('6985')
  })

  it('proves a purchase whose answer was lost; one never committed is not provable', () => {
    const { card, store } = newCard()
    select(card)
    load(card, 1_000)
    const init = initPurchase(card, 300)
    const debit = debitApdu(init.random, init.serial, 300, 7)
    card.transmit(hex(debit.apdu)) // the answer never reaches the terminal
    const proof = send(card, `805A0006 02 ${init.serial.toString(16).padStart(4, '0')} 08`)
    expect(proof.sw).toBe('9000')
    expect(proof.data).toEqual(Buffer.concat([debit.mac2, debit.tac]))

    // Torn before the commit: the store never took the new state.
    const failing = new MemoryCardStore()
    const torn = newCard(failing).card
    failing.commit(cardNumber, { ...store.read(cardNumber) })
    select(torn)
    const next = initPurchase(torn, 100)
    failing.commit = (): void => {
      throw new Error('power lost')
    }
    const tornDebit = debitApdu(next.random, next.serial, 100, 8)
    expect(() => torn.transmit(hex(tornDebit.apdu))).toThrow('power lost')
    const after: CardState = failing.read(cardNumber)
    expect(after.balanceFen).toBe(700)
    expect(send(torn, `805A0006 02 ${next.serial.toString(16).padStart(4, '0')} 08`).sw).toBe(
      '9406',
    )
    expect(transactionTypes.purchase).toBe(0x06)
  })

  it('writes the transit record only with a composite purchase, and only with its debit', () => {
    const { card, store } = newCard()
    select(card)
    load(card, 1_000)
    const record = '01300100000101202612070930000000'
    // Outside a composite purchase the cache is refused.
    expect(send(card, `80DC01C8 10 ${record}`).sw).toBe('6985')
    // A composite purchase of nothing (a tap in) needs its record before the debit.
    const init = send(card, `80500302 0B 01 ${u32(0)} ${terminalId} 0F`)
    expect(init.sw).toBe('9000')
    const random = init.data.subarray(11, 15)
    const session = purchaseSessionKey(keys.purchase, random, 0, 5)
    const fields = { amountFen: 0, type: 0x09, terminalId, terminalSerial: 5, at }
    const firstMac1 = purchaseMac1(session, fields).toString('hex')
    const debit = `80540100 0F ${u32(5)} ${at.date}${at.time} ${firstMac1} 08`
    expect(send(card, debit).sw).toBe('6985')
    const again = send(card, `80500302 0B 01 ${u32(0)} ${terminalId} 0F`)
    const session2 = purchaseSessionKey(keys.purchase, again.data.subarray(11, 15), 0, 6)
    const fields2 = { ...fields, terminalSerial: 6 }
    expect(send(card, `80DC01C8 10 ${record}`).sw).toBe('9000')
    const mac1 = purchaseMac1(session2, fields2).toString('hex')
    const answer = send(card, `80540100 0F ${u32(6)} ${at.date}${at.time} ${mac1} 08`)
    expect(answer.sw).toBe('9000')
    expect(send(card, '00B201CC10').data.toString('hex')).toBe(record)
    expect(store.read(cardNumber)).toMatchObject({ balanceFen: 1_000, offlineSerial: 1 })
  })

  it('blocks itself on a line-protected APPLICATION BLOCK, and only on a right MAC', () => {
    const { card, store } = newCard()
    select(card)
    expect(send(card, '841E000004 00000000').sw).toBe('6982')
    const first = send(card, '0084000004')
    expect(first.sw).toBe('9000')
    expect(send(card, '841E000004 00000000').sw).toBe('6988')
    expect(store.read(cardNumber).blocked).toBe(false)
    const challenge = send(card, '0084000004').data
    const iv = Buffer.concat([challenge, Buffer.alloc(4)])
    const mac = retailMac(keys.maintenance, hex('841E000004'), iv).toString('hex')
    expect(send(card, `841E000004 ${mac}`).sw).toBe('9000')
    expect(store.read(cardNumber).blocked).toBe(true)
    expect(send(card, '805C000204').sw).toBe('9303')
  })

  it('refuses every command of a blocked card with 9303', () => {
    const store = new MemoryCardStore()
    const { card } = newCard(store)
    store.commit(cardNumber, { ...store.read(cardNumber), blocked: true })
    select(card)
    expect(send(card, '805C000204').sw).toBe('9303')
  })

  it('answers malformed and unknown commands with their ISO status words', () => {
    const { card } = newCard()
    expect(send(card, '00A404').sw).toBe('6700')
    expect(send(card, '00A40400 09 F054').sw).toBe('6700')
    expect(send(card, '905C000204').sw).toBe('6E00')
    select(card)
    expect(send(card, '80FF000000').sw).toBe('6D00')
    expect(send(card, '805C000104').sw).toBe('6A86')
  })
})
