/**
 * session-store.test.ts - the SQLite session store on a real file: compare-and-set on the hop
 * count, the subscriber index, expiry by idle time and by total age at times passed in, and
 * ended sessions kept for late retries, then forgotten. Then its write-behind: a put is read back
 * at once though not yet in the file, the timer, an end and close write it, a reopened file
 * (a restart) still answers get, openOf, openCount, expire and the compare-and-set, a crash
 * loses only what was not written, and past the memory bound sessions are served from SQLite.
 */

import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import Database from 'better-sqlite3'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { UssdLimits } from '../../../channels/ussd/limits.js'
import { defaultUssdLimits } from '../../../channels/ussd/limits.js'
import type { SessionRecord } from '../../../channels/ussd/session-store.js'
import { SqliteSessionStore } from '../../../channels/ussd/session-store.js'

let dir: string
let store: SqliteSessionStore
const t0 = 1_700_000_000_000

function record(
  key: string,
  msisdn: string,
  hop: number,
  startedMs: number,
  activeMs: number,
): SessionRecord {
  return {
    key,
    provider: 'at',
    msisdn,
    step: hop,
    requestKey: `r${hop}`,
    textLength: 0,
    startedMs,
    activeMs,
    outcome: null,
    lastScreen: { type: 'CON', text: `screen ${hop}` },
    session: {
      sessionId: key,
      msisdn,
      language: 'en',
      state: 'main',
      page: 0,
      back: [],
      values: {},
      trail: [],
      hop,
      lastScreen: null,
      ended: false,
    },
  }
}

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'telepay-ussd-store-'))
  store = new SqliteSessionStore(join(dir, 'ussd.sqlite'), defaultUssdLimits)
})

afterEach(async () => {
  await store.close()
  rmSync(dir, { recursive: true, force: true })
})

describe('SqliteSessionStore', () => {
  it('lets only one of two writers of the same hop win', async () => {
    expect(await store.put(record('at:a', '861', 1, t0, t0), null)).toBe(true)
    expect(await store.put(record('at:a', '861', 1, t0, t0), null)).toBe(false)
    expect(await store.put(record('at:a', '861', 2, t0, t0 + 1), 1)).toBe(true)
    expect(
      await store.put(
        { ...record('at:a', '861', 2, t0, t0 + 2), lastScreen: { type: 'CON', text: 'loser' } },
        1,
      ),
    ).toBe(false)
    expect((await store.get('at:a'))?.lastScreen.text).toBe('screen 2')
  })

  it('finds the open sessions of a subscriber, and not the ended ones', async () => {
    await store.put(record('at:a', '861', 1, t0, t0), null)
    await store.put(record('hubtel:b', '861', 1, t0 + 5, t0 + 5), null)
    await store.put(record('at:c', '862', 1, t0, t0), null)
    expect((await store.openOf('861')).map((open) => open.key)).toEqual(['at:a', 'hubtel:b'])
    expect((await store.end('at:a', 'replaced', t0 + 6))?.outcome).toBe('replaced')
    expect(await store.end('at:a', 'replaced', t0 + 7)).toBeNull()
    expect((await store.openOf('861')).map((open) => open.key)).toEqual(['hubtel:b'])
    expect(await store.openCount()).toBe(2)
  })

  it('expires sessions idle sessionIdleMs or older than sessionTotalMs, at a time', async () => {
    const { sessionIdleMs, sessionTotalMs } = defaultUssdLimits
    await store.put(record('at:idle', '861', 1, t0, t0), null)
    await store.put(record('at:busy', '862', 1, t0, t0 + sessionTotalMs - 1_000), null)
    expect(await store.expire(t0 + sessionIdleMs - 1)).toEqual([])
    const idle = await store.expire(t0 + sessionIdleMs)
    expect(idle.map((ended) => [ended.key, ended.outcome])).toEqual([['at:idle', 'idle_timeout']])
    const capped = await store.expire(t0 + sessionTotalMs)
    expect(capped.map((ended) => [ended.key, ended.outcome])).toEqual([['at:busy', 'total_cap']])
    expect(await store.openCount()).toBe(0)
  })

  it('keeps an ended session for late retries, then forgets it', async () => {
    await store.put({ ...record('at:done', '861', 3, t0, t0), outcome: 'completed' }, null)
    await store.expire(t0 + defaultUssdLimits.endedKeepMs - 1)
    expect((await store.get('at:done'))?.outcome).toBe('completed')
    await store.expire(t0 + defaultUssdLimits.endedKeepMs)
    expect(await store.get('at:done')).toBeNull()
  })
})

/**
 * Limits whose flush timer does not fire within a test: what is in the file was written by flush,
 * end or close.
 */
const noTimer: UssdLimits = { ...defaultUssdLimits, sessionFlushIntervalMs: 25_000 }

/** The rows in the file as another connection sees them: key, hop and open. */
function rowsOnDisk(): { key: string; hop: number; open: number }[] {
  const db = new Database(join(dir, 'ussd.sqlite'), { readonly: true })
  try {
    return db.prepare('SELECT key, step AS hop, open FROM dialogs ORDER BY key').all() as {
      key: string
      hop: number
      open: number
    }[]
  } finally {
    db.close()
  }
}

async function reopen(limits: UssdLimits = noTimer): Promise<void> {
  await store.close()
  store = new SqliteSessionStore(join(dir, 'ussd.sqlite'), limits)
}

describe('SqliteSessionStore write-behind', () => {
  it('reads a put at once, before the file has it; flush writes it; a reopen has it', async () => {
    await reopen()
    expect(await store.put(record('at:a', '861', 1, t0, t0), null)).toBe(true)
    expect(await store.put(record('at:a', '861', 2, t0, t0 + 1), 1)).toBe(true)
    expect((await store.get('at:a'))?.lastScreen.text).toBe('screen 2')
    expect((await store.openOf('861')).map((open) => open.step)).toEqual([2])
    expect(rowsOnDisk()).toEqual([])
    store.flush()
    expect(rowsOnDisk()).toEqual([{ key: 'at:a', hop: 2, open: 1 }])
    await reopen()
    expect(await store.get('at:a')).toEqual(record('at:a', '861', 2, t0, t0 + 1))
  })

  it('writes changed sessions every sessionFlushIntervalMs without being asked', async () => {
    await reopen({ ...defaultUssdLimits, sessionFlushIntervalMs: 20 })
    await store.put(record('at:a', '861', 1, t0, t0), null)
    await store.put(record('at:b', '862', 1, t0, t0), null)
    await expect.poll(() => rowsOnDisk().length, { timeout: 2_000, interval: 10 }).toBe(2)
  })

  it('writes a session that ends before the end returns, and everything on close', async () => {
    await reopen()
    await store.put(record('at:a', '861', 1, t0, t0), null)
    await store.put(record('at:b', '862', 1, t0, t0), null)
    await store.put({ ...record('at:b', '862', 2, t0, t0 + 1), outcome: 'completed' }, 1)
    // The end carries the other waiting change along: one write.
    expect(rowsOnDisk()).toEqual([
      { key: 'at:a', hop: 1, open: 1 },
      { key: 'at:b', hop: 2, open: 0 },
    ])
    await store.put(record('at:a', '861', 2, t0, t0 + 2), 1)
    expect((await store.end('at:a', 'released', t0 + 3))?.outcome).toBe('released')
    expect(rowsOnDisk()).toEqual([
      { key: 'at:a', hop: 2, open: 0 },
      { key: 'at:b', hop: 2, open: 0 },
    ])
    await store.put(record('at:c', '863', 1, t0, t0), null)
    await store.close()
    expect(rowsOnDisk().map((row) => row.key)).toEqual(['at:a', 'at:b', 'at:c'])
    store = new SqliteSessionStore(join(dir, 'ussd.sqlite'), noTimer)
  })

  it('still refuses a stale hop, in memory and after a restart', async () => {
    await reopen()
    await store.put(record('at:a', '861', 1, t0, t0), null)
    await store.put(record('at:a', '861', 2, t0, t0 + 1), 1)
    expect(
      await store.put(
        { ...record('at:a', '861', 2, t0, t0 + 2), lastScreen: { type: 'CON', text: 'loser' } },
        1,
      ),
    ).toBe(false)
    expect(await store.put(record('at:a', '861', 1, t0, t0), null)).toBe(false)
    await reopen()
    expect(
      await store.put(
        { ...record('at:a', '861', 3, t0, t0 + 2), lastScreen: { type: 'CON', text: 'loser' } },
        1,
      ),
    ).toBe(false)
    expect(await store.put(record('at:a', '861', 1, t0, t0), null)).toBe(false)
    expect(await store.put(record('at:a', '861', 3, t0, t0 + 3), 2)).toBe(true)
    expect((await store.get('at:a'))?.lastScreen.text).toBe('screen 3')
  })

  it('after a restart finds, counts, replaces, expires sessions only the file holds', async () => {
    await reopen()
    await store.put(record('at:old', '861', 2, t0, t0), null)
    await store.put(record('at:busy', '862', 1, t0, t0 + 20_000), null)
    await reopen()
    expect(await store.openCount()).toBe(2)
    expect((await store.openOf('861')).map((open) => open.key)).toEqual(['at:old'])
    // A new dial of subscriber 861 ends the old session, as the service does.
    expect((await store.end('at:old', 'replaced', t0 + 21_000))?.outcome).toBe('replaced')
    await store.put(record('at:new', '861', 1, t0 + 21_000, t0 + 21_000), null)
    expect((await store.openOf('861')).map((open) => open.key)).toEqual(['at:new'])
    expect(await store.openCount()).toBe(2)
    const expired = await store.expire(t0 + 20_000 + defaultUssdLimits.sessionIdleMs)
    expect(expired.map((ended) => [ended.key, ended.outcome])).toEqual([
      ['at:busy', 'idle_timeout'],
    ])
    expect(await store.openCount()).toBe(1)
    await reopen()
    expect((await store.get('at:old'))?.outcome).toBe('replaced')
    expect((await store.get('at:busy'))?.outcome).toBe('idle_timeout')
    expect((await store.openOf('861')).map((open) => open.key)).toEqual(['at:new'])
  })

  it('loses in a crash only unwritten updates: the session comes back a hop behind', async () => {
    await reopen()
    await store.put(record('at:a', '861', 1, t0, t0), null)
    store.flush()
    await store.put(record('at:a', '861', 2, t0, t0 + 1), 1)
    // Another store opening the file while this one never wrote hop 2: what a restart after a crash
    // finds.
    const restarted = new SqliteSessionStore(join(dir, 'ussd.sqlite'), noTimer)
    try {
      expect((await restarted.get('at:a'))?.step).toBe(1)
      expect(await restarted.put(record('at:a', '861', 2, t0, t0 + 5), 1)).toBe(true)
    } finally {
      await restarted.close()
    }
  })

  it('past sessionsInMemoryMax leaves the least recent to SQLite, still answers all', async () => {
    await reopen({ ...noTimer, sessionsInMemoryMax: 10, sessionsDirtyMax: 5 })
    const keys = Array.from({ length: 25 }, (_, index) => `at:s${String(index).padStart(2, '0')}`)
    for (const [index, key] of keys.entries())
      await store.put(record(key, `86${index}`, 1, t0, t0 + index), null)
    // The first sessions left memory: each is read back from the file, and its hop still
    // compare-and-sets.
    expect((await store.get('at:s00'))?.step).toBe(1)
    expect(await store.put(record('at:s01', '861', 2, t0, t0 + 30), 2)).toBe(false)
    expect(await store.put(record('at:s01', '861', 2, t0, t0 + 30), 1)).toBe(true)
    expect((await store.openOf('862')).map((open) => open.key)).toEqual(['at:s02'])
    expect(await store.openCount()).toBe(25)
    const expired = await store.expire(t0 + 30 + defaultUssdLimits.sessionIdleMs)
    expect(expired.map((ended) => ended.key).sort()).toEqual(keys)
    expect(await store.openCount()).toBe(0)
    expect(rowsOnDisk().every((row) => row.open === 0)).toBe(true)
  })

  it('hands out records that cannot be changed in place behind the compare-and-set', async () => {
    await store.put(record('at:a', '861', 1, t0, t0), null)
    const stored = await store.get('at:a')
    expect(() => {
      ;(stored?.session.values as Record<string, string>)['amount'] = '1000000'
    }).toThrow(TypeError)
    expect((await store.get('at:a'))?.session.values).toEqual({})
  })
})
