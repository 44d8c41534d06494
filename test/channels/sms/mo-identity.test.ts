/**
 * mo-identity.test.ts - an MO that repeats the phone's last one within the window keeps its
 * first id (so the core replays the first answer); the same words after another MO, anything the
 * sender changed, or the window passing, give a new id. The bug this guards: "YES 1234" twice,
 * for two payments, was once taken for a retransmission and replayed the first payment's receipt
 * (fixtures/conformance/sms-topup-load-send.yaml caught it).
 */
import { describe, expect, it } from 'vitest'
import { MoIdentity, moFingerprint } from '../../../channels/sms/mo-identity.js'

const base = {
  bind: 'esme-1', source: '8613800138000', destination: '12588', esmClass: 0, dataCoding: 0,
  message: new TextEncoder().encode('YES 1234'), extra: '',
}
const fp = (change: Partial<typeof base> = {}): string => moFingerprint({ ...base, ...change })
const LI = 'esme-1|8613800138000'

describe('MO identity', () => {
  it('gives a retransmission the first id, and says whether its first copy was answered', () => {
    const ids = new MoIdentity({ moRepeatWindowMs: 60_000, moFingerprintsMax: 10 }, 1_000)
    expect(ids.identify(LI, fp(), 0)).toEqual({ id: '1000000001', repeat: false, answered: false })
    expect(ids.identify(LI, fp(), 59_999)).toEqual({ id: '1000000001', repeat: true, answered: false })
    ids.answered(LI, '1000000001')
    expect(ids.identify(LI, fp(), 59_999)).toEqual({ id: '1000000001', repeat: true, answered: true })
  })

  it('gives the same words a new id once the phone sent something else in between', () => {
    const ids = new MoIdentity({ moRepeatWindowMs: 60_000, moFingerprintsMax: 10 }, 0)
    const first = ids.identify(LI, fp(), 0).id
    ids.identify(LI, fp({ message: new TextEncoder().encode('PAY 1001 5') }), 1_000)
    expect(ids.identify(LI, fp(), 2_000)).toMatchObject({ repeat: false, id: expect.not.stringMatching(`^${first}$`) })
  })

  it('gives a changed MO, another phone, or a repeat after the window a new id', () => {
    const ids = new MoIdentity({ moRepeatWindowMs: 60_000, moFingerprintsMax: 10 }, 0)
    ids.identify(LI, fp(), 0)
    expect(ids.identify('esme-1|8613800138001', fp({ source: '8613800138001' }), 1).repeat).toBe(false)
    for (const change of [{ destination: '12589' }, { dataCoding: 8 }, { message: new TextEncoder().encode('YES 1235') }, { extra: 'umr:7' }]) {
      const ids2 = new MoIdentity({ moRepeatWindowMs: 60_000, moFingerprintsMax: 10 }, 0)
      ids2.identify(LI, fp(), 0)
      expect(ids2.identify(LI, fp(change), 1).repeat, JSON.stringify(change)).toBe(false)
    }
    expect(ids.identify(LI, fp(), 60_000).repeat).toBe(false)
  })

  it('forgets the least recently heard phone when full', () => {
    const ids = new MoIdentity({ moRepeatWindowMs: 60_000, moFingerprintsMax: 2 }, 0)
    ids.identify('a', fp(), 0)
    ids.identify('b', fp(), 0)
    ids.identify('c', fp(), 0)
    expect(ids.identify('a', fp(), 1).repeat).toBe(false)
    expect(ids.identify('c', fp(), 1).repeat).toBe(true)
  })
})
