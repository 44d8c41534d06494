/**
 * purse-runs.test.ts - the runs of cleared serials the gaps of an upload are worked out from, as
 * SQLite groups them: a terminal's serials, and each card's in its window, all cards in one
 * query; a card serial seen twice (a card replaced, its counter started again) joins no runs
 * across a gap; and the last serial cleared below a window, where an upload's gaps begin.
 */
import Database from 'better-sqlite3'
import { describe, expect, it } from 'vitest'
import {
  cardClearedRuns,
  cardsLastClearedBelow,
  terminalClearedRuns,
  terminalLastClearedBelow,
} from '../../src/ledger/purse-reads.js'
import type { SqliteDatabase } from '../../src/ledger/sqlite-open.js'

function withCleared(rows: readonly (readonly [string, number, string, number])[]): SqliteDatabase {
  const db = new Database(':memory:')
  db.defaultSafeIntegers(true)
  db.exec(
    'CREATE TABLE cleared_purchases (card_number TEXT, card_serial INTEGER, ' +
      'terminal_id TEXT, terminal_serial INTEGER, PRIMARY KEY (terminal_id, terminal_serial))',
  )
  const insert = db.prepare('INSERT INTO cleared_purchases VALUES (?, ?, ?, ?)')
  for (const row of rows) insert.run(...row)
  return db as unknown as SqliteDatabase
}

describe('runs of cleared serials', () => {
  it("groups a terminal's serials into runs within the window", () => {
    const db = withCleared([1, 2, 3, 5, 6, 9].map((serial) => ['C1', serial, 'T1', serial]))
    expect(terminalClearedRuns(db, 'T1', 2, 9)).toEqual([
      [2, 3],
      [5, 6],
      [9, 9],
    ])
    expect(terminalClearedRuns(db, 'T2', 1, 9)).toEqual([])
  })

  it("groups every card's serials in one query, each in its own window", () => {
    const db = withCleared([
      ['A', 0, 'T1', 1],
      ['A', 1, 'T1', 2],
      ['A', 3, 'T1', 3],
      ['B', 7, 'T1', 4],
      ['B', 8, 'T2', 1],
    ])
    const runs = cardClearedRuns(db, [
      { cardNumber: 'A', fromSerial: 0, toSerial: 3 },
      { cardNumber: 'B', fromSerial: 8, toSerial: 8 },
      { cardNumber: 'C', fromSerial: 0, toSerial: 5 },
    ])
    expect(runs.get('A')).toEqual([
      [0, 1],
      [3, 3],
    ])
    expect(runs.get('B')).toEqual([[8, 8]])
    expect(runs.has('C')).toBe(false)
  })

  it('keeps a gap between serials a card used twice', () => {
    const db = withCleared([
      ['A', 3, 'T1', 1],
      ['A', 5, 'T1', 2],
      ['A', 5, 'T2', 1],
      ['A', 7, 'T1', 3],
    ])
    const window = { cardNumber: 'A', fromSerial: 3, toSerial: 7 }
    expect(cardClearedRuns(db, [window]).get('A')).toEqual([
      [3, 3],
      [5, 5],
      [7, 7],
    ])
  })

  it('finds the last serial cleared below a window, no lower than its floor', () => {
    const db = withCleared([
      ...[0, 1, 2, 5, 9].map((serial, index) => ['A', serial, 'T1', index + 1] as const),
      ['B', 3, 'T2', 4],
    ])
    const floors = [
      { cardNumber: 'A', belowSerial: 9, floorSerial: 0 },
      { cardNumber: 'B', belowSerial: 3, floorSerial: 0 },
      { cardNumber: 'C', belowSerial: 3, floorSerial: 0 },
    ]
    // B has nothing below 3, C nothing at all: both absent.
    expect(cardsLastClearedBelow(db, floors)).toEqual(new Map([['A', 5]]))
    expect(
      cardsLastClearedBelow(db, [{ cardNumber: 'A', belowSerial: 9, floorSerial: 6 }]),
    ).toEqual(new Map())
    expect(terminalLastClearedBelow(db, 'T1', 5, 1)).toBe(4)
    expect(terminalLastClearedBelow(db, 'T1', 5, 5)).toBeNull()
    expect(terminalLastClearedBelow(db, 'T2', 4, 1)).toBeNull()
  })
})
