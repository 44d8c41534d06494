/**
 * row-buffer.test.ts - rows gathered for one INSERT of many: none written until the buffer is
 * full or told to write, a full one written at once, the rest by write(), a rolled-back batch's
 * dropped, and a row of the wrong width refused.
 */
import Database from 'better-sqlite3'
import { describe, expect, it } from 'vitest'
import { RowBuffer, rowsPerStatement } from '../../src/ledger/row-buffer.js'
import type { SqliteDatabase } from '../../src/ledger/sqlite-open.js'

function table(): { db: SqliteDatabase; count: () => number } {
  const db = new Database(':memory:') as unknown as SqliteDatabase
  db.exec('CREATE TABLE t (a INTEGER PRIMARY KEY, b TEXT)')
  const count = () => Number((db.prepare('SELECT COUNT(*) AS n FROM t').get() as { n: number }).n)
  return { db, count }
}

describe('RowBuffer', () => {
  it('writes a full buffer at once and the rest when told', () => {
    const { db, count } = table()
    const rows = new RowBuffer(db, 'INSERT INTO t (a, b)', 2)
    for (let a = 1; a < rowsPerStatement; a += 1) rows.add(a, `row ${a}`)
    expect(count()).toBe(0)
    expect(rows.pending).toBe(true)
    rows.add(rowsPerStatement, 'the last of a full buffer')
    expect(count()).toBe(rowsPerStatement)
    expect(rows.pending).toBe(false)
    rows.add(1_000, 'one more')
    rows.write()
    expect(count()).toBe(rowsPerStatement + 1)
    expect(db.prepare('SELECT b FROM t WHERE a = 1000').get()).toEqual({ b: 'one more' })
  })

  it('drops the rows of a batch that rolled back, and refuses a row of the wrong width', () => {
    const { db, count } = table()
    const rows = new RowBuffer(db, 'INSERT INTO t (a, b)', 2)
    rows.add(1, 'kept')
    rows.write()
    rows.add(2, 'dropped')
    rows.drop()
    rows.write()
    expect(count()).toBe(1)
    expect(() => rows.add(3)).toThrow('a row of 1 values for 2 columns')
  })
})
