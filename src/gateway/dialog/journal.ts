/**
 * journal.ts - what a USSD session or a WAP visit showed and was given, kept for the payments it
 * made: the operator console's payment page shows "the channel exchange that made it" (the
 * screens, the keys typed with PINs masked). Each dialog's steps are noted as they happen; a step
 * whose command made a payment links the dialog to that payment, and the later steps of the
 * dialog (the receipt screen) still show under it. In memory and bounded: a journal is for
 * looking at recent payments, and losing it at a restart loses no money (the trail and the
 * ledger are the record). Exports DialogJournal, JournalStep, Exchange, journalLimits,
 * JournalLimits.
 */

export interface JournalStep {
  readonly atMs: number
  /** What the user gave: a dial string, a menu key, a form's fields; PINs already masked. */
  readonly input: string | null
  /** What the channel showed back, cut to screenCharsMax. */
  readonly screen: string
}

export interface Exchange {
  readonly channel: 'ussd' | 'wap'
  /** The channel's dialog key (`provider:session` for USSD, the WAP session's id). */
  readonly dialog: string
  readonly msisdn: string
  readonly startedMs: number
  readonly steps: JournalStep[]
  /** Steps dropped past stepsMax (the oldest go: the payment's own steps are the latest). */
  dropped: number
}

export interface JournalLimits {
  readonly dialogsMax: number
  readonly stepsMax: number
  readonly screenCharsMax: number
  readonly paymentsMax: number
}

export const journalLimits: JournalLimits = {
  /**
   * Dialogs whose steps are followed at once. A payment is made within a few hops of the dial, so
   * only recently active dialogs matter; a gateway with 100,000 open sessions keeps the most
   * recent 5,000 (about 6 MB at the bounds below) and a payment in an older one gets no journal.
   */
  dialogsMax: 5_000,
  /** Steps kept per dialog: a menu path to a payment and its receipt is under ten. */
  stepsMax: 16,
  /**
   * Characters kept of a screen and of an input: a USSD screen is at most 182; a WAP page's words
   * and a form's fields are cut.
   */
  screenCharsMax: 400,
  /** Payments whose exchange is kept: the console's recent payments, a day of a busy shop's. */
  paymentsMax: 10_000,
}

/** Drops a Map's first (oldest inserted) entries past a bound. */
function trim<K, V>(map: Map<K, V>, max: number): void {
  while (map.size > max) {
    const oldest = map.keys().next()
    if (oldest.done === true) return
    map.delete(oldest.value)
  }
}

export class DialogJournal {
  /** Dialogs being followed, least recently stepped first. */
  private readonly dialogs = new Map<string, Exchange>()
  /** Exchanges by the payments they made, oldest first; an exchange is shared, not copied. */
  private readonly payments = new Map<string, Exchange>()

  constructor(private readonly limits: JournalLimits = journalLimits) {}

  step(channel: Exchange['channel'], dialog: string, msisdn: string, step: JournalStep): void {
    let exchange = this.dialogs.get(dialog)
    if (exchange === undefined) {
      exchange = { channel, dialog, msisdn, startedMs: step.atMs, steps: [], dropped: 0 }
    } else {
      this.dialogs.delete(dialog)
    }
    this.dialogs.set(dialog, exchange)
    trim(this.dialogs, this.limits.dialogsMax)
    exchange.steps.push({
      atMs: step.atMs,
      input: step.input === null ? null : step.input.slice(0, this.limits.screenCharsMax),
      screen: step.screen.slice(0, this.limits.screenCharsMax),
    })
    if (exchange.steps.length > this.limits.stepsMax) {
      exchange.steps.shift()
      exchange.dropped += 1
    }
  }

  /** The dialog's command made (or answered) this payment. */
  paid(dialog: string, paymentId: string): void {
    const exchange = this.dialogs.get(dialog)
    if (exchange === undefined || this.payments.get(paymentId) === exchange) return
    this.payments.delete(paymentId)
    this.payments.set(paymentId, exchange)
    trim(this.payments, this.limits.paymentsMax)
  }

  /** The dialog is over: no more steps come (its payments keep their exchange). */
  end(dialog: string): void {
    this.dialogs.delete(dialog)
  }

  ofPayment(paymentId: string): Exchange | null {
    return this.payments.get(paymentId) ?? null
  }

  get followed(): number {
    return this.dialogs.size
  }
}
