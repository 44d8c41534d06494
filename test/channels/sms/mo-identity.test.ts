/**
 * mo-identity.test.ts - the rule that tells an SMSC's retransmission of an MO (first id, the
 * core replays the first answer) from a person sending the same words again (a new id, a new
 * answer): numbered MOs by their numbers, reads never repeat, acting MOs only while nothing
 * happened to the phone. The bugs this guards: "YES 1234" for two merchant requests in a row,
 * and BAL twice, were taken for retransmissions and got no answer (issue 11); earlier,
 * "YES 1234" after another PAY replayed the first receipt
 * (fixtures/conformance/sms-topup-load-send.yaml).
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { SqliteLastMoStore } from '../../../channels/sms/last-mo-store.js'
import { MoIdentity, moFingerprint } from '../../../channels/sms/mo-identity.js'

const base = {
  bind: 'esme-1',
  source: '8613800138000',
  destination: '12588',
  esmClass: 0,
  dataCoding: 0,
  message: new TextEncoder().encode('YES 1234'),
  extra: '',
}
const fp = (change: Partial<typeof base> = {}): string => moFingerprint({ ...base, ...change })
const LI = '8613800138000'
const limits = { moRepeatWindowMs: 60_000, moFingerprintsMax: 10, lastMoFlushIntervalMs: 60_000 }

/** An identity over a store in memory, with the phone's waiting payment set by the test. */
function identity(
  store = new SqliteLastMoStore(':memory:', limits.moFingerprintsMax, limits.lastMoFlushIntervalMs),
  origin = 1_000,
) {
  const waiting = new Map<string, string>()
  const ids = new MoIdentity(limits, origin, store, async (phone) => waiting.get(phone) ?? null)
  return { ids, waiting, store }
}

describe('MO identity', () => {
  it('gives a retransmitted acting MO the first id, saying if its first was answered', async () => {
    const { ids } = identity()
    expect(await ids.identify(LI, fp(), 'acting', 0)).toEqual({
      id: '1000000001',
      repeat: false,
      answered: false,
    })
    // Still running: the same message whatever it changes.
    expect(await ids.identify(LI, fp(), 'acting', 10)).toEqual({
      id: '1000000001',
      repeat: true,
      answered: false,
    })
    await ids.handled(LI, '1000000001')
    expect(await ids.identify(LI, fp(), 'acting', 59_999)).toEqual({
      id: '1000000001',
      repeat: true,
      answered: false,
    })
    ids.answered(LI, '1000000001')
    expect(await ids.identify(LI, fp(), 'acting', 59_999)).toEqual({
      id: '1000000001',
      repeat: true,
      answered: true,
    })
  })

  it('answers the same words again once a new payment waits (a 2nd merchant request)', async () => {
    const { ids, waiting } = identity()
    const first = await ids.identify(LI, fp(), 'acting', 0)
    await ids.handled(LI, first.id)
    waiting.set(LI, 'P2')
    const second = await ids.identify(LI, fp(), 'acting', 5_000)
    expect(second.repeat).toBe(false)
    expect(second.id).not.toBe(first.id)
  })

  it('ends the chain when anything else went to the phone, however fast words repeat', async () => {
    const { ids } = identity()
    const first = await ids.identify(LI, fp(), 'acting', 0)
    await ids.handled(LI, first.id)
    ids.forget(LI)
    expect((await ids.identify(LI, fp(), 'acting', 1)).repeat).toBe(false)
  })

  it('never takes a read for a retransmission unless the sender numbered it', async () => {
    const { ids } = identity()
    const bal = fp({ message: new TextEncoder().encode('BAL') })
    const one = await ids.identify(LI, bal, 'read_only', 0)
    const two = await ids.identify(LI, bal, 'read_only', 1)
    expect(one.repeat || two.repeat).toBe(false)
    expect(two.id).not.toBe(one.id)
    const numbered = fp({ message: new TextEncoder().encode('BAL'), extra: 'umr:42' })
    const first = await ids.identify(LI, numbered, 'numbered', 2)
    expect(await ids.identify(LI, numbered, 'numbered', 3)).toMatchObject({
      id: first.id,
      repeat: true,
    })
    expect(
      (
        await ids.identify(
          LI,
          fp({ message: new TextEncoder().encode('BAL'), extra: 'umr:43' }),
          'numbered',
          4,
        )
      ).repeat,
    ).toBe(false)
  })

  it('holds a numbered MO to its number even when the phone changed meanwhile', async () => {
    const { ids, waiting } = identity()
    const numbered = fp({ extra: 'umr:7' })
    const first = await ids.identify(LI, numbered, 'numbered', 0)
    await ids.handled(LI, first.id)
    waiting.set(LI, 'P2')
    // The phone numbers every new message: the same number is the same YES, delayed, and must
    // not confirm the payment that arrived since.
    expect(await ids.identify(LI, numbered, 'numbered', 1_000)).toMatchObject({
      id: first.id,
      repeat: true,
    })
  })

  it('gives the same words a new id after another MO, phone, a change or the window', async () => {
    const { ids } = identity()
    const first = await ids.identify(LI, fp(), 'acting', 0)
    await ids.handled(LI, first.id)
    await ids.identify(LI, fp({ message: new TextEncoder().encode('PAY 1001 5') }), 'acting', 1_000)
    expect((await ids.identify(LI, fp(), 'acting', 2_000)).repeat).toBe(false)
    for (const change of [
      { destination: '12589' },
      { dataCoding: 8 },
      { message: new TextEncoder().encode('YES 1235') },
      { bind: 'esme-2' },
    ]) {
      const fresh = identity().ids
      await fresh.handled(LI, (await fresh.identify(LI, fp(), 'acting', 0)).id)
      expect(
        (await fresh.identify(LI, fp(change), 'acting', 1)).repeat,
        JSON.stringify(change),
      ).toBe(false)
    }
    const late = identity().ids
    await late.handled(LI, (await late.identify(LI, fp(), 'acting', 0)).id)
    expect((await late.identify(LI, fp(), 'acting', 60_000)).repeat).toBe(false)
    expect(
      (await late.identify('8613800138001', fp({ source: '8613800138001' }), 'acting', 1)).repeat,
    ).toBe(false)
  })

  describe('across restarts', () => {
    let dir: string | null = null
    afterEach(() => {
      if (dir !== null) rmSync(dir, { recursive: true, force: true })
      dir = null
    })

    it('knows a retransmission after a restart from the file, answered or running', async () => {
      dir = mkdtempSync(join(tmpdir(), 'telepay-last-mo-'))
      const path = join(dir, 'sms.sqlite')
      const before = identity(new SqliteLastMoStore(path, 10, 60_000), 1_000)
      const answered = await before.ids.identify(LI, fp(), 'acting', 0)
      await before.ids.handled(LI, answered.id)
      before.ids.answered(LI, answered.id)
      const running = await before.ids.identify(
        '8613800138001',
        fp({ source: '8613800138001' }),
        'acting',
        0,
      )
      before.store.close()

      const after = identity(new SqliteLastMoStore(path, 10, 60_000), 2_000)
      expect(await after.ids.identify(LI, fp(), 'acting', 30_000)).toEqual({
        id: answered.id,
        repeat: true,
        answered: true,
      })
      // Its run died with the process: the core's log says whether it committed, under the same id.
      expect(
        await after.ids.identify(
          '8613800138001',
          fp({ source: '8613800138001' }),
          'acting',
          30_000,
        ),
      ).toMatchObject({ id: running.id, repeat: true })
      after.store.prune(60_000)
      after.store.close()
      const pruned = identity(new SqliteLastMoStore(path, 10, 60_000), 3_000)
      expect((await pruned.ids.identify(LI, fp(), 'acting', 30_000)).repeat).toBe(false)
      pruned.store.close()
    })
  })

  it('holds at most the bound in memory and reads the rest from SQLite', async () => {
    const store = new SqliteLastMoStore(':memory:', 2, 60_000)
    const { ids } = identity(store)
    const a = await ids.identify('a', fp(), 'acting', 0)
    await ids.identify('b', fp(), 'acting', 0)
    await ids.identify('c', fp(), 'acting', 0)
    expect(await ids.identify('a', fp(), 'acting', 1)).toMatchObject({ id: a.id, repeat: true })
  })
})
