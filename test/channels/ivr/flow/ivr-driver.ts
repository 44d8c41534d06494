/**
 * ivr-driver.ts - test helpers for the IVR call engine: a caller that keeps the call between
 * events as the channel would (round-tripping it through JSON, since the channel stores it), and
 * fake core answers built with the core's own result constructors.
 */
import { expect } from 'vitest'
import type {
  IvrCall,
  IvrCommand,
  IvrEngine,
  IvrStep,
  Prompt,
} from '../../../../channels/ivr/contract.js'
import type {
  CommandResult,
  Language,
  MessageKey,
  Payment,
  Reason,
} from '../../../../src/core/index.js'
import { refused, succeeded } from '../../../../src/core/index.js'
import type { PaymentService } from '../../../../src/service/payment-service.js'

export const LI = '8613800138000'
export const HAN = '8613800138001'
export const STRANGER = '8613700137000'

let callCounter = 0

export type SayStep = Extract<IvrStep, { kind: 'say' }>
export type CommandStep = Extract<IvrStep, { kind: 'command' }>

/** A call in progress: every event goes through the engine with the stored (JSON) call. */
export class Caller {
  call: IvrCall
  nowMs: number
  /** Every stored form of the call, to check what a call record could leak. */
  readonly stored: string[] = []
  last: IvrStep

  constructor(
    readonly engine: IvrEngine,
    first: IvrStep,
    startMs: number,
  ) {
    this.nowMs = startMs
    this.last = first
    this.call = this.keep(first.call)
  }

  static dial(
    engine: IvrEngine,
    options: { from?: string; language?: Language; registered?: boolean; atMs?: number } = {},
  ): Caller {
    const from = options.from ?? LI
    const atMs = options.atMs ?? 1_000_000
    const registered =
      options.registered === false ? null : { msisdn: from, language: options.language ?? 'en' }
    callCounter += 1
    // Call ids are unique: the channel's idempotency key is `${callId}:${step}`.
    return new Caller(
      engine,
      engine.start(`call-${process.pid}-${callCounter}`, from, '12588', registered, atMs),
      atMs,
    )
  }

  private keep(call: IvrCall): IvrCall {
    const json = JSON.stringify(call)
    this.stored.push(json)
    return JSON.parse(json) as IvrCall
  }

  private take(step: IvrStep): IvrStep {
    this.last = step
    this.call = this.keep(step.call)
    return step
  }

  /** Moves the test clock. */
  wait(ms: number): this {
    this.nowMs += ms
    return this
  }

  press(keys: string): IvrStep {
    return this.take(this.engine.digits(this.call, keys, this.nowMs))
  }

  silence(): IvrStep {
    return this.take(this.engine.silence(this.call, this.nowMs))
  }

  resume(result: CommandResult): IvrStep {
    return this.take(this.engine.resume(this.call, result, this.nowMs))
  }

  hangup(): IvrCall {
    this.call = this.keep(this.engine.hangup(this.call, this.nowMs))
    return this.call
  }

  /** The running timer fires and the engine is expected to ask the core something. */
  silenceForCommand(): IvrCommand {
    return commandOf(this.silence())
  }

  /** Presses keys and expects the engine to ask the core something. */
  pressForCommand(keys: string): IvrCommand {
    return commandOf(this.press(keys))
  }
}

/**
 * Runs every command the call asks for through a real gateway's payment service, as the channel
 * would, until the caller hears something.
 */
export async function settle(
  service: Pick<PaymentService, 'execute'>,
  caller: Caller,
  first: IvrStep,
): Promise<IvrStep> {
  let step = first
  while (step.kind === 'command') {
    const run = step.run
    const result = await service.execute({
      key: `${caller.call.callId}:${caller.call.step}`,
      channel: 'ivr',
      command: run.command,
      pin: run.pin,
      newPin: run.newPin,
    })
    step = caller.resume(result)
  }
  return step
}

export function sayOf(step: IvrStep): SayStep {
  expect(step.kind).toBe('say')
  return step as SayStep
}

export function commandOf(step: IvrStep): IvrCommand {
  expect(step.kind, `expected a command, heard ${JSON.stringify(step.prompts)}`).toBe('command')
  return (step as CommandStep).run
}

export function ids(step: IvrStep): string[] {
  return step.prompts.map((prompt: Prompt) => prompt.id)
}

export function spoken(step: IvrStep): string {
  return step.prompts.map((prompt: Prompt) => prompt.text).join(' ')
}

/** Whether a text is in the language it claims: Chinese has Han characters, English none. */
export function isInLanguage(text: string, language: Language): boolean {
  const han = /\p{Script=Han}/u.test(text)
  return language === 'zh' ? han : !han
}

export function answer(
  key: MessageKey,
  language: Language,
  params: Record<string, string> = {},
  reference: string | null = null,
): CommandResult {
  return succeeded({ key, params }, language, { reference })
}

export function refusal(
  reason: Reason,
  language: Language,
  params: Record<string, string> = {},
): CommandResult {
  return refused(reason, language, { params })
}

let paymentCounter = 0

/**
 * A payment as the core keeps it; every call gives a new id, as the core does for every new
 * payment.
 */
export function corePayment(
  state: Payment['state'] = 'awaiting_authorization',
  id: string | null = null,
): Payment {
  paymentCounter += 1
  return {
    id: id ?? `P${String(paymentCounter).padStart(7, '0')}`,
    state,
    kind: 'merchant',
    initiator: 'payer',
    channel: 'ivr',
    payerMsisdn: LI,
    funding: 'wallet',
    merchantCode: '1001',
    payeeMsisdn: null,
    orderNo: null,
    customerRef: null,
    amountMinor: 2500n,
    feeMinor: 0n,
    refundedMinor: 0n,
    merchantReference: null,
    description: null,
    callbackUrl: null,
    reason: null,
    transferRef: null,
    createdMs: 0,
    updatedMs: 0,
    expiresMs: 120_000,
    trail: [],
  }
}

/**
 * What the core answers a payment asked with `authorize: false`: it waits for the PIN, and this is
 * the payment.
 */
export function waitingForPin(
  language: Language,
  payee = 'Ringtones Ltd',
  amount = '25.00',
  key: MessageKey = 'payment.confirm_pin',
): CommandResult {
  return succeeded({ key, params: { amount, payee, account: 'wallet' } }, language, {
    payment: corePayment(),
  })
}

/** The id of the payment a result is about; fails the test when it is about none. */
export function paymentIdOf(result: CommandResult): string {
  expect(result.payment, 'the result is about no payment').not.toBeNull()
  return result.payment?.id ?? ''
}
