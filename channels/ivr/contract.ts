/**
 * contract.ts - the contract between the IVR call engine (channels/ivr/flow/ over the DTMF
 * scripts in menus/ivr/, with the digit engine of channels/ivr/digits/) and the IVR channel that
 * carries calls (channels/ivr/: the simulation API of SPEC section 6, TwiML, VoiceXML, call
 * records, the CLI). The engine is pure: no I/O, no clock reads (time comes in as `nowMs`), no
 * core calls. It turns (call, event) into what the caller hears next and how digits are collected,
 * or into a payment command for the channel to run, after which the channel hands the result back.
 *
 * The engine:
 *  1. MUST keep every fact of a call in IvrCall (plain, JSON-serializable data): the channel
 *     stores it between events and may build a new engine for every request.
 *  2. MUST NOT keep a PIN in IvrCall once the command that needs it is produced; while a PIN is
 *     being typed its digits are held only in the digit buffer, and `trail` masks them ("****").
 *  3. MUST answer every event: digits (several at once, `#` and `*` included, typed ahead during a
 *     prompt and kept), silence (the caller pressed nothing until the timeout that is running),
 *     and hang-up (which runs no command and leaves no half-done payment).
 *  4. MUST re-prompt on no input and on wrong input with escalating prompts, and after three
 *     failures on one step end the call with a polite goodbye.
 *  5. MUST name, in every `confirm` and `cancel` (the PIN, 2, *, three failures), the payment whose
 *     payee and amount the caller heard: a payment started meanwhile on another channel replaces
 *     it in the core, and must be neither paid nor cancelled by this call.
 * The channel:
 *  1. MUST run an IvrCommand at most once per (callId, step): the idempotency key is
 *     `${callId}:${step}`, so a platform's retry of the same request replays the first answer.
 *  2. MUST call `resume` with the command's result and play what it returns.
 */
import type { CommandResult, Language, SubscriberCommand } from '../../src/core/index.js'

/** How the next digits are collected (VoiceXML Appendix D; TwiML <Gather>). */
export interface Gather {
  /** Digits that complete the input at once; null: until the terminator or a timeout. */
  readonly digitsMax: number | null
  readonly digitsMin: number
  /** The terminating key (`#`), not part of the result; '' for none. */
  readonly finishOnKey: '#' | '*' | ''
  /** No key at all within this time after the prompt: no input. */
  readonly firstDigitTimeoutMs: number
  /** A gap longer than this between keys ends the input (accepted if complete, else no match). */
  readonly interDigitTimeoutMs: number
  /** Keys that may be pressed; any other is a no match. */
  readonly validKeys: string
  /** Whether the digits are secret (a PIN): masked in the trail, records and logs. */
  readonly secret: boolean
}

export interface Prompt {
  /** Stable id of the prompt text in the scripts (for GET /ivr/prompts/:id.wav). */
  readonly id: string
  readonly language: Language
  /** The words to speak, params filled in. */
  readonly text: string
}

export interface IvrCall {
  readonly callId: string
  /** Normalized MSISDN of the caller, or null while an unregistered caller has not given one. */
  readonly msisdn: string | null
  readonly from: string
  readonly to: string
  readonly language: Language
  /** Script state the call is at. */
  readonly state: string
  /** Requests answered so far (the idempotency step). */
  readonly step: number
  /**
   * Inputs collected so far by name (order, amount, account...). Never a PIN. `@payment` is the
   * engine's own: the id of the payment the call spoke of, named by confirm and cancel, never
   * spoken.
   */
  readonly values: Readonly<Record<string, string>>
  /** Failures (no input or no match) on the current state, for escalation and the 3-strikes end. */
  readonly failures: number
  /** Keys typed ahead and not yet consumed by a gather. */
  readonly typeAhead: string
  /**
   * The digits of the gather in progress and when the last one came (for the inter-digit timer).
   */
  readonly collecting: {
    readonly digits: string
    readonly lastKeyMs: number | null
    readonly promptEndMs: number
  } | null
  /** Every input as typed, secrets masked: for the call record. */
  readonly trail: readonly string[]
  readonly startedMs: number
  readonly ended: boolean
  /** Why the call ended: completed, hung_up, failed_input, unregistered, error. */
  readonly outcome: string | null
  /** The transaction reference of a payment made in this call, for the call record. */
  readonly reference: string | null
}

export interface IvrCommand {
  readonly command: SubscriberCommand
  readonly pin: string | null
  readonly newPin: string | null
}

/** What the caller hears next and how input is collected; `gather: null` with `ended` hangs up. */
export type IvrStep =
  | {
      readonly kind: 'say'
      readonly call: IvrCall
      readonly prompts: readonly Prompt[]
      readonly gather: Gather | null
      readonly ended: boolean
    }
  | {
      readonly kind: 'command'
      readonly call: IvrCall
      readonly prompts: readonly Prompt[]
      readonly run: IvrCommand
    }

export interface IvrEngine {
  /**
   * A call from `from` to `to` answered at `nowMs`; `registered` says whether `from` is a
   * subscriber.
   */
  start(
    callId: string,
    from: string,
    to: string,
    registered: { readonly msisdn: string; readonly language: Language } | null,
    nowMs: number,
  ): IvrStep
  /** Keys pressed (one or many at once, `#` and `*` included). */
  digits(call: IvrCall, keys: string, nowMs: number): IvrStep
  /** The caller pressed nothing more until the running timer fired (first-digit or inter-digit). */
  silence(call: IvrCall, nowMs: number): IvrStep
  /** The result of the command of the previous step. */
  resume(call: IvrCall, result: CommandResult, nowMs: number): IvrStep
  /** The caller hung up: the call ends, no command runs. */
  hangup(call: IvrCall, nowMs: number): IvrCall
}
