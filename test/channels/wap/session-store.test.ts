/**
 * session-store.test.ts - sessions and one-time tokens without HTTP: a token's first submit runs
 * once and every later one gets its page; tokens expire; sessions end when idle or too old and
 * are bounded in number; they outlive a restart in wap.sqlite; and the gateway allow-list and
 * enrichment headers of identity.ts.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import type { PageModel } from '../../../channels/wap/contract.js'
import { headerIdentity, trustedGateways } from '../../../channels/wap/identity.js'
import { defaultWapLimits } from '../../../channels/wap/limits.js'
import { WapSessionStore } from '../../../channels/wap/session-store.js'

const page = (title: string): PageModel => ({
  page: 'result',
  language: 'en',
  title,
  paragraphs: [],
  form: null,
  links: [],
  noStore: true,
})

describe('one-time tokens', () => {
  it('run a submit once; a second submit, even during the first, gets the first page', async () => {
    const store = new WapSessionStore(defaultWapLimits)
    const session = store.open(0, { msisdn: '8613800138000', language: 'en', via: 'login' })
    const token = store.issue(session, 'pay_merchant', 0)
    let runs = 0
    let release: (model: PageModel) => void = () => undefined
    const first = store.claim(session, token, ['pay_merchant'], 1)
    if (first.kind !== 'fresh') throw new Error('first claim not fresh')
    const answered = first.finish(
      new Promise((resolve) => {
        runs += 1
        release = resolve
      }),
    )
    const second = store.claim(session, token, ['pay_merchant'], 2)
    expect(second.kind).toBe('replay')
    release(page('paid'))
    expect((await answered).title).toBe('paid')
    if (second.kind === 'replay') expect((await second.page).title).toBe('paid')
    expect(runs).toBe(1)
  })

  it('are unknown to another form, after their life, and in another session', () => {
    const store = new WapSessionStore(defaultWapLimits)
    const session = store.open(0, null)
    const other = store.open(0, null)
    const token = store.issue(session, 'login', 0)
    expect(store.claim(session, token, ['confirm'], 1).kind).toBe('unknown')
    expect(store.claim(other, token, ['login'], 1).kind).toBe('unknown')
    expect(store.claim(session, token, ['login'], defaultWapLimits.tokenTtlMs).kind).toBe('unknown')
  })
})

describe('sessions', () => {
  it('end when idle or too old, and the least recently used goes when full', async () => {
    const limits = { ...defaultWapLimits, sessionsMax: 2 }
    const store = new WapSessionStore(limits)
    const a = store.open(0, null)
    expect((await store.find(a.id, limits.sessionIdleMs - 1))?.id).toBe(a.id)
    expect(await store.find(a.id, 2 * limits.sessionIdleMs)).toBeNull()

    const b = store.open(0, null)
    const c = store.open(0, null)
    await store.find(b.id, 1)
    store.open(1, null)
    expect(await store.find(c.id, 2)).toBeNull()
    expect((await store.find(b.id, 2))?.id).toBe(b.id)

    let kept = store.open(0, null)
    for (let at = 60_000; at < limits.sessionTotalMs; at += 60_000)
      kept = (await store.find(kept.id, at)) ?? kept
    expect(await store.find(kept.id, limits.sessionTotalMs)).toBeNull()
    await store.shutdown()
  })

  it('outlive a restart: the login, and a done token answering its resubmit', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'telepay-wap-store-'))
    try {
      const path = join(dir, 'wap.sqlite')
      const first = new WapSessionStore(defaultWapLimits, { path })
      const session = first.open(0, null)
      first.identify(session, { msisdn: '8613800138000', language: 'zh', via: 'login' })
      const token = first.issue(session, 'pay_merchant', 0)
      const claim = first.claim(session, token, ['pay_merchant'], 1)
      if (claim.kind !== 'fresh') throw new Error('first claim not fresh')
      await claim.finish(Promise.resolve(page('paid')))
      const loggedOut = first.open(0, null)
      first.close(loggedOut.id, 2)
      await first.shutdown()

      const second = new WapSessionStore(defaultWapLimits, { path })
      const back = await second.find(session.id, 3)
      expect(back).toMatchObject({ msisdn: '8613800138000', language: 'zh', via: 'login' })
      if (back === null) throw new Error('session lost')
      const again = second.claim(back, token, ['pay_merchant'], 4)
      expect(again.kind).toBe('replay')
      if (again.kind === 'replay') expect((await again.page).title).toBe('paid')
      expect(await second.find(loggedOut.id, 3)).toBeNull()
      // Ended by the sweep in the file too, not only in memory.
      expect(await second.sweep(defaultWapLimits.sessionTotalMs + 10)).toBe(1)
      await second.shutdown()
      const third = new WapSessionStore(defaultWapLimits, { path })
      expect(await third.find(session.id, 5)).toBeNull()
      await third.shutdown()
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })
})

describe('identity from enrichment headers', () => {
  const trusted = trustedGateways(['127.0.0.1', '::1', '10.20.0.0/16'])

  it('believes the header only from allow-listed addresses and ranges', () => {
    const headers = { 'x-wap-network-client-msisdn': '+8613800138000' }
    expect(headerIdentity(headers, '127.0.0.1', trusted)).toEqual({
      kind: 'msisdn',
      msisdn: '8613800138000',
    })
    expect(headerIdentity(headers, '::ffff:127.0.0.1', trusted)).toEqual({
      kind: 'msisdn',
      msisdn: '8613800138000',
    })
    expect(headerIdentity(headers, '10.20.3.4', trusted)).toEqual({
      kind: 'msisdn',
      msisdn: '8613800138000',
    })
    expect(headerIdentity(headers, '127.0.0.2', trusted)).toEqual({
      kind: 'ignored',
      why: 'untrusted_address',
    })
    expect(headerIdentity(headers, '10.21.0.1', trusted)).toEqual({
      kind: 'ignored',
      why: 'untrusted_address',
    })
    expect(headerIdentity({}, '127.0.0.1', trusted)).toEqual({ kind: 'none' })
  })

  it('by default believes only X-WAP-Network-Client-MSISDN: a passed X-MSISDN names nobody', () => {
    // Kannel's wapbox forwards a handset's own X-MSISDN unchanged (kannel-wapbox.test.ts).
    expect(headerIdentity({ 'x-msisdn': '8613800138001' }, '127.0.0.1', trusted)).toEqual({
      kind: 'none',
    })
    expect(
      headerIdentity(
        { 'x-msisdn': '8613800138001', 'x-wap-network-client-msisdn': '8613800138000' },
        '127.0.0.1',
        trusted,
      ),
    ).toEqual({ kind: 'msisdn', msisdn: '8613800138000' })
  })

  it('reads the headers configured, and refuses headers that disagree or are not numbers', () => {
    const names = ['X-MSISDN', 'X-Up-Calling-Line-Id']
    expect(headerIdentity({ 'x-msisdn': '8613800138001' }, '127.0.0.1', trusted, names)).toEqual({
      kind: 'msisdn',
      msisdn: '8613800138001',
    })
    expect(
      headerIdentity({ 'x-up-calling-line-id': '8613800138001' }, '127.0.0.1', trusted, names),
    ).toEqual({ kind: 'msisdn', msisdn: '8613800138001' })
    expect(
      headerIdentity(
        { 'x-wap-network-client-msisdn': '8613800138000' },
        '127.0.0.1',
        trusted,
        names,
      ),
    ).toEqual({ kind: 'none' })
    expect(
      headerIdentity(
        { 'x-msisdn': '8613800138001', 'x-up-calling-line-id': '8613800138000' },
        '127.0.0.1',
        trusted,
        names,
      ),
    ).toEqual({ kind: 'ignored', why: 'conflicting' })
    expect(headerIdentity({ 'x-msisdn': 'anonymous' }, '127.0.0.1', trusted, names)).toEqual({
      kind: 'ignored',
      why: 'malformed',
    })
  })

  it('trusts nobody with an empty allow-list and refuses a bad entry', () => {
    expect(
      headerIdentity(
        { 'x-wap-network-client-msisdn': '8613800138001' },
        '127.0.0.1',
        trustedGateways([]),
      ),
    ).toEqual({ kind: 'ignored', why: 'untrusted_address' })
    expect(() => trustedGateways(['gateway.example'])).toThrow(/not an IP address/)
  })
})
