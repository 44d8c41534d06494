/**
 * mo-identity.test.ts - an MO repeated within the window keeps its first id (so the core replays
 * the first answer); anything the sender changed, or the window passing, gives a new id.
 */
import { describe, expect, it } from 'vitest'
import { MoIdentity, moFingerprint } from '../../../channels/sms/mo-identity.js'

const base = {
  bind: 'esme-1', source: '8613800138000', destination: '12588', esmClass: 0, dataCoding: 0,
  message: new TextEncoder().encode('YES 1234'), extra: '',
}

describe('MO identity', () => {
  it('gives a retransmission the first id and a changed MO a new one', () => {
    const ids = new MoIdentity({ moRepeatWindowMs: 60_000, moFingerprintsMax: 10 }, 1_000)
    const first = ids.identify(moFingerprint(base), 0)
    expect(first).toEqual({ id: '1000000001', repeat: false })
    expect(ids.identify(moFingerprint(base), 59_999)).toEqual({ id: '1000000001', repeat: true })
    for (const change of [
      { source: '8613800138001' }, { destination: '12589' }, { bind: 'esme-2' }, { dataCoding: 8 },
      { message: new TextEncoder().encode('YES 1235') }, { extra: 'umr:7' },
    ]) {
      expect(ids.identify(moFingerprint({ ...base, ...change }), 1_000).repeat, JSON.stringify(change)).toBe(false)
    }
  })

  it('forgets an MO after the window, and the oldest when full', () => {
    const ids = new MoIdentity({ moRepeatWindowMs: 60_000, moFingerprintsMax: 2 }, 0)
    const first = ids.identify(moFingerprint(base), 0).id
    expect(ids.identify(moFingerprint(base), 60_000)).toEqual({ id: expect.not.stringMatching(`^${first}$`), repeat: false })
    const a = moFingerprint({ ...base, extra: 'a' })
    ids.identify(a, 61_000)
    ids.identify(moFingerprint({ ...base, extra: 'b' }), 61_000)
    ids.identify(moFingerprint({ ...base, extra: 'c' }), 61_000)
    expect(ids.identify(a, 61_000).repeat).toBe(false)
  })
})
