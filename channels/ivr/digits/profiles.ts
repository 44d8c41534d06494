/**
 * profiles.ts - the default digit-collection behaviour of the IVR dialects telepay speaks or
 * simulates (notes/ivr-wap.md table 1.8): VoiceXML, TwiML, Plivo and Africa's Talking. A script
 * gather names what it needs; a profile fills in what it leaves out the way that platform would.
 * Exports dialects, Dialect, DialectProfile, dialectGather.
 */
import type { Gather } from '../contract.js'
import type { CollectOptions } from './collector.js'

export const dialects = ['voicexml', 'twiml', 'plivo', 'africastalking'] as const
export type Dialect = (typeof dialects)[number]

export interface DialectProfile {
  /** The gather of a prompt that sets nothing but the keys it wants. */
  readonly defaults: Omit<Gather, 'secret'>
  /** How the terminator pressed first (an empty input) ends the gather. */
  readonly collect: CollectOptions
}

const allKeys = '0123456789*#'

export const dialectProfiles: Readonly<Record<Dialect, DialectProfile>> = {
  // VoiceXML leaves timeouts to the platform: Plum's 3 s / 1 s; termchar `#`, termtimeout 0.
  // The terminator on an empty input does not match a digits grammar (Appendix D rule 5).
  voicexml: {
    defaults: {
      digitsMax: null,
      digitsMin: 1,
      finishOnKey: '#',
      firstDigitTimeoutMs: 3_000,
      interDigitTimeoutMs: 1_000,
      validKeys: allKeys,
    },
    collect: { emptyInput: 'no_match' },
  },
  // TwiML <Gather>: timeout 5 s serves as first-digit and between-digit timer; numDigits
  // unlimited; finishOnKey `#`; finishOnKey before any digit falls through like silence.
  twiml: {
    defaults: {
      digitsMax: null,
      digitsMin: 1,
      finishOnKey: '#',
      firstDigitTimeoutMs: 5_000,
      interDigitTimeoutMs: 5_000,
      validKeys: allKeys,
    },
    collect: { emptyInput: 'no_input' },
  },
  // Plivo <GetDigits>: timeout 5 s, digitTimeout 2 s, numDigits 99, validDigits `1234567890*#`.
  plivo: {
    defaults: {
      digitsMax: 99,
      digitsMin: 1,
      finishOnKey: '#',
      firstDigitTimeoutMs: 5_000,
      interDigitTimeoutMs: 2_000,
      validKeys: allKeys,
    },
    collect: { emptyInput: 'no_input' },
  },
  // Africa's Talking <GetDigits>: timeout 30 s and no other timer, so it serves between keys
  // too; no finishOnKey by default, and then the first key pressed is the answer.
  africastalking: {
    defaults: {
      digitsMax: 1,
      digitsMin: 1,
      finishOnKey: '',
      firstDigitTimeoutMs: 30_000,
      interDigitTimeoutMs: 30_000,
      validKeys: allKeys,
    },
    collect: { emptyInput: 'no_input' },
  },
}

/**
 * The gather a dialect runs for a prompt that sets only `given`. Africa's Talking answers with
 * the first key only while there is neither a terminator nor numDigits: naming a terminator
 * lifts that cap.
 */
export function dialectGather(dialect: Dialect, given: Partial<Gather> = {}): Gather {
  const defaults = dialectProfiles[dialect].defaults
  const firstKeyOnly =
    dialect === 'africastalking' &&
    given.digitsMax === undefined &&
    given.finishOnKey !== undefined &&
    given.finishOnKey !== ''
  return { ...defaults, ...(firstKeyOnly ? { digitsMax: null } : {}), secret: false, ...given }
}
