/**
 * mo-identity.ts - gives every MO its message id, which is also its idempotency key.
 *
 * SMPP carries no id on an MO: deliver_sm's message_id is empty, and a submit_sm gets its id
 * only from the SMSC's answer. So an SMSC that retransmits an MO whose response it never saw
 * (or an ESME that resubmits after a lost submit_sm_resp) sends the same bytes again with nothing
 * to tell them apart. We recognize a repeat by a fingerprint of everything the sender chose:
 * its bind, source and destination, esm_class, data_coding, the message bytes (with their UDH or
 * SAR numbers), and user_message_reference when the sender numbers its messages. A repeat within
 * `moRepeatWindowMs` gets the first one's id, so the core answers it from its log and moves no
 * money twice. The map is in memory and bounded; after a restart a repeat gets a new id, which is
 * still safe for money: every SMS payment waits for a YES, and a YES consumes its payment.
 */
import { createHash } from 'node:crypto'

export interface MoFingerprintParts {
  readonly bind: string
  readonly source: string
  readonly destination: string
  readonly esmClass: number
  readonly dataCoding: number
  readonly message: Uint8Array
  /** SAR numbers or user_message_reference, when the sender set them. */
  readonly extra: string
}

export interface MoIdentityLimits {
  /** How long a repeat of the same MO is taken for a retransmission (an SMSC's retry schedule). */
  readonly moRepeatWindowMs: number
  /** Fingerprints remembered at most; the oldest go first. */
  readonly moFingerprintsMax: number
}

export const defaultMoIdentityLimits: MoIdentityLimits = {
  moRepeatWindowMs: 10 * 60_000,
  moFingerprintsMax: 100_000,
}

export function moFingerprint(parts: MoFingerprintParts): string {
  const hash = createHash('sha256')
  hash.update(`${parts.bind}\u0000${parts.source}\u0000${parts.destination}\u0000${parts.esmClass}\u0000${parts.dataCoding}\u0000${parts.extra}\u0000`)
  hash.update(parts.message)
  return hash.digest('base64url').slice(0, 22)
}

export class MoIdentity {
  private readonly seen = new Map<string, { readonly id: string; readonly firstMs: number }>()
  private counter = 0
  private readonly prefix: string

  /**
   * `idOrigin` (a clock reading at start) prefixes every id, so that ids never repeat across
   * restarts however many messages a run numbered: a repeated id would replay an old answer.
   */
  constructor(private readonly limits: MoIdentityLimits, idOrigin: number) {
    this.prefix = String(Math.max(0, Math.floor(idOrigin)))
  }

  /** A new message id: decimal digits, as SMSCs and Kannel's default msg-id-type expect. */
  nextId(): string {
    this.counter += 1
    return `${this.prefix}${String(this.counter).padStart(6, '0')}`
  }

  /** The id of this MO: the first one's when it repeats within the window, else a new one. */
  identify(fingerprint: string, nowMs: number): { readonly id: string; readonly repeat: boolean } {
    this.forgetOld(nowMs)
    const earlier = this.seen.get(fingerprint)
    if (earlier !== undefined) return { id: earlier.id, repeat: true }
    const id = this.nextId()
    this.seen.set(fingerprint, { id, firstMs: nowMs })
    if (this.seen.size > this.limits.moFingerprintsMax) {
      const oldest = this.seen.keys().next()
      if (oldest.done !== true) this.seen.delete(oldest.value)
    }
    return { id, repeat: false }
  }

  private forgetOld(nowMs: number): void {
    // Insertion order is arrival order, so the old ones are at the front.
    for (const [fingerprint, entry] of this.seen) {
      if (nowMs - entry.firstMs < this.limits.moRepeatWindowMs) break
      this.seen.delete(fingerprint)
    }
  }
}
