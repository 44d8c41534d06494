/**
 * payment-service.ts - where a channel's command meets the core. It checks a typed PIN against
 * its scrypt hash (slow, so outside any transaction), stamps the command with the time and its
 * idempotency key, submits it to the ledger's group commit, and then carries out the bank step a
 * card payment needs, committing the bank's answer as a command of its own.
 */
import { createHash, randomUUID } from 'node:crypto'
import { performance } from 'node:perf_hooks'
import type { IssuingBank } from '../bank/issuing-bank.js'
import type {
  BankOutcome,
  Command,
  CommandResult,
  Envelope,
  Limits,
  OperatingLimits,
  PinCheck,
} from '../core/index.js'
import { formatAmount, maskMsisdn, refused, succeeded } from '../core/index.js'
import { encodeJson } from '../ledger/codec.js'
import type { GroupCommit } from '../ledger/group-commit.js'
import type { LedgerStore } from '../ledger/store.js'
import { captureAtBank, recoverAtBank, refundAtBank, withTimeout } from './bank-steps.js'
import type { Clock } from './clock.js'
import type { CorrelationIds } from './correlation.js'
import type { LiveStats } from './live-stats.js'
import type { Logger } from './log.js'
import type { Metrics } from './metrics.js'
import type { PinHasher } from './pin-hasher.js'
import { pinPattern } from './pin-hasher.js'

export interface ServiceRequest {
  /**
   * The transport's own id for this input (SMPP message id, USSD session and step...); null: none.
   */
  readonly key: string | null
  /** Which channel or API the command came by: scopes the key, labels logs and metrics. */
  readonly channel: string
  readonly command: Command
  /** The PIN as typed; checked here and never passed further, stored or logged. */
  readonly pin?: string | null
  /** A new PIN, for register and change_pin. */
  readonly newPin?: string | null
  /**
   * A new PIN already hashed, as a world file exported by telepay carries it (the operator loads
   * a world; telepay never had the PIN in clear to give back).
   */
  readonly newPinHash?: string
}

export interface ServiceDeps {
  readonly ledger: LedgerStore
  readonly commits: GroupCommit
  readonly bank: IssuingBank
  readonly clock: Clock
  readonly pins: PinHasher
  readonly limits: Limits
  readonly operating: OperatingLimits
  readonly log: Logger
  readonly metrics: Metrics
  /** Ties the payments commands name to the HTTP request in scope, for the log lines' ids. */
  readonly correlations?: CorrelationIds
  /**
   * Told of every command and its answer once it is durable (the web handsets' live streams);
   * must not throw and should return at once: it runs on every command's path.
   */
  readonly observe?: (request: ServiceRequest, result: CommandResult) => void
  /** The last two minutes of commands, for the operator console's overview. */
  readonly liveStats?: LiveStats
}

export function commandHash(command: Command): string {
  return createHash('sha256').update(encodeJson(command)).digest('hex')
}

function msisdnOf(command: Command): string | null {
  return 'msisdn' in command ? command.msisdn : null
}

/** The amount the command moves: the payment's, else what the command asked for (refused). */
function amountMinorOf(command: Command, result: CommandResult): bigint | undefined {
  if (result.payment !== null) return result.payment.amountMinor
  return 'amountMinor' in command ? command.amountMinor : undefined
}

export class PaymentService {
  constructor(private readonly deps: ServiceDeps) {}

  async execute(request: ServiceRequest): Promise<CommandResult> {
    const started = performance.now()
    const { command, channel } = request
    const result = await this.executeUnmeasured(request)
    const seconds = (performance.now() - started) / 1000
    const outcome = result.ok ? 'ok' : (result.reason ?? 'refused')
    this.deps.liveStats?.record(channel, outcome, seconds * 1000)
    this.deps.metrics.count('telepay_commands_total', 'Commands by channel, kind and result', {
      channel,
      kind: command.kind,
      result: outcome,
    })
    this.deps.metrics.observe(
      'telepay_command_seconds',
      'Time from a command to its durable answer',
      { channel, kind: command.kind },
      seconds,
    )
    if (result.payment !== null) this.deps.correlations?.adopt(result.payment.id)
    // The one line of a command, whichever channel it came by: a retransmitted MO or a retried
    // merchant call that the idempotency log answers is asked again, and logged again.
    const msisdn = msisdnOf(command)
    this.deps.log.info('command', {
      channel,
      kind: command.kind,
      msisdn: msisdn === null ? undefined : maskMsisdn(msisdn),
      result: outcome,
      payment: result.payment?.id,
      state: result.payment?.state,
      ref: result.reference ?? result.payment?.transferRef ?? undefined,
      amountMinor: amountMinorOf(command, result),
      durationMs: Math.round(seconds * 10_000) / 10,
    })
    try {
      this.deps.observe?.(request, result)
    } catch (error) {
      // A watcher's fault is not the payment's: the answer stands.
      this.deps.log.error('command observer failed', { error: String(error) })
    }
    return result
  }

  private async executeUnmeasured(request: ServiceRequest): Promise<CommandResult> {
    const nowMs = this.deps.clock.nowMs()
    let newPinHash: string | null = request.newPinHash ?? null
    if (request.newPin !== undefined && request.newPin !== null) {
      if (!pinPattern.test(request.newPin)) return refused('pin_format_invalid', 'en')
      newPinHash = await this.deps.pins.hash(request.newPin)
    }
    const env: Envelope = {
      key: `${request.channel}:${request.key ?? randomUUID()}`,
      commandHash: commandHash(request.command),
      channel: request.channel,
      nowMs,
      pin: await this.checkPin(request.command, request.pin ?? null, nowMs),
      newPinHash,
      command: request.command,
    }
    const result = await this.deps.commits.submit(env)
    if (!result.ok || result.bankStep === null) return this.withBankBalance(result)
    return this.followBankStep(env, result)
  }

  /**
   * Checks a typed PIN against the stored hash; a locked or unknown subscriber is not hashed for.
   */
  private async checkPin(command: Command, pin: string | null, nowMs: number): Promise<PinCheck> {
    if (pin === null || pin === '') return 'absent'
    const msisdn = msisdnOf(command)
    if (msisdn === null) return 'absent'
    const state = await this.deps.ledger.pinState(msisdn)
    if (state === null || state.lockedUntilMs > nowMs) return 'absent'
    if (!pinPattern.test(pin)) return 'mismatch'
    return (await this.deps.pins.verify(pin, state.pinHash)) ? 'match' : 'mismatch'
  }

  private async followBankStep(env: Envelope, result: CommandResult): Promise<CommandResult> {
    const step = result.bankStep
    if (step === null) return result
    if (step.op === 'refund') {
      await refundAtBank(this.deps.bank, step, this.deps.operating.bankTimeoutMs, this.deps.log)
      return result
    }
    const current = await this.deps.ledger.payment(step.paymentId)
    // A replayed command whose card payment was settled already: answer with how it ended.
    const outcome: BankOutcome =
      current !== null && current.state !== 'authorized'
        ? current.state === 'completed'
          ? 'captured'
          : 'unavailable'
        : await captureAtBank(
            this.deps.bank,
            step,
            this.deps.operating.bankTimeoutMs,
            this.deps.log,
          )
    return this.commitBankOutcome(
      `${env.key}#bank:${outcome}`,
      env.channel,
      step.paymentId,
      outcome,
    )
  }

  private commitBankOutcome(
    key: string,
    channel: string,
    paymentId: string,
    outcome: BankOutcome,
  ): Promise<CommandResult> {
    const command: Command = { kind: 'bank_outcome', paymentId, outcome }
    return this.deps.commits.submit({
      key,
      commandHash: commandHash(command),
      channel,
      nowMs: this.deps.clock.nowMs(),
      pin: 'absent',
      newPinHash: null,
      command,
    })
  }

  /** A card's balance is the bank's to tell; the ledger only knows what was drawn from it. */
  private async withBankBalance(result: CommandResult): Promise<CommandResult> {
    if (result.data?.kind !== 'balances') return result
    const cardLine = result.data.lines.find((line) => line.card !== null)
    if (cardLine?.card == null) return result
    let bankMinor: bigint | null = null
    try {
      bankMinor = await withTimeout(
        this.deps.bank.balance(cardLine.card.token),
        this.deps.operating.bankTimeoutMs,
        'balance',
      )
    } catch {
      bankMinor = null
    }
    const lines = result.data.lines.map((line) =>
      line === cardLine && bankMinor !== null ? { ...line, balanceMinor: bankMinor } : line,
    )
    const params = {
      ...result.message.params,
      card: `${cardLine.card.bank} *${cardLine.card.last4}`,
      bank: bankMinor === null ? '-' : formatAmount(bankMinor),
    }
    return succeeded({ key: 'balance.summary_with_card', params }, result.language, {
      data: { kind: 'balances', lines },
    })
  }

  /** Expires waiting payments that are due; cheap when none is. */
  async sweepExpired(): Promise<number> {
    const nowMs = this.deps.clock.nowMs()
    if (!(await this.deps.ledger.hasDuePayments(nowMs))) return 0
    const command: Command = { kind: 'expire_due' }
    const result = await this.deps.commits.submit({
      key: 'system:expire',
      commandHash: commandHash(command),
      channel: 'system',
      nowMs,
      pin: 'absent',
      newPinHash: null,
      command,
    })
    const expired = result.data?.kind === 'expired' ? result.data.paymentIds.length : 0
    if (expired > 0) this.deps.log.info('payments expired', { count: expired })
    return expired
  }

  /** Settles card payments a crash left between reservation and the bank's answer. */
  async recoverCardPayments(): Promise<number> {
    let settled = 0
    for (const payment of await this.deps.ledger.authorizedPayments()) {
      const outcome = await recoverAtBank(
        this.deps.bank,
        payment.id,
        this.deps.operating.bankTimeoutMs,
        this.deps.log,
      )
      if (outcome === null) continue
      await this.commitBankOutcome(
        `system:recover:${payment.id}:${outcome}`,
        'system',
        payment.id,
        outcome,
      )
      settled += 1
    }
    if (settled > 0) this.deps.log.info('card payments recovered', { count: settled })
    return settled
  }
}
