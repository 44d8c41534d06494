/**
 * bind-guard.ts - BindGuard: failed binds counted per peer address, so that guessing an SMPP
 * password (at most 8 characters) costs hours instead of a second. After bindFailuresMax
 * failures the address is locked out for bindLockoutBaseMs: every bind from it is refused with
 * ESME_RBINDFAIL without looking at the password, so guesses made then learn nothing. Each
 * failure after a lockout starts a new one twice as long, up to bindLockoutMaxMs. A correct bind
 * outside a lockout forgets the address; so does bindFailureMemoryMs without a failure. At most
 * bindGuardAddressesMax addresses are remembered (the least recently failing go first).
 * Also exports addressKeyOf (an IPv6 peer is counted by its /64, what one subscriber gets).
 * Pure apart from the map: the caller passes the time.
 */
import { isIPv6 } from 'node:net'
import type { SmppLimits } from './limits.js'

export type BindGuardLimits = Pick<
  SmppLimits,
  | 'bindFailuresMax'
  | 'bindLockoutBaseMs'
  | 'bindLockoutMaxMs'
  | 'bindFailureMemoryMs'
  | 'bindGuardAddressesMax'
>

/** What one failed bind did: counted (lockout not yet), or started a lockout of lockoutMs. */
export type BindFailureOutcome =
  | { readonly kind: 'counted'; readonly key: string; readonly failures: number }
  | {
      readonly kind: 'locked'
      readonly key: string
      readonly failures: number
      readonly lockoutMs: number
    }

interface AddressRecord {
  failures: number
  lockouts: number
  lockedUntilMs: number
  forgetAtMs: number
}

/** Doublings past which the lockout is surely at its maximum (2^40 ms is 35 years). */
const lockoutDoublingsMax = 40

export class BindGuard {
  private readonly records = new Map<string, AddressRecord>()

  constructor(private readonly limits: BindGuardLimits) {}

  /** Addresses remembered now (at most bindGuardAddressesMax). */
  get size(): number {
    return this.records.size
  }

  /** Whether a lockout of this address runs at nowMs: its binds are refused unchecked. */
  isLocked(address: string, nowMs: number): boolean {
    const record = this.current(addressKeyOf(address), nowMs)
    return record !== undefined && nowMs < record.lockedUntilMs
  }

  /** Counts a wrong password or unknown system_id from this address (not during a lockout). */
  failed(address: string, nowMs: number): BindFailureOutcome {
    const key = addressKeyOf(address)
    const record = this.current(key, nowMs) ?? {
      failures: 0,
      lockouts: 0,
      lockedUntilMs: 0,
      forgetAtMs: 0,
    }
    // The count stays at the maximum after a lockout, so the next failure locks again at once.
    record.failures = Math.min(record.failures + 1, this.limits.bindFailuresMax)
    let outcome: BindFailureOutcome = { kind: 'counted', key, failures: record.failures }
    if (record.failures >= this.limits.bindFailuresMax) {
      const lockoutMs = Math.min(
        this.limits.bindLockoutBaseMs * 2 ** record.lockouts,
        this.limits.bindLockoutMaxMs,
      )
      record.lockouts = Math.min(record.lockouts + 1, lockoutDoublingsMax)
      record.lockedUntilMs = nowMs + lockoutMs
      outcome = { kind: 'locked', key, failures: record.failures, lockoutMs }
    }
    record.forgetAtMs = Math.max(nowMs, record.lockedUntilMs) + this.limits.bindFailureMemoryMs
    // Re-inserted so the map runs from the least to the most recently failing address.
    this.records.delete(key)
    this.records.set(key, record)
    this.forgetOldest(nowMs)
    return outcome
  }

  /** A correct bind outside a lockout: the address starts again with no failures. */
  succeeded(address: string): void {
    this.records.delete(addressKeyOf(address))
  }

  private current(key: string, nowMs: number): AddressRecord | undefined {
    const record = this.records.get(key)
    if (record === undefined || nowMs < record.forgetAtMs) return record
    this.records.delete(key)
    return undefined
  }

  /** Drops forgotten records from the old end, then the oldest ones past the table's bound. */
  private forgetOldest(nowMs: number): void {
    for (const [key, record] of this.records) {
      if (this.records.size <= this.limits.bindGuardAddressesMax && nowMs < record.forgetAtMs)
        return
      this.records.delete(key)
    }
  }
}

/**
 * The key failures are counted under: an IPv4 address as is (also when it arrives IPv4-mapped,
 * `::ffff:10.0.0.1`), an IPv6 address by its first 64 bits, since one subscriber or host gets a
 * whole /64 and could otherwise take a fresh address for every guess.
 */
export function addressKeyOf(address: string): string {
  const mapped = /^::ffff:(\d{1,3}(?:\.\d{1,3}){3})$/i.exec(address)
  if (mapped?.[1] !== undefined) return mapped[1]
  const bare = address.split('%')[0] ?? address
  if (!isIPv6(bare)) return address
  return `${ipv6Groups(bare).slice(0, 4).join(':')}::/64`
}

/** The eight 16-bit groups of a valid IPv6 address, in lower-case hex without leading zeros. */
function ipv6Groups(address: string): string[] {
  const split = (part: string): string[] =>
    part === ''
      ? []
      : part.split(':').flatMap((group) =>
          // A trailing dotted quad (::1.2.3.4) stands for the last two groups.
          group.includes('.') ? ['0', '0'] : [Number.parseInt(group, 16).toString(16)],
        )
  const [head = '', tail] = address.split('::')
  const front = split(head)
  if (tail === undefined) return front
  const back = split(tail)
  return [...front, ...Array<string>(8 - front.length - back.length).fill('0'), ...back]
}
