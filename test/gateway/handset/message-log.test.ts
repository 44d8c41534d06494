/**
 * message-log.test.ts - the message log on a real ledger file: a ledger written before the log
 * (schema version 13) gains its table when it opens (migration 14); recorded messages are read
 * back before they are written (a read flushes), newest first a page at a time; a held MT that
 * moves on keeps its seq; a batch that cannot be written is lost and told, never thrown;
 * retention trims each MSISDN to its cap and drops rows past their age, in bounded steps; a seq is
 * never given twice, even after the newest rows were pruned; and every query runs on its index or
 * the primary key, never a scan of the table (EXPLAIN QUERY PLAN, with and without the planner's
 * statistics).
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import Database from 'better-sqlite3'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { HandsetEvent, HandsetLimits, SmsRecord } from '../../../src/gateway/handset/index.js'
import {
  HandsetHub,
  handsetLimits,
  messageLogQueries,
  SqliteMessageLog,
} from '../../../src/gateway/handset/index.js'
import { schemaVersion } from '../../../src/ledger/schema.js'
import type { SqliteDatabase } from '../../../src/ledger/sqlite-open.js'
import { openLedgerDatabase } from '../../../src/ledger/sqlite-open.js'
import { captureLog } from '../../support/log-capture.js'

const LI = '8613800138000'
const HAN = '8613800138001'
const DAY_MS = 86_400_000

let dir: string
let db: SqliteDatabase

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'telepay-msglog-'))
  db = openLedgerDatabase(join(dir, 'ledger.sqlite'))
})

afterEach(() => {
  if (db.open) db.close()
  rmSync(dir, { recursive: true, force: true })
})

function logOn(
  database: SqliteDatabase,
  limits: Partial<HandsetLimits> = {},
  hub = new HandsetHub(handsetLimits),
): SqliteMessageLog {
  return new SqliteMessageLog({ db: database, hub, limits: { ...handsetLimits, ...limits } })
}

function sms(msisdn: string, index: number, overrides: Partial<SmsRecord> = {}): SmsRecord {
  return {
    msisdn,
    direction: index % 2 === 0 ? 'mo' : 'mt',
    party: '12588',
    text: `message ${index}`,
    coding: 'gsm7',
    parts: 1,
    messageId: `${msisdn}-${index}`,
    state: index % 2 === 0 ? 'delivered' : 'submitted',
    ...overrides,
  }
}

function rowsOf(msisdn: string): number {
  const row = db.prepare('SELECT count(*) AS n FROM message_log WHERE msisdn = ?').get(msisdn) as {
    n: bigint
  }
  return Number(row.n)
}

/** The plan's detail lines of one statement, read by another connection. */
function planOf(sql: string, params: Record<string, unknown> | unknown[]): string {
  const reader = new Database(join(dir, 'ledger.sqlite'), { readonly: true })
  try {
    const statement = reader.prepare(`EXPLAIN QUERY PLAN ${sql}`)
    const rows = (Array.isArray(params) ? statement.all(...params) : statement.all(params)) as {
      detail: string
    }[]
    return rows.map((row) => row.detail).join(' | ')
  } finally {
    reader.close()
  }
}

describe('the message log', () => {
  it('is added to a ledger written before it (migration 14)', () => {
    db.exec('DROP TABLE message_log')
    db.prepare("UPDATE meta SET value = '13' WHERE key = 'schema_version'").run()
    db.close()
    db = openLedgerDatabase(join(dir, 'ledger.sqlite'))
    const version = db.prepare("SELECT value FROM meta WHERE key = 'schema_version'").get() as {
      value: string
    }
    expect(version.value).toBe(String(schemaVersion))
    const log = logOn(db)
    log.record(sms(LI, 0), 1_000)
    expect(log.page({ msisdn: LI, limit: 10, beforeSeq: null }).map((m) => m.text)).toEqual([
      'message 0',
    ])
    log.close()
  })

  it('reads back what it recorded before writing it, newest first, a page at a time', () => {
    const events: HandsetEvent[] = []
    const hub = new HandsetHub(handsetLimits)
    hub.subscribe(LI, (event) => events.push(event))
    // A flush interval longer than the test: only reads and steps write.
    const log = logOn(db, { flushIntervalMs: 3_600_000 }, hub)
    for (let index = 0; index < 5; index += 1) log.record(sms(LI, index), 1_000 + index)
    log.record(sms(HAN, 9, { coding: 'ucs2', parts: 3, text: '余额' }), 2_000)
    expect(rowsOf(LI)).toBe(0)
    expect(events.map((event) => ('message' in event ? event.message.text : null))).toEqual(
      [0, 1, 2, 3, 4].map((i) => `message ${i}`),
    )

    const first = log.page({ msisdn: LI, limit: 2, beforeSeq: null })
    expect(first.map((m) => m.text)).toEqual(['message 4', 'message 3'])
    const second = log.page({ msisdn: LI, limit: 2, beforeSeq: first.at(-1)?.seq ?? 0 })
    expect(second.map((m) => m.text)).toEqual(['message 2', 'message 1'])
    expect(rowsOf(LI)).toBe(5)
    const [han] = log.page({ msisdn: HAN, limit: 10, beforeSeq: null })
    expect(han).toMatchObject({ coding: 'ucs2', parts: 3, text: '余额', direction: 'mt' })
    // A stream resuming after the second message gets the rest, oldest first.
    const resumed = log.since(LI, first.at(-1)?.seq ?? 0, 10)
    expect(resumed.map((m) => m.text)).toEqual(['message 4'])
    expect(log.since(LI, 0, 2).map((m) => m.text)).toEqual(['message 3', 'message 4'])
    log.close()
  })

  it('moves a held MT on under its seq, and records one it never saw', () => {
    const events: HandsetEvent[] = []
    const hub = new HandsetHub(handsetLimits)
    hub.subscribe(LI, (event) => events.push(event))
    const log = logOn(db, {}, hub)
    const held = log.record(sms(LI, 1, { messageId: 'outbox-7', state: 'held' }), 1_000)
    log.flush()
    const moved = log.update(sms(LI, 1, { messageId: 'outbox-7', state: 'delivered' }), 5_000)
    expect(moved).toMatchObject({ seq: held.seq, state: 'delivered', createdMs: 1_000 })
    expect(
      events.map((event) => [event.kind, 'message' in event ? event.message.state : null]),
    ).toEqual([
      ['sms', 'held'],
      ['sms_state', 'delivered'],
    ])
    const fresh = log.update(sms(LI, 3, { messageId: 'outbox-8', state: 'held' }), 6_000)
    expect(fresh.seq).toBeGreaterThan(held.seq)
    const page = log.page({ msisdn: LI, limit: 10, beforeSeq: null })
    expect(page.map((m) => [m.messageId, m.state])).toEqual([
      ['outbox-8', 'held'],
      ['outbox-7', 'delivered'],
    ])
    log.close()
  })

  it('trims each MSISDN to its cap and drops what is past its age, in bounded steps', () => {
    const limits = {
      messagesPerMsisdnMax: 10,
      capSlackMessages: 5,
      messageKeepMs: 7 * DAY_MS,
      pruneRowsMax: 4,
      capTrimsPerStepMax: 1,
    }
    const log = logOn(db, limits)
    // 30 of LI's, 12 of Han's, a day apart from the first.
    for (let index = 0; index < 30; index += 1) log.record(sms(LI, index), DAY_MS + index)
    for (let index = 0; index < 12; index += 1) log.record(sms(HAN, index), 2 * DAY_MS + index)
    // One trim a step: the number that reached its slack first (LI), then Han.
    expect(log.step(3 * DAY_MS)).toBe(20)
    expect(rowsOf(LI)).toBe(10)
    expect(log.page({ msisdn: LI, limit: 1, beforeSeq: null })[0]?.text).toBe('message 29')
    expect(log.step(3 * DAY_MS)).toBe(2)
    expect(rowsOf(HAN)).toBe(10)
    expect(log.step(3 * DAY_MS)).toBe(0)
    // A week later LI's rows are past their age: at most pruneRowsMax seqs a step.
    const weekOn = 8 * DAY_MS + 100
    let steps = 0
    while (rowsOf(LI) > 0 && steps < 20) {
      const deleted = log.step(weekOn)
      expect(deleted).toBeLessThanOrEqual(limits.pruneRowsMax)
      steps += 1
    }
    expect(rowsOf(LI)).toBe(0)
    expect(rowsOf(HAN)).toBe(10)
    log.close()
  })

  it('loses a batch it cannot write, telling the log, and throws into no caller', () => {
    const capture = captureLog()
    const log = new SqliteMessageLog({
      db,
      hub: new HandsetHub(handsetLimits),
      limits: handsetLimits,
      log: capture.log,
    })
    log.record(sms(LI, 0, { text: 'Balance: wallet CNY 500.00' }), 1_000)
    db.exec('DROP TABLE message_log')
    expect(() => log.flush()).not.toThrow()
    const [failed] = capture.entries()
    expect(failed).toMatchObject({ level: 'error', messages: 1 })
    expect(capture.lines.join('\n')).not.toContain('500.00')
    log.close()
  })

  it('never gives a seq twice, even after the newest rows went', () => {
    const log = logOn(db)
    const last = log.record(sms(LI, 0), 1_000)
    log.record(sms(LI, 1), 1_001)
    log.flush()
    db.exec('DELETE FROM message_log')
    log.close()
    const reopened = logOn(db)
    expect(reopened.record(sms(LI, 2), 2_000).seq).toBe(last.seq + 2)
    reopened.close()
  })

  it('runs every query on its index or the primary key, never a scan of the table', () => {
    const log = logOn(db, { flushIntervalMs: 3_600_000 })
    for (let index = 0; index < 2_000; index += 1)
      log.record(sms(`86138${String(index % 200).padStart(8, '0')}`, index), index)
    log.close()
    const expected: [
      keyof typeof messageLogQueries,
      Record<string, unknown> | unknown[],
      RegExp,
    ][] = [
      [
        'insert',
        {
          seq: 1,
          msisdn: LI,
          direction: 'mo',
          party: '1',
          text: '',
          coding: 'gsm7',
          parts: 1,
          messageId: 'x',
          state: 'delivered',
          createdMs: 1,
          updatedMs: 1,
        },
        /^$/,
      ],
      [
        'changeState',
        { state: 'held', updatedMs: 1, messageId: 'x' },
        /USING INDEX message_log_by_id/,
      ],
      ['byId', ['x'], /USING INDEX message_log_by_id/],
      ['page', { msisdn: LI, before: 100, limit: 20 }, /USING INDEX message_log_by_msisdn/],
      ['since', { msisdn: LI, after: 100, limit: 20 }, /USING INDEX message_log_by_msisdn/],
      ['oldest', [], /SEARCH message_log|USING INTEGER PRIMARY KEY/],
      ['prune', { upto: 500, before: 100 }, /USING INTEGER PRIMARY KEY \(rowid<\?\)/],
      ['trim', { msisdn: LI, keep: 200 }, /COVERING INDEX message_log_by_msisdn/],
    ]
    for (const analyzed of [false, true]) {
      if (analyzed) db.exec('ANALYZE')
      for (const [name, params, wanted] of expected) {
        const plan = planOf(messageLogQueries[name], params)
        const label = `${name}${analyzed ? ' after ANALYZE' : ''}: ${plan}`
        expect(plan, label).toMatch(wanted)
        expect(plan, label).not.toMatch(/SCAN message_log(?! USING)/)
        expect(plan, label).not.toContain('TEMP B-TREE')
      }
    }
  })
})
