/**
 * mo-identity.ts - gives every MO its message id, which is also its idempotency key.
 *
 * SMPP carries no id on an MO: deliver_sm's message_id is empty, and a submit_sm gets its id
 * only from the SMSC's answer. So an SMSC that retransmits an MO whose response it never saw
 * (or an ESME that resubmits after a lost submit_sm_resp) sends the same bytes again with nothing
 * to tell them apart. A repeat is recognized by a fingerprint of everything the sender chose (its
 * system_id, source and destination, esm_class, data_coding, the bytes, user_message_reference)
 * compared with the LAST MO of the same phone: identical and within `moRepeatWindowMs` means the
 * same message, which gets the first one's id, so the core answers it from its log.
 *
 * Only the last MO counts because people do send the same words twice on purpose: "YES 1234"
 * confirms one payment, then, after another PAY, the next. The map is in memory and bounded;
 * after a restart a repeat gets a new id, which is still safe for money: every SMS payment waits
 * for a YES, and a YES consumes the payment it confirms.
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
  /** Phones whose last MO is remembered at most; the least recently heard go first. */
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
  private readonly lastBySender = new Map<string, { readonly fingerprint: string; readonly id: string; readonly firstMs: number; answered: boolean }>()
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

  /** The id of this MO: the first one's when it repeats the sender's last MO within the window, else a new one. */
  identify(sender: string, fingerprint: string, nowMs: number): { readonly id: string; readonly repeat: boolean; readonly answered: boolean } {
    const last = this.lastBySender.get(sender)
    if (last !== undefined && last.fingerprint === fingerprint && nowMs - last.firstMs < this.limits.moRepeatWindowMs) {
      return { id: last.id, repeat: true, answered: last.answered }
    }
    const id = this.nextId()
    // Deleting first moves the sender to the end: the map's order is "least recently heard first".
    this.lastBySender.delete(sender)
    this.lastBySender.set(sender, { fingerprint, id, firstMs: nowMs, answered: false })
    if (this.lastBySender.size > this.limits.moFingerprintsMax) {
      const oldest = this.lastBySender.keys().next()
      if (oldest.done !== true) this.lastBySender.delete(oldest.value)
    }
    return { id, repeat: false, answered: false }
  }

  /**
   * The MO's replies are on their way (true), or could not be sent (false): a retransmission of
   * an answered MO is acknowledged without sending the replies again.
   */
  answered(sender: string, id: string, answered = true): void {
    const last = this.lastBySender.get(sender)
    if (last !== undefined && last.id === id) last.answered = answered
  }
}
