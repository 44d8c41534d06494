/**
 * runner.ts - what every dialog channel (USSD, IVR, WAP) does around a payment command, done
 * once: one chain per dialog so that two requests of one dialog never interleave, one
 * idempotency key per step, one answer deadline, and one late-answer path. A command that
 * misses its deadline finishes in the background and its answer goes to the phone by SMS
 * (the gateway's notify); the channel meanwhile answers its user politely in its own medium.
 * Late commands are bounded (lateCommandsMax): past the bound a step is refused before it
 * starts, so a stalled core cannot pile up work without end. Exports DialogRunner,
 * DialogRunnerDeps, DialogLimits, StepCommand, CommandOutcome, StepRequest, commandKey, Notify.
 */
import type { Command, CommandResult } from '../../core/index.js'
import { maskMsisdn } from '../../core/index.js'
import type { Logger } from '../../service/log.js'
import type { Metrics } from '../../service/metrics.js'
import type { CommandPort } from '../ports.js'
import { renderResult } from '../reply/index.js'
import { KeyedChain } from './chain.js'
import { withinDeadline } from './deadline.js'

/** Sends a text to a phone by SMS, or keeps it to be sent; false when it could do neither. */
export type Notify = (msisdn: string, text: string) => Promise<boolean>

export interface DialogLimits {
  /**
   * How long a step waits for the core before the channel answers politely; null: it waits (WAP: a
   * page may).
   */
  readonly answerDeadlineMs: number | null
  /** Commands that missed their deadline and still run: past it, new steps are refused. */
  readonly lateCommandsMax: number
}

/** One command of a step, as the channel's engine asked for it; the PIN is never logged. */
export interface StepCommand {
  readonly command: Command
  readonly pin: string | null
  readonly newPin?: string | null
}

export interface StepRequest {
  /** The dialog: `${provider}:${session}` for USSD, the call id for IVR, 'wap' for WAP forms. */
  readonly dialog: string
  /** The step the command answers: a request counter, or a form's one-time token. */
  readonly step: number | string
  /** 0 for the step's first command; a step that chains a second command gives 1, and so on. */
  readonly index: number
  readonly run: StepCommand
  /** Whom a late answer goes to (null: nobody to tell; the answer is only logged). */
  readonly lateAnswerTo: string | null
}

export type CommandOutcome =
  | { readonly kind: 'answered'; readonly result: CommandResult }
  /** The deadline passed: the command goes on, and its answer goes by SMS when it comes. */
  | { readonly kind: 'late' }
  /** lateCommandsMax commands are already late: this one was not started. */
  | { readonly kind: 'busy' }

export interface DialogRunnerDeps {
  /** The channel's name, as the core records it and the metrics and logs label it. */
  readonly channel: 'ussd' | 'ivr' | 'wap'
  readonly commands: CommandPort
  readonly notify: Notify | null
  readonly log: Logger
  readonly metrics: Metrics
  readonly limits: DialogLimits
}

/**
 * The idempotency key of a step's command: the same step asked again (a provider's retry, a
 * resubmitted form) runs under the same key, and the ledger answers its first result.
 */
export function commandKey(dialog: string, step: number | string, index: number): string {
  return index === 0 ? `${dialog}:${step}` : `${dialog}:${step}.${index}`
}

export class DialogRunner {
  private readonly chains = new KeyedChain()
  private readonly lateCommands = new Set<Promise<void>>()

  constructor(private readonly deps: DialogRunnerDeps) {}

  /** Commands that missed their deadline and still run. */
  get lateCount(): number {
    return this.lateCommands.size
  }

  /** Runs `work` after every earlier work of the same dialog settled. */
  serialize<T>(dialog: string, work: () => Promise<T>): Promise<T> {
    return this.chains.run(dialog, work)
  }

  /** Runs one command of a step under its idempotency key, within the answer deadline. */
  async execute(request: StepRequest): Promise<CommandOutcome> {
    const { channel, limits, log } = this.deps
    const { command } = request.run
    if (this.lateCommands.size >= limits.lateCommandsMax) {
      log.warn(`${channel} command refused: too many late commands`, {
        dialog: request.dialog,
        late: this.lateCommands.size,
      })
      return { kind: 'busy' }
    }
    const running = this.deps.commands.execute({
      key: commandKey(request.dialog, request.step, request.index),
      channel,
      command,
      pin: request.run.pin,
      newPin: request.run.newPin ?? null,
    })
    const result =
      limits.answerDeadlineMs === null
        ? await running
        : await withinDeadline(running, limits.answerDeadlineMs)
    if (result !== null) return { kind: 'answered', result }
    this.deps.metrics.count(
      `telepay_${channel}_deadline_missed_total`,
      `${channel.toUpperCase()} steps answered politely because the core was slow, by command`,
      { kind: command.kind },
    )
    log.warn(`${channel} answer deadline missed`, {
      dialog: request.dialog,
      msisdn: request.lateAnswerTo === null ? undefined : maskMsisdn(request.lateAnswerTo),
      kind: command.kind,
      deadlineMs: limits.answerDeadlineMs,
    })
    this.finishLate(running, request)
    return { kind: 'late' }
  }

  /** Resolves when every command that missed its deadline has finished and its SMS was tried. */
  async drained(): Promise<void> {
    while (this.lateCommands.size > 0) await Promise.allSettled([...this.lateCommands])
  }

  /** The late command's answer goes to the phone by SMS when it comes, if someone is to be told. */
  private finishLate(running: Promise<CommandResult>, request: StepRequest): void {
    const { channel, log, metrics, notify } = this.deps
    const to = request.lateAnswerTo
    const kind = request.run.command.kind
    const late = running
      .then(async (result) => {
        const sent = to !== null && notify !== null ? await notify(to, renderResult(result)) : false
        metrics.count(
          `telepay_${channel}_late_answers_total`,
          `Answers of late ${channel.toUpperCase()} commands, by SMS delivery`,
          { sent: String(sent) },
        )
        log.info(`${channel} late answer`, {
          dialog: request.dialog,
          msisdn: to === null ? undefined : maskMsisdn(to),
          kind,
          result: result.ok ? 'ok' : (result.reason ?? 'refused'),
          ref: result.reference ?? undefined,
          sms: sent ? 'sent' : 'not_sent',
        })
      })
      .catch((error: unknown) => {
        log.error(`${channel} late command failed`, {
          dialog: request.dialog,
          kind,
          error: error instanceof Error ? error.message : String(error),
        })
      })
      .finally(() => {
        this.lateCommands.delete(late)
      })
    this.lateCommands.add(late)
  }
}
