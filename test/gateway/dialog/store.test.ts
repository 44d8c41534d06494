/**
 * store.test.ts - the dialog store's hot path stays flat as dialogs pile up: every query it runs
 * uses the index meant for it (EXPLAIN QUERY PLAN, on a file holding open and ended dialogs, with
 * and without the planner's statistics), and the count of open dialogs stays exact through
 * opens, ends, a memory bound that leaves dialogs to SQLite only, and a restart — without
 * counting them all again at each end.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import Database from 'better-sqlite3'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { DialogRecord, DialogStoreLimits } from '../../../src/gateway/dialog/index.js'
import { dialogQueries, SqliteDialogStore } from '../../../src/gateway/dialog/index.js'

type Outcome = 'idle' | 'cap' | 'done'
type Record = DialogRecord & { readonly outcome: Outcome | null; readonly note: string }

const limits: DialogStoreLimits = {
  idleMs: 30_000,
  totalMs: 180_000,
  expireBatchMax: 500,
  endedKeepMs: 600_000,
  inMemoryMax: 100,
  dirtyMax: 100,
  // Longer than a test: what reaches the file got there by flush, end or close.
  flushIntervalMs: 60_000,
}

let dir: string
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'telepay-dialogs-'))
})
afterEach(() => {
  rmSync(dir, { recursive: true, force: true })
})

function storeAt(path: string): SqliteDialogStore<Record, Outcome> {
  return new SqliteDialogStore<Record, Outcome>({
    path,
    name: 'test',
    limits,
    outcomes: { idle: 'idle', cap: 'cap' },
  })
}

function dialog(index: number, startedMs: number): Record {
  return {
    key: `d${index}`,
    msisdn: `86138${String(index).padStart(8, '0')}`,
    step: 1,
    startedMs,
    activeMs: startedMs,
    outcome: null,
    note: 'plain data',
  }
}

/** The plan's detail lines of one statement, read by another connection. */
function planOf(path: string, sql: string, params: readonly unknown[]): string {
  const db = new Database(path, { readonly: true })
  try {
    const rows = db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all(...params) as { detail: string }[]
    return rows.map((row) => row.detail).join(' | ')
  } finally {
    db.close()
  }
}

describe('the dialog store', () => {
  it('runs every query of the hot path on its own index, never a scan of the table', async () => {
    const path = join(dir, 'dialogs.sqlite')
    const store = storeAt(path)
    // 300 open (200 of them past the memory bound, so in SQLite only) and 100 ended.
    for (let index = 0; index < 400; index += 1) await store.put(dialog(index, index), null)
    for (let index = 0; index < 100; index += 1) await store.end(`d${index}`, 'done', 1_000)
    store.flush()
    const expected: [keyof typeof dialogQueries, readonly unknown[], string][] = [
      ['get', ['d1'], 'sqlite_autoindex_dialogs_1'],
      ['openOf', ['8613800000001'], 'dialogs_open_by_msisdn'],
      ['idle', [5_000, 500], 'dialogs_open_by_activity'],
      ['capped', [5_000, 500], 'dialogs_open_by_start'],
      ['forget', [5_000], 'dialogs_ended_by_activity'],
      ['recentOpen', [50], 'dialogs_open_by_activity'],
    ]
    for (const analyzed of [false, true]) {
      if (analyzed) {
        const db = new Database(path)
        db.exec('ANALYZE')
        db.close()
      }
      for (const [name, params, index] of expected) {
        const plan = planOf(path, dialogQueries[name], params)
        expect(plan, `${name}${analyzed ? ' after ANALYZE' : ''}`).toContain(index)
        expect(plan, name).not.toMatch(/SCAN dialogs(?! USING)/)
        expect(plan, name).not.toContain('TEMP B-TREE')
      }
    }
    await store.close()
  })

  it('keeps the open count exact through ends, the memory bound and a restart', async () => {
    const path = join(dir, 'dialogs.sqlite')
    const store = storeAt(path)
    for (let index = 0; index < 250; index += 1) await store.put(dialog(index, index), null)
    expect(await store.openCount()).toBe(250)
    for (let index = 0; index < 50; index += 1) await store.end(`d${index}`, 'done', 1_000)
    // Ending one that already ended changes nothing.
    expect(await store.end('d0', 'done', 1_001)).toBeNull()
    expect(await store.openCount()).toBe(200)
    // Past the idle time the sweep ends them all, those only in SQLite included.
    const expired = await store.expire(limits.idleMs + 1_000)
    expect(expired).toHaveLength(200)
    expect(new Set(expired.map((record) => record.outcome))).toEqual(new Set(['idle']))
    expect(await store.openCount()).toBe(0)
    for (let index = 300; index < 320; index += 1) await store.put(dialog(index, 40_000), null)
    await store.close()
    const restarted = storeAt(path)
    expect(await restarted.openCount()).toBe(20)
    expect((await restarted.openOf('8613800000300')).map((record) => record.key)).toEqual(['d300'])
    await restarted.end('d300', 'done', 41_000)
    expect(await restarted.openCount()).toBe(19)
    await restarted.close()
  })

  it('answers a dial past the memory bound from the file and memory, memory winning', async () => {
    const path = join(dir, 'dialogs.sqlite')
    const store = storeAt(path)
    for (let index = 0; index < 250; index += 1) await store.put(dialog(index, index), null)
    // d20 left memory for the file at step 1; its step 2 is in memory only, not written yet.
    await store.put({ ...dialog(20, 20), step: 2, activeMs: 500 }, 1)
    // A second dialog of d20's number, in memory only.
    await store.put({ ...dialog(20, 600), key: 'd20b' }, null)
    const open = await store.openOf(dialog(20, 0).msisdn)
    expect(open.map((record) => [record.key, record.step])).toEqual([
      ['d20', 2],
      ['d20b', 1],
    ])
    const onDisk = new Database(path, { readonly: true })
    expect(onDisk.prepare("SELECT step FROM dialogs WHERE key = 'd20'").get()).toEqual({ step: 1 })
    onDisk.close()
    await store.close()
  })

  it('ends a dialog past the total cap by its cap, even while it is busy', async () => {
    const store = storeAt(join(dir, 'dialogs.sqlite'))
    await store.put(dialog(1, 0), null)
    await store.put({ ...dialog(1, 0), step: 2, activeMs: limits.totalMs }, 1)
    const expired = await store.expire(limits.totalMs + 1)
    expect(expired.map((record) => [record.key, record.outcome])).toEqual([['d1', 'cap']])
    await store.close()
  })
})
