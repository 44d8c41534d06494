/**
 * drive.ts - test helpers for the USSD menu engine: one engine over the shipped menus, dialling
 * and typing as a phone would, and fake core results: the registration check a dial starts
 * with, a payment left waiting for the confirm screen, and the closing screens.
 */
import { expect } from 'vitest'
import type {
  EngineStep,
  Screen,
  UssdCommand,
  UssdSession,
} from '../../../../channels/ussd/contract.js'
import { heldMode, loadUssdEngine } from '../../../../channels/ussd/menu/index.js'
import { gsm7Length } from '../../../../src/bearer/text/gsm7.js'
import type {
  CommandResult,
  FundingKind,
  Language,
  Message,
  Payment,
  Reason,
} from '../../../../src/core/index.js'
import { refused, succeeded } from '../../../../src/core/index.js'

export const engine = loadUssdEngine()

export const LI = '8613800138000'
export const HAN = '8613800138001'
export const UNREGISTERED = '8613700137000'
/** A PIN whose digits appear in no MSISDN, amount or code used in these tests. */
export const PIN = '7395'

/** The core's answer to the balance check of a registered subscriber. */
export const registered: CommandResult = succeeded(
  { key: 'balance.summary', params: { wallet: '500.00', phoneBill: '50.00' } },
  'en',
)

/** Opens a session for a registered subscriber: the check a dial starts with is answered yes. */
export function dial(dialString = '*123#', language: Language = 'en', msisdn = LI): EngineStep {
  const step = engine.start('sess-1', msisdn, language, dialString)
  return step.kind === 'command' && heldMode(step.session) === 'gate'
    ? engine.resume(step.session, registered)
    : step
}

export function screenOf(step: EngineStep): Screen {
  if (step.kind !== 'screen')
    throw new Error(`expected a screen, got command ${step.run.command.kind}`)
  return step.screen
}

export function commandOf(step: EngineStep): UssdCommand {
  if (step.kind !== 'command')
    throw new Error(`expected a command, got ${step.screen.type} "${step.screen.text}"`)
  return step.run
}

/** Types each input in turn; every step before the last must be a CON screen. */
export function type(from: EngineStep, ...inputs: string[]): EngineStep {
  let step = from
  for (const input of inputs) {
    const screen = screenOf(step)
    expect(screen.type, `screen before "${input}": ${screen.text}`).toBe('CON')
    step = engine.input(step.session, input)
  }
  return step
}

/**
 * Whether a screen's text fits one USSD page: 182 GSM characters, or 80 with any UCS-2 character.
 */
export function fitsOnePage(text: string): boolean {
  const septets = gsm7Length(text)
  return septets === null ? text.length <= 80 : septets <= 182
}

export function fakeResult(
  message: Message,
  language: Language = 'en',
  reference: string | null = null,
): CommandResult {
  return succeeded(message, language, { reference })
}

/**
 * The id of the payment waitingPayment() describes: the confirm screen's confirm and cancel name
 * it.
 */
export const WAITING_ID = 'P000001'

/** A payment as the core keeps it while it waits for the subscriber's confirm. */
export function waitingPayment(funding: FundingKind = 'wallet', id = WAITING_ID): Payment {
  return {
    id,
    state: 'awaiting_authorization',
    kind: 'merchant',
    initiator: 'payer',
    channel: 'ussd',
    payerMsisdn: LI,
    funding,
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

/** The core's answer to a payment's first command: it waits, and this is what it is. */
export function waiting(
  key: Message['key'],
  params: Readonly<Record<string, string>>,
  language: Language = 'en',
): CommandResult {
  return succeeded({ key, params }, language, {
    payment: waitingPayment(params['account'] === 'phone_bill' ? 'phone_bill' : 'wallet'),
  })
}

/** A refusal of the confirm that leaves the payment waiting (a wrong PIN). */
export function refusedWaiting(
  reason: Reason,
  params: Record<string, string> = {},
  language: Language = 'en',
): CommandResult {
  return refused(reason, language, { params, payment: waitingPayment() })
}

export function sessionJson(session: UssdSession): string {
  return JSON.stringify(session)
}
