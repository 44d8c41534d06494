/**
 * mo-identity.ts - gives every MO its message id, which is also its idempotency key, and tells
 * an SMSC's retransmission of an MO from a person sending the same words again.
 *
 * SMPP carries no id on an MO: deliver_sm's message_id is empty, and a submit_sm gets its id
 * only from the SMSC's answer. So an SMSC that retransmits an MO whose response it never saw
 * (or an ESME that resubmits after a lost submit_sm_resp) sends the same bytes again. A
 * retransmission gets the first copy's id, so the core answers it from its log and moves no
 * money twice; anything else gets a new id and is answered again. The rule, in this order:
 *
 * 1. The sender numbered the message (user_message_reference, or a concatenation reference):
 *    the same fingerprint, numbers included, within the window is the same message; another
 *    number is another message. Phones number each new message, so this is decisive.
 * 2. A read-only command (BAL, HIST, HELP, anything unreadable) is harmless to answer twice:
 *    always a new id, so a person asking twice gets two answers.
 * 3. A command that acts (PAY, YES, NO, PIN …) repeats the phone's LAST MO only when the
 *    fingerprint is the same, it is within the window, and nothing happened to the phone in
 *    between: no SMS went to it but this MO's own replies (a notice, a merchant's request, a
 *    reply to another channel: `forget`), and its waiting payment is still the one the first
 *    copy left. So "YES 1234" for one merchant request and "YES 1234" for the next are two
 *    confirmations, while a YES retransmitted before anything changed stays one.
 *
 * The window is an SMSC's retry timer (seconds): Kannel's SMPP wait-ack defaults to 60 s.
 * The last MO of each phone is kept in a LastMoStore that outlives SMPP sessions and restarts.
 */
import { createHash } from 'node:crypto'
import type { LastMo, LastMoStore } from './last-mo-store.js'

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
  /**
   * How long a repeat of the same MO can be a retransmission: an SMSC retries an MO whose
   * response it did not get after its response timer (Kannel's wait-ack: 60 s by default). A
   * person repeating an acting command within it, with nothing changed, gets the first answer.
   */
  readonly moRepeatWindowMs: number
  /** Phones whose last MO is held in memory at most (the rest is read from SQLite). */
  readonly moFingerprintsMax: number
  /**
   * How often the last MOs are written to sms.sqlite: what a crash can forget, which only makes
   * a retransmission in that second run as new (safe for money, see last-mo-store.ts).
   */
  readonly lastMoFlushIntervalMs: number
}

export const defaultMoIdentityLimits: MoIdentityLimits = {
  moRepeatWindowMs: 60_000,
  moFingerprintsMax: 100_000,
  lastMoFlushIntervalMs: 1_000,
}

/** How the MO's meaning bears on being a retransmission (rule 1, 2 or 3 above). */
export type MoKind = 'numbered' | 'read_only' | 'acting'

export interface MoIdentified {
  readonly id: string
  readonly repeat: boolean
  /** A repeat whose first copy's replies went out: acknowledge it, send nothing. */
  readonly answered: boolean
}

export function moFingerprint(parts: MoFingerprintParts): string {
  const hash = createHash('sha256')
  const fields = [
    parts.bind,
    parts.source,
    parts.destination,
    parts.esmClass,
    parts.dataCoding,
    parts.extra,
  ]
  // Each field ends in a NUL, so that no two field lists hash the same text.
  hash.update(fields.map((field) => `${field}\u0000`).join(''))
  hash.update(parts.message)
  return hash.digest('base64url').slice(0, 22)
}

export class MoIdentity {
  private counter = 0
  private readonly prefix: string

  /**
   * `idOrigin` (a clock reading at start) prefixes every id, so that ids never repeat across
   * restarts however many messages a run numbered: a repeated id would replay an old answer.
   * `waitingOf` reads the phone's waiting payment from the ledger (null: none).
   */
  constructor(
    private readonly limits: MoIdentityLimits,
    idOrigin: number,
    private readonly store: LastMoStore,
    private readonly waitingOf: (phone: string) => Promise<string | null>,
  ) {
    this.prefix = String(Math.max(0, Math.floor(idOrigin)))
  }

  /** A new message id: decimal digits, as SMSCs and Kannel's default msg-id-type expect. */
  nextId(): string {
    this.counter += 1
    return `${this.prefix}${String(this.counter).padStart(6, '0')}`
  }

  /**
   * The id of this MO: the first copy's for a retransmission (see the rule above), else a new one.
   */
  async identify(
    phone: string,
    fingerprint: string,
    kind: MoKind,
    nowMs: number,
  ): Promise<MoIdentified> {
    if (kind === 'read_only') return { id: this.nextId(), repeat: false, answered: false }
    const last = this.store.get(phone)
    if (last !== null && (await this.repeats(last, fingerprint, kind, nowMs))) {
      return { id: last.id, repeat: true, answered: last.answered }
    }
    const id = this.nextId()
    this.store.put({
      phone,
      fingerprint,
      id,
      firstMs: nowMs,
      answered: false,
      waitingAfter: undefined,
    })
    return { id, repeat: false, answered: false }
  }

  /** The MO ran: what the phone waits for now is what a retransmission must still find. */
  async handled(phone: string, id: string): Promise<void> {
    const waiting = await this.waitingOf(phone)
    this.update(phone, id, (last) => ({ ...last, waitingAfter: waiting }))
  }

  /** Its replies are on their way (true), or could not be sent (false). */
  answered(phone: string, id: string, answered = true): void {
    this.update(phone, id, (last) => ({ ...last, answered }))
  }

  /** Something went to the phone that its last MO did not ask for. */
  forget(phone: string): void {
    this.store.forget(phone)
  }

  /** Forgets MOs too old to be retransmitted. */
  prune(nowMs: number): void {
    this.store.prune(nowMs - this.limits.moRepeatWindowMs)
  }

  private async repeats(
    last: LastMo,
    fingerprint: string,
    kind: MoKind,
    nowMs: number,
  ): Promise<boolean> {
    if (last.fingerprint !== fingerprint || nowMs - last.firstMs >= this.limits.moRepeatWindowMs)
      return false
    if (kind === 'numbered') return true
    // The first copy still runs: whatever it changes, this is the same message.
    if (last.waitingAfter === undefined) return true
    return (await this.waitingOf(last.phone)) === last.waitingAfter
  }

  private update(phone: string, id: string, change: (last: LastMo) => LastMo): void {
    const last = this.store.get(phone)
    if (last !== null && last.id === id) this.store.put(change(last))
  }
}
