/**
 * session-store.test.ts - the SQLite session store on a real file: compare-and-set on the hop
 * count, the subscriber index, expiry by idle time and by total age at times passed in, and
 * ended sessions kept for late retries, then forgotten.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { defaultUssdLimits } from '../../../channels/ussd/limits.js'
import type { SessionRecord } from '../../../channels/ussd/session-store.js'
import { SqliteSessionStore } from '../../../channels/ussd/session-store.js'

let dir: string
let store: SqliteSessionStore
const t0 = 1_700_000_000_000

function record(key: string, msisdn: string, hop: number, startedMs: number, activeMs: number): SessionRecord {
  return {
    key, provider: 'at', msisdn, hop, requestKey: `r${hop}`, textLength: 0, startedMs, activeMs, outcome: null,
    lastScreen: { type: 'CON', text: `screen ${hop}` },
    session: { sessionId: key, msisdn, language: 'en', state: 'main', page: 0, back: [], values: {}, trail: [], hop, lastScreen: null, ended: false },
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
    expect(await store.put({ ...record('at:a', '861', 2, t0, t0 + 2), lastScreen: { type: 'CON', text: 'loser' } }, 1)).toBe(false)
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

  it('expires sessions idle for sessionIdleMs or older than sessionTotalMs, by the time it is given', async () => {
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
