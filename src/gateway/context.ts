/**
 * context.ts - what the gateway gives every channel: the ChannelContext. A channel submits
 * commands, identifies the caller, notifies a phone, runs its dialogs (the runner; its store
 * over src/gateway/dialog in a working file) and finds its working files through it, and reads
 * the clock, the log, the metrics and the accounts the operating model offers from it; it
 * imports no service, ledger or configuration module of src/ (test/rules/imports.test.ts), so a
 * test or another gateway (several processes on one database) can hand it other parts. Replies
 * are rendered by importing src/gateway/reply, not through the context: the renderer is pure
 * (no I/O, nothing to swap).
 * Exports ChannelContext, Caller, ChannelContextParts, createChannelContext.
 */
import { join } from 'node:path'
import type { AccountOffer, Language, OperatingModelId, Payment } from '../core/index.js'
import { accountOfferOf } from '../core/index.js'
import type { Clock } from '../service/clock.js'
import type { Logger } from '../service/log.js'
import type { Metrics } from '../service/metrics.js'
import type { DialogLimits, Notify } from './dialog/index.js'
import { DialogJournal, DialogRunner } from './dialog/index.js'
import type { CommandPort, LedgerReads } from './ports.js'

/** Who is calling, as the ledger knows the MSISDN: what a channel decides on before a command. */
export interface Caller {
  readonly msisdn: string
  readonly language: Language
  /** Until when three wrong PINs lock the subscriber out (0: not locked). */
  readonly lockedUntilMs: number
  /** The payment waiting for this subscriber's confirm, or null. */
  readonly pendingPaymentId: string | null
}

export interface ChannelContext {
  /** Submit a payment command and get its answer (idempotent on the request's key). */
  readonly commands: CommandPort
  /** The subscriber of an MSISDN, or null when it is not registered. A read, not a command. */
  identify(msisdn: string): Promise<Caller | null>
  /** A payment a phone is asked about (a merchant's request), as the ledger has it; null: none. */
  payment(paymentId: string): Promise<Payment | null>
  /** Tell a phone by SMS, now or from the outbox; false when it could do neither. */
  readonly notify: Notify
  /** The dialog runner of one channel: per-dialog chain, step keys, deadline, late answer. */
  dialogRunner(channel: 'ussd' | 'ivr' | 'wap', limits: DialogLimits): DialogRunner
  /**
   * What USSD sessions and WAP visits showed and were given, kept for the payments they made
   * (the console's payment page).
   */
  readonly journal: DialogJournal
  /** The path of a working file of the channel in the data directory (beside the ledger). */
  workingFile(name: string): string
  /**
   * The accounts the operating model offers, which a menu or form lists (no other), and the one
   * a payment that names none comes from.
   */
  readonly accounts: AccountOffer
  readonly clock: Clock
  readonly log: Logger
  readonly metrics: Metrics
}

/** What the gateway builds a context from. */
export interface ChannelContextParts {
  readonly commands: CommandPort
  readonly ledger: LedgerReads<'subscriber' | 'payment'>
  /** Absent: no route to a phone runs (no SMS); a notice is then not sent. */
  readonly notify?: Notify
  readonly dataDir: string
  /** Absent: `cooperative`, the default model, which offers every account. */
  readonly operatingModel?: OperatingModelId
  readonly clock: Clock
  readonly log: Logger
  readonly metrics: Metrics
}

export function createChannelContext(parts: ChannelContextParts): ChannelContext {
  const { commands, clock, log, metrics } = parts
  const workingFile = (name: string): string => join(parts.dataDir, name)
  return {
    commands,
    async identify(msisdn) {
      const detail = await parts.ledger.subscriber(msisdn)
      if (detail === null) return null
      const { subscriber } = detail
      return {
        msisdn,
        language: subscriber.language,
        lockedUntilMs: subscriber.lockedUntilMs,
        pendingPaymentId: subscriber.pendingPaymentId,
      }
    },
    payment: (paymentId) => parts.ledger.payment(paymentId),
    notify: parts.notify ?? (() => Promise.resolve(false)),
    dialogRunner: (channel, limits) =>
      new DialogRunner({ channel, commands, notify: parts.notify ?? null, log, metrics, limits }),
    journal: new DialogJournal(),
    workingFile,
    accounts: accountOfferOf(parts.operatingModel ?? 'cooperative'),
    clock,
    log,
    metrics,
  }
}
