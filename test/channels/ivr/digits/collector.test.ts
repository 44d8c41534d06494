/**
 * collector.test.ts - the digit collector against the rules it implements: VoiceXML 2.0
 * Appendix D.1 (D1-D5, numbered as in notes/ivr-wap.md 1.1), the checklist of notes 1.9 and the
 * dialect defaults of table 1.8. Each row names the rule or profile row it checks.
 */
import { describe, expect, it } from 'vitest'
import type { Gather } from '../../../../channels/ivr/contract.js'
import type { Collected, CollectOptions, Dialect } from '../../../../channels/ivr/digits/index.js'
import {
  dialectGather,
  dialectProfiles,
  digitLimits,
  expireTimer,
  pressKeys,
  startCollecting,
} from '../../../../channels/ivr/digits/index.js'

const base: Gather = {
  digitsMax: null,
  digitsMin: 1,
  finishOnKey: '#',
  firstDigitTimeoutMs: 5_000,
  interDigitTimeoutMs: 3_000,
  validKeys: '0123456789*',
  secret: false,
}

type Event = { readonly keys: string; readonly atMs: number } | { readonly timerAtMs: number }

interface Row {
  readonly rule: string
  readonly gather?: Partial<Gather>
  readonly promptEndMs?: number
  readonly options?: CollectOptions
  readonly events: readonly Event[]
  /** The result after the events, pending ones reduced to what a caller would see. */
  readonly expected: Record<string, unknown>
}

/** Plays the events until the gather ends; the last result otherwise. */
function play(
  gather: Gather,
  promptEndMs: number,
  events: readonly Event[],
  options?: CollectOptions,
): Collected {
  let collecting = startCollecting(promptEndMs)
  let result: Collected = { kind: 'pending', collecting, deadlineMs: 0 }
  for (const event of events) {
    result =
      'keys' in event
        ? pressKeys(gather, collecting, event.keys, event.atMs, options)
        : expireTimer(gather, collecting, event.timerAtMs, options)
    if (result.kind !== 'pending') return result
    collecting = result.collecting
  }
  return result
}

function summary(result: Collected): Record<string, unknown> {
  if (result.kind === 'pending')
    return { kind: 'pending', digits: result.collecting.digits, deadlineMs: result.deadlineMs }
  return result
}

const rows: readonly Row[] = [
  // D1: nothing before the timeout -> noinput; the first-digit timer runs from the end of the
  // prompt.
  {
    rule: 'D1 no key until the first-digit timeout is no input',
    events: [{ timerAtMs: 5_000 }],
    expected: { kind: 'no_input', reason: 'no_input', rest: '' },
  },
  {
    rule: 'D1 the first-digit timer has not fired a moment before it',
    events: [{ timerAtMs: 4_999 }],
    expected: { kind: 'pending', digits: '', deadlineMs: 5_000 },
  },
  {
    rule: 'D1 / checklist 1.9.1 the first-digit timer starts after the prompt',
    promptEndMs: 2_000,
    events: [{ timerAtMs: 6_999 }],
    expected: { kind: 'pending', digits: '', deadlineMs: 7_000 },
  },
  {
    rule: 'D1 keys after the first-digit timer fired are left for the re-prompt',
    events: [{ keys: '12', atMs: 5_001 }],
    expected: { kind: 'no_input', reason: 'no_input', rest: '12' },
  },
  // D2: input that matches and could be extended waits the inter-digit timeout, then is accepted.
  {
    rule: 'D2 three of "3-5 digits" waits the inter-digit timeout',
    gather: { digitsMin: 3, digitsMax: 5 },
    events: [{ keys: '123', atMs: 1_000 }, { timerAtMs: 3_999 }],
    expected: { kind: 'pending', digits: '123', deadlineMs: 4_000 },
  },
  {
    rule: 'D2 three of "3-5 digits" is accepted when the inter-digit timer fires',
    gather: { digitsMin: 3, digitsMax: 5 },
    events: [{ keys: '123', atMs: 1_000 }, { timerAtMs: 4_000 }],
    expected: { kind: 'match', digits: '123', reason: 'inter_digit_timeout', rest: '' },
  },
  {
    rule: 'D2 every key restarts the inter-digit timer',
    events: [{ keys: '1', atMs: 0 }, { keys: '2', atMs: 2_500 }, { timerAtMs: 5_499 }],
    expected: { kind: 'pending', digits: '12', deadlineMs: 5_500 },
  },
  {
    rule: 'D2 a key after the inter-digit timer fired is type-ahead for the next gather',
    gather: { digitsMin: 2 },
    events: [
      { keys: '12', atMs: 0 },
      { keys: '3', atMs: 3_001 },
    ],
    expected: { kind: 'match', digits: '12', reason: 'inter_digit_timeout', rest: '3' },
  },
  // D3: input that completes the grammar is accepted at once (termtimeout 0).
  {
    rule: 'D3 digitsMax reached is accepted at once',
    gather: { digitsMax: 4 },
    events: [{ keys: '1234', atMs: 0 }],
    expected: { kind: 'match', digits: '1234', reason: 'max_digits', rest: '' },
  },
  {
    rule:
      'D3 / Nuance termtimeout 0: a terminator after a complete input waits for the next ' +
      'gather',
    gather: { digitsMax: 4 },
    events: [{ keys: '1234#', atMs: 0 }],
    expected: { kind: 'match', digits: '1234', reason: 'max_digits', rest: '#' },
  },
  {
    rule: 'D3 / checklist 1.9.7 keys beyond a complete input are type-ahead',
    gather: { digitsMax: 1, finishOnKey: '' },
    events: [{ keys: '2880001#', atMs: 0 }],
    expected: { kind: 'match', digits: '2', reason: 'max_digits', rest: '880001#' },
  },
  // D4: the terminator while the input is complete accepts it at once, without the terminator.
  {
    rule: 'D4 the terminator accepts a complete input and is not part of it',
    gather: { digitsMin: 3 },
    events: [{ keys: '123#', atMs: 0 }],
    expected: { kind: 'match', digits: '123', reason: 'terminator', rest: '' },
  },
  {
    rule: 'D4 keys after the terminator are type-ahead',
    events: [{ keys: '880001#1', atMs: 0 }],
    expected: { kind: 'match', digits: '880001', reason: 'terminator', rest: '1' },
  },
  {
    rule: 'D4 keys pressed one at a time then the terminator',
    events: [
      { keys: '8', atMs: 0 },
      { keys: '8', atMs: 1_000 },
      { keys: '#', atMs: 2_000 },
    ],
    expected: { kind: 'match', digits: '88', reason: 'terminator', rest: '' },
  },
  {
    rule: 'D4 with * as the terminator',
    gather: { finishOnKey: '*', validKeys: '0123456789#' },
    events: [{ keys: '42*', atMs: 0 }],
    expected: { kind: 'match', digits: '42', reason: 'terminator', rest: '' },
  },
  // D5: the terminator or the inter-digit timeout while the input is incomplete -> nomatch.
  {
    rule: 'D5 the terminator before digitsMin is no match',
    gather: { digitsMin: 4 },
    events: [{ keys: '12#', atMs: 0 }],
    expected: { kind: 'no_match', digits: '12', reason: 'terminator', rest: '' },
  },
  {
    rule: 'D5 the inter-digit timeout before digitsMin is no match',
    gather: { digitsMin: 4 },
    events: [{ keys: '12', atMs: 0 }, { timerAtMs: 3_000 }],
    expected: { kind: 'no_match', digits: '12', reason: 'inter_digit_timeout', rest: '' },
  },
  {
    rule: 'D5 / Nuance: a no match flushes the type-ahead buffer',
    gather: { digitsMin: 3 },
    events: [{ keys: '12#345#', atMs: 0 }],
    expected: { kind: 'no_match', digits: '12', reason: 'terminator', rest: '' },
  },
  // Checklist 1.9.3: terminator first = empty input; '' disables the terminator.
  {
    rule:
      'checklist 1.9.3 / TwiML: the terminator first is an empty input, which falls through ' +
      'as no input',
    events: [{ keys: '#', atMs: 0 }],
    expected: { kind: 'no_input', reason: 'terminator', rest: '' },
  },
  {
    rule: 'checklist 1.9.3 / VoiceXML D5: the terminator first does not match a digits grammar',
    options: { emptyInput: 'no_match' },
    events: [{ keys: '#', atMs: 0 }],
    expected: { kind: 'no_match', digits: '', reason: 'terminator', rest: '' },
  },
  {
    rule: "checklist 1.9.3 / Plivo finishOnKey '': # is an ordinary key",
    gather: { finishOnKey: '', validKeys: '0123456789*#' },
    events: [{ keys: '12#', atMs: 0 }],
    expected: { kind: 'pending', digits: '12#', deadlineMs: 3_000 },
  },
  // Checklist 1.9.4: keys outside validKeys are a no match (Plivo validDigits).
  {
    rule: 'checklist 1.9.4 / Plivo validDigits: a key outside validKeys is no match at once',
    gather: { digitsMax: 1, finishOnKey: '', validKeys: '12349*' },
    events: [{ keys: '5', atMs: 0 }],
    expected: { kind: 'no_match', digits: '5', reason: 'invalid_key', rest: '' },
  },
  {
    rule: 'checklist 1.9.4: an invalid key in the middle flushes what follows',
    gather: { validKeys: '0123456789' },
    events: [{ keys: '12*34#', atMs: 0 }],
    expected: { kind: 'no_match', digits: '12*', reason: 'invalid_key', rest: '' },
  },
  {
    rule: 'limits: a gather without digitsMax or terminator ends at keysPerGatherMax',
    gather: { finishOnKey: '' },
    events: [{ keys: '1'.repeat(digitLimits.keysPerGatherMax + 3), atMs: 0 }],
    expected: {
      kind: 'no_match',
      digits: '1'.repeat(digitLimits.keysPerGatherMax),
      reason: 'too_many_keys',
      rest: '',
    },
  },
]

describe('digit collector: VoiceXML Appendix D and the checklist', () => {
  it.each(rows)('$rule', (row) => {
    const gather: Gather = { ...base, ...row.gather }
    expect(summary(play(gather, row.promptEndMs ?? 0, row.events, row.options))).toEqual(
      row.expected,
    )
  })
})

interface ProfileRow {
  readonly row: string
  readonly dialect: Dialect
  readonly given?: Partial<Gather>
  readonly events: readonly Event[]
  readonly expected: Record<string, unknown>
}

const profileRows: readonly ProfileRow[] = [
  {
    row: 'VoiceXML: Plum timeout 3 s',
    dialect: 'voicexml',
    events: [{ timerAtMs: 3_000 }],
    expected: { kind: 'no_input', reason: 'no_input', rest: '' },
  },
  {
    row: 'VoiceXML: Plum interdigittimeout 1 s',
    dialect: 'voicexml',
    events: [{ keys: '42', atMs: 0 }, { timerAtMs: 1_000 }],
    expected: { kind: 'match', digits: '42', reason: 'inter_digit_timeout', rest: '' },
  },
  {
    row: 'VoiceXML: termchar # on an empty input is nomatch',
    dialect: 'voicexml',
    events: [{ keys: '#', atMs: 0 }],
    expected: { kind: 'no_match', digits: '', reason: 'terminator', rest: '' },
  },
  {
    row: 'TwiML: timeout 5 s before the first digit',
    dialect: 'twiml',
    events: [{ timerAtMs: 4_999 }],
    expected: { kind: 'pending', digits: '', deadlineMs: 5_000 },
  },
  {
    row: 'TwiML: the same 5 s between digits',
    dialect: 'twiml',
    events: [{ keys: '1', atMs: 0 }, { timerAtMs: 5_000 }],
    expected: { kind: 'match', digits: '1', reason: 'inter_digit_timeout', rest: '' },
  },
  {
    row: 'TwiML: numDigits unlimited, finishOnKey #',
    dialect: 'twiml',
    events: [{ keys: '12345678901234#', atMs: 0 }],
    expected: { kind: 'match', digits: '12345678901234', reason: 'terminator', rest: '' },
  },
  {
    row: 'TwiML: finishOnKey before any digit falls through (no input)',
    dialect: 'twiml',
    events: [{ keys: '#', atMs: 0 }],
    expected: { kind: 'no_input', reason: 'terminator', rest: '' },
  },
  {
    row: 'TwiML: numDigits=1 completes on the first key',
    dialect: 'twiml',
    given: { digitsMax: 1 },
    events: [{ keys: '7', atMs: 0 }],
    expected: { kind: 'match', digits: '7', reason: 'max_digits', rest: '' },
  },
  {
    row: 'Plivo: digitTimeout 2 s',
    dialect: 'plivo',
    events: [{ keys: '1', atMs: 0 }, { timerAtMs: 2_000 }],
    expected: { kind: 'match', digits: '1', reason: 'inter_digit_timeout', rest: '' },
  },
  {
    row: 'Plivo: validDigits limits the keys',
    dialect: 'plivo',
    given: { validKeys: '12' },
    events: [{ keys: '13', atMs: 0 }],
    expected: { kind: 'no_match', digits: '13', reason: 'invalid_key', rest: '' },
  },
  {
    row: "Africa's Talking: no finishOnKey returns the first digit pressed",
    dialect: 'africastalking',
    events: [{ keys: '12#', atMs: 0 }],
    expected: { kind: 'match', digits: '1', reason: 'max_digits', rest: '2#' },
  },
  {
    row: "Africa's Talking: with finishOnKey the input runs to it",
    dialect: 'africastalking',
    given: { finishOnKey: '#' },
    events: [{ keys: '1234#', atMs: 0 }],
    expected: { kind: 'match', digits: '1234', reason: 'terminator', rest: '' },
  },
  {
    row: "Africa's Talking: timeout 30 s",
    dialect: 'africastalking',
    events: [{ timerAtMs: 29_999 }],
    expected: { kind: 'pending', digits: '', deadlineMs: 30_000 },
  },
]

describe('digit collector: dialect profiles (notes table 1.8)', () => {
  it.each(profileRows)('$row', (row) => {
    const gather = dialectGather(row.dialect, row.given)
    expect(summary(play(gather, 0, row.events, dialectProfiles[row.dialect].collect))).toEqual(
      row.expected,
    )
  })

  it('a profile never decides secrecy: a gather is secret only when the script says so', () => {
    expect(dialectGather('twiml').secret).toBe(false)
    expect(dialectGather('twiml', { secret: true }).secret).toBe(true)
  })
})
