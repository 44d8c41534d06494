/**
 * bind-guard.test.ts - BindGuard's rule on its own, with the time passed in: the lockout after
 * bindFailuresMax failures, its doubling and cap, forgetting, the table's bound, IPv6 by /64.
 * The same rule over real sockets is bind-throttle.test.ts.
 */
import { describe, expect, it } from 'vitest'
import { addressKeyOf, BindGuard } from '../../../src/bearer/smpp/bind-guard.js'

const limits = {
  bindFailuresMax: 5,
  bindLockoutBaseMs: 1_000,
  bindLockoutMaxMs: 5_000,
  bindFailureMemoryMs: 10_000,
  bindGuardAddressesMax: 3,
}

describe('BindGuard', () => {
  it('counts 4 failures, locks out at the 5th for bindLockoutBaseMs, then lets it retry', () => {
    const guard = new BindGuard(limits)
    for (let failure = 1; failure <= 4; failure++) {
      expect(guard.failed('10.0.0.1', failure)).toEqual({
        kind: 'counted',
        key: '10.0.0.1',
        failures: failure,
      })
      expect(guard.isLocked('10.0.0.1', failure)).toBe(false)
    }
    expect(guard.failed('10.0.0.1', 5)).toEqual({
      kind: 'locked',
      key: '10.0.0.1',
      failures: 5,
      lockoutMs: 1_000,
    })
    expect(guard.isLocked('10.0.0.1', 1_004)).toBe(true)
    expect(guard.isLocked('10.0.0.2', 1_004)).toBe(false)
    expect(guard.isLocked('10.0.0.1', 1_005)).toBe(false)
  })

  it('relocks at the first failure after a lockout, each twice longer, to bindLockoutMaxMs', () => {
    const guard = new BindGuard(limits)
    let nowMs = 0
    for (let failure = 0; failure < 4; failure++) guard.failed('10.0.0.1', nowMs)
    const lockouts: number[] = []
    for (let round = 0; round < 5; round++) {
      const outcome = guard.failed('10.0.0.1', nowMs)
      if (outcome.kind !== 'locked') throw new Error(`round ${round}: ${outcome.kind}`)
      lockouts.push(outcome.lockoutMs)
      nowMs += outcome.lockoutMs
    }
    expect(lockouts).toEqual([1_000, 2_000, 4_000, 5_000, 5_000])
  })

  it('forgets an address bindFailureMemoryMs after its last failure, and at a correct bind', () => {
    const guard = new BindGuard(limits)
    for (let failure = 0; failure < 4; failure++) guard.failed('10.0.0.1', 0)
    expect(guard.failed('10.0.0.1', 10_000)).toMatchObject({ kind: 'counted', failures: 1 })
    for (let failure = 0; failure < 3; failure++) guard.failed('10.0.0.1', 10_000)
    guard.succeeded('10.0.0.1')
    expect(guard.failed('10.0.0.1', 10_001)).toMatchObject({ kind: 'counted', failures: 1 })
  })

  it('holds at most bindGuardAddressesMax addresses, forgetting the least recently failing', () => {
    const guard = new BindGuard(limits)
    for (let failure = 0; failure < 5; failure++) guard.failed('10.0.0.1', 0)
    for (const address of ['10.0.0.2', '10.0.0.3', '10.0.0.4']) guard.failed(address, 1)
    expect(guard.size).toBe(3)
    expect(guard.isLocked('10.0.0.1', 2)).toBe(false)
    for (let address = 10; address < 1_000; address++)
      guard.failed(`10.0.${address >> 8}.${address & 255}`, 3)
    expect(guard.size).toBe(3)
  })

  it('counts an IPv4-mapped address as IPv4 and an IPv6 address by its /64', () => {
    expect(addressKeyOf('::ffff:127.0.0.2')).toBe('127.0.0.2')
    expect(addressKeyOf('127.0.0.2')).toBe('127.0.0.2')
    expect(addressKeyOf('2001:db8:0001:2:aaaa::1')).toBe('2001:db8:1:2::/64')
    expect(addressKeyOf('2001:db8:1:2:bbbb:cccc:dddd:eeee')).toBe('2001:db8:1:2::/64')
    expect(addressKeyOf('2001:db8:1:3::1')).toBe('2001:db8:1:3::/64')
    expect(addressKeyOf('::1')).toBe('0:0:0:0::/64')
    expect(addressKeyOf('fe80::1%eth0')).toBe('fe80:0:0:0::/64')
    expect(addressKeyOf('unknown')).toBe('unknown')
    const guard = new BindGuard(limits)
    for (let failure = 0; failure < 5; failure++) guard.failed(`2001:db8:1:2::${failure + 1}`, 0)
    expect(guard.isLocked('2001:db8:1:2:ffff::9', 1)).toBe(true)
    expect(guard.isLocked('2001:db8:1:3::1', 1)).toBe(false)
  })
})
