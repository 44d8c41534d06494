/**
 * collector.ts - the pure DTMF digit collector: VoiceXML 2.0 Appendix D timing and completion
 * rules over a Gather (channels/ivr/contract.ts), with every timer read from the `nowMs` passed
 * in. Exports startCollecting, pressKeys, expireTimer, timerDeadlineMs and the result types.
 *
 * Appendix D.1 rules as implemented (the tests cite them by number):
 *  D1 nothing before the first-digit timeout -> no input.
 *  D2 input that is complete (digitsMin reached) but could be extended waits the inter-digit
 *     timeout, then is accepted.
 *  D3 input that reaches digitsMax is accepted at once (termtimeout 0, the spec default): a
 *     terminator pressed after it stays in the type-ahead buffer for the next gather.
 *  D4 the terminator while the input is complete accepts it at once, without the terminator.
 *  D5 the terminator or the inter-digit timeout while the input is incomplete -> no match.
 * Added by the platforms (notes 1.8, 1.9): a key outside validKeys is a no match at once
 * (Plivo validDigits); the terminator as the first key is an empty input, reported as no input
 * (TwiML falls through) or no match (VoiceXML D5) by the `emptyInput` option; keys left after a
 * completed input are type-ahead for the next gather, and a no match flushes them (Nuance).
 */
import type { Gather } from '../contract.js'
import { digitLimits } from './limits.js'

/** What a gather in progress holds: the shape of IvrCall.collecting. */
export interface Collecting {
  readonly digits: string
  readonly lastKeyMs: number | null
  /** When the prompt finished: the first-digit timer runs from here. */
  readonly promptEndMs: number
}

/** Why a gather ended (jambonz `reason`, Asterisk READSTATUS in the notes 1.9.2). */
export type CompletionReason =
  | 'max_digits'
  | 'terminator'
  | 'inter_digit_timeout'
  | 'no_input'
  | 'invalid_key'
  | 'too_many_keys'

export type Collected =
  /** Still collecting; the running timer fires at `deadlineMs`. */
  | { readonly kind: 'pending'; readonly collecting: Collecting; readonly deadlineMs: number }
  /** A complete input (terminator excluded); `rest` is type-ahead for the next gather. */
  | {
      readonly kind: 'match'
      readonly digits: string
      readonly reason: CompletionReason
      readonly rest: string
    }
  /** Input that breaks the gather's rules; the type-ahead is flushed. */
  | {
      readonly kind: 'no_match'
      readonly digits: string
      readonly reason: CompletionReason
      readonly rest: ''
    }
  /** Nothing usable was pressed; `rest` holds keys that came after the timer fired. */
  | { readonly kind: 'no_input'; readonly reason: CompletionReason; readonly rest: string }

export interface CollectOptions {
  /**
   * How an input of only the terminator ends: TwiML falls through (no input), VoiceXML D5 no match.
   */
  readonly emptyInput: 'no_input' | 'no_match'
}

const defaultOptions: CollectOptions = { emptyInput: 'no_input' }

export function startCollecting(promptEndMs: number): Collecting {
  return { digits: '', lastKeyMs: null, promptEndMs }
}

/** When the timer that is running fires: first-digit before any key, else inter-digit. */
export function timerDeadlineMs(gather: Gather, collecting: Collecting): number {
  if (collecting.lastKeyMs === null) return collecting.promptEndMs + gather.firstDigitTimeoutMs
  return collecting.lastKeyMs + gather.interDigitTimeoutMs
}

/**
 * Keys pressed at `nowMs` (one or several at once). If the running timer fired before they came,
 * the gather ends by that timer first and the keys are left for the next gather (or flushed by a
 * no match).
 */
export function pressKeys(
  gather: Gather,
  collecting: Collecting,
  keys: string,
  nowMs: number,
  options: CollectOptions = defaultOptions,
): Collected {
  if (nowMs > timerDeadlineMs(gather, collecting)) {
    const fired = expireTimer(gather, collecting, nowMs, options)
    // expireTimer is pending only before the deadline, which has passed.
    if (fired.kind === 'pending' || fired.kind === 'no_match') return fired
    return { ...fired, rest: fired.rest + keys }
  }
  let digits = collecting.digits
  for (let index = 0; index < keys.length; index += 1) {
    const key = keys.charAt(index)
    const rest = keys.slice(index + 1)
    if (gather.finishOnKey !== '' && key === gather.finishOnKey) {
      if (digits === '') return emptyInput(options, rest)
      if (digits.length >= gather.digitsMin)
        return { kind: 'match', digits, reason: 'terminator', rest } // D4
      return { kind: 'no_match', digits, reason: 'terminator', rest: '' } // D5
    }
    if (!gather.validKeys.includes(key))
      return { kind: 'no_match', digits: digits + key, reason: 'invalid_key', rest: '' }
    digits += key
    if (gather.digitsMax !== null && digits.length >= gather.digitsMax)
      return { kind: 'match', digits, reason: 'max_digits', rest } // D3
    // Without digitsMax or a terminator a gather could grow for ever; past the bound it is no
    // prompt's answer.
    if (digits.length >= digitLimits.keysPerGatherMax)
      return { kind: 'no_match', digits, reason: 'too_many_keys', rest: '' }
  }
  const next: Collecting = {
    digits,
    lastKeyMs: keys === '' ? collecting.lastKeyMs : nowMs,
    promptEndMs: collecting.promptEndMs,
  }
  return { kind: 'pending', collecting: next, deadlineMs: timerDeadlineMs(gather, next) }
}

/**
 * The running timer at `nowMs`: still pending before its deadline, else the gather ends (D1, D2,
 * D5).
 */
export function expireTimer(
  gather: Gather,
  collecting: Collecting,
  nowMs: number,
  _options: CollectOptions = defaultOptions,
): Collected {
  const deadlineMs = timerDeadlineMs(gather, collecting)
  if (nowMs < deadlineMs) return { kind: 'pending', collecting, deadlineMs }
  if (collecting.digits === '') return { kind: 'no_input', reason: 'no_input', rest: '' } // D1
  if (collecting.digits.length >= gather.digitsMin) {
    // D2
    return { kind: 'match', digits: collecting.digits, reason: 'inter_digit_timeout', rest: '' }
  }
  // D5
  return { kind: 'no_match', digits: collecting.digits, reason: 'inter_digit_timeout', rest: '' }
}

function emptyInput(options: CollectOptions, rest: string): Collected {
  if (options.emptyInput === 'no_match')
    return { kind: 'no_match', digits: '', reason: 'terminator', rest: '' }
  return { kind: 'no_input', reason: 'terminator', rest }
}
