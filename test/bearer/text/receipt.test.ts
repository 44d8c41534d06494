/**
 * receipt.test.ts - delivery receipts: the canonical text we generate, the message_state
 * numbers, and tolerant parsing of the variants seen from SMSCs (SMPP notes §2 and §4.3).
 */
import { describe, expect, it } from 'vitest'
import type { ReceiptStat } from '../../../src/bearer/text/receipt.js'
import {
  formatReceipt,
  messageIdVariants,
  messageStateOf,
  parseReceipt,
  receiptStats,
  statOfMessageState,
} from '../../../src/bearer/text/receipt.js'

const submitDateMs = Date.UTC(2024, 0, 2, 15, 30)
const doneDateMs = Date.UTC(2024, 0, 2, 15, 31)

describe('formatReceipt', () => {
  it('writes the canonical form with UTC dates and the first 20 characters', () => {
    const text = formatReceipt({
      id: '1234567890',
      submitted: 1,
      delivered: 1,
      submitDateMs,
      doneDateMs,
      stat: 'DELIVRD',
      err: 0,
      text: 'Paid 25.00 to shop 1001, ref A7',
    })
    expect(text).toBe(
      'id:1234567890 sub:001 dlvrd:001 submit date:2401021530 done date:2401021531 ' +
        'stat:DELIVRD err:000 text:Paid 25.00 to shop 1',
    )
  })

  it('counts text characters, not UTF-16 units, and flattens line breaks', () => {
    const text = formatReceipt({
      id: 'a',
      submitted: 1,
      delivered: 0,
      submitDateMs,
      doneDateMs,
      stat: 'UNDELIV',
      err: 34,
      text: '😀\n'.repeat(15),
    })
    expect(text.endsWith(`stat:UNDELIV err:034 text:${'😀 '.repeat(10)}`)).toBe(true)
  })

  it('uses UTC whatever the hour, across a year end', () => {
    const text = formatReceipt({
      id: 'x',
      submitted: 2,
      delivered: 2,
      submitDateMs: Date.UTC(2025, 11, 31, 23, 59, 59),
      doneDateMs: Date.UTC(2026, 0, 1, 0, 0),
      stat: 'DELIVRD',
      err: 0,
      text: '',
    })
    expect(text).toBe(
      'id:x sub:002 dlvrd:002 submit date:2512312359 done date:2601010000 stat:DELIVRD ' +
        'err:000 text:',
    )
  })

  it.each(Object.keys(receiptStats) as ReceiptStat[])(
    'round-trips stat %s through parseReceipt',
    (stat) => {
      const fields = {
        id: 'ab12',
        submitted: 1,
        delivered: stat === 'DELIVRD' ? 1 : 0,
        submitDateMs,
        doneDateMs,
        stat,
        err: 7,
        text: 'BAL ok',
      }
      expect(parseReceipt(formatReceipt(fields))).toEqual({
        ...fields,
        err: '007',
        statText: stat,
        extra: {},
      })
    },
  )
})

describe('message_state', () => {
  it.each([
    ['DELIVRD', 2],
    ['EXPIRED', 3],
    ['DELETED', 4],
    ['UNDELIV', 5],
    ['ACCEPTD', 6],
    ['UNKNOWN', 7],
    ['REJECTD', 8],
    ['ENROUTE', 1],
  ] as const)('%s is %i and back', (stat, state) => {
    expect(messageStateOf(stat)).toBe(state)
    expect(statOfMessageState(state)).toBe(stat)
  })

  it.each([0, 9, 255])('has no stat word for %i', (state) => {
    expect(statOfMessageState(state)).toBeNull()
  })
})

const canonical =
  'id:1234567890 sub:001 dlvrd:001 submit date:2401021530 done date:2401021531 stat:DELIVRD ' +
  'err:000 text:Hello'

describe('parseReceipt variants', () => {
  it.each([
    [
      'canonical',
      canonical,
      {
        id: '1234567890',
        stat: 'DELIVRD',
        text: 'Hello',
        submitDateMs,
        doneDateMs,
        submitted: 1,
        delivered: 1,
        err: '000',
      },
    ],
    ['Text: capitalised (Appendix B)', canonical.replace('text:', 'Text:'), { text: 'Hello' }],
    [
      'all keys upper case',
      canonical.replace(/[a-z ]+:/g, (key) => key.toUpperCase()),
      { id: '1234567890', stat: 'DELIVRD', submitDateMs },
    ],
    [
      '12-digit dates with seconds',
      canonical.replace('2401021530', '240102153012').replace('2401021531', '240102153145'),
      { submitDateMs: submitDateMs + 12_000, doneDateMs: doneDateMs + 45_000 },
    ],
    [
      '14-digit dates',
      canonical.replace('2401021530', '20240102153012'),
      { submitDateMs: submitDateMs + 12_000 },
    ],
    [
      'a long id',
      canonical.replace('1234567890', 'c0a8012a-0000-4b6d-9f3e-2c1d5e7a9b01'),
      { id: 'c0a8012a-0000-4b6d-9f3e-2c1d5e7a9b01' },
    ],
    ['a hex id', canonical.replace('1234567890', '3B9ACA0F'), { id: '3B9ACA0F' }],
    ['a zero-padded id', canonical.replace('1234567890', '0004062581'), { id: '0004062581' }],
    [
      'an extra network: field',
      canonical.replace(' text:', ' network:46000 text:'),
      { extra: { network: '46000' }, text: 'Hello' },
    ],
    ['missing text', canonical.replace(' text:Hello', ''), { text: null, err: '000' }],
    ['an empty text', canonical.replace('text:Hello', 'text:'), { text: '' }],
    [
      'a text holding "key:" sequences',
      canonical.replace('text:Hello', 'text:PAY 100 stat:x id:y'),
      { id: '1234567890', stat: 'DELIVRD', text: 'PAY 100 stat:x id:y' },
    ],
    [
      'extra spaces',
      '  id: 77  sub: 001   dlvrd:001 submit date: 2401021530  done date:2401021531 stat:  ' +
        'UNDELIV err: 034 text:  Hi  ',
      { id: '77', stat: 'UNDELIV', err: '034', text: 'Hi', submitDateMs, doneDateMs, submitted: 1 },
    ],
    [
      'missing sub and dlvrd',
      'id:9 submit date:2401021530 done date:2401021531 stat:EXPIRED err:000',
      { submitted: null, delivered: null, stat: 'EXPIRED' },
    ],
    [
      'a long stat word',
      canonical.replace('DELIVRD', 'DELIVERED'),
      { stat: 'DELIVRD', statText: 'DELIVERED' },
    ],
    ['lower-case stat', canonical.replace('DELIVRD', 'rejectd'), { stat: 'REJECTD' }],
    [
      'an unknown stat word',
      canonical.replace('DELIVRD', 'SKIPPED'),
      { stat: 'UNKNOWN', statText: 'SKIPPED' },
    ],
    [
      'an impossible date',
      canonical.replace('2401021530', '2402301530'),
      { submitDateMs: null, doneDateMs },
    ],
    ['a garbled date', canonical.replace('2401021530', '24-01-02'), { submitDateMs: null }],
  ])('%s', (_name, text, expected) => {
    expect(parseReceipt(text)).toMatchObject(expected)
  })

  it.each([
    ['an MO command', 'PAY 1001 25.00'],
    ['no stat', 'id:123 sub:001 text:hi'],
    ['no id', 'sub:001 dlvrd:001 stat:DELIVRD err:000'],
    ['an empty id', 'id: stat:DELIVRD'],
    ['the empty text', ''],
  ])('is null for %s', (_name, text) => {
    expect(parseReceipt(text)).toBeNull()
  })
})

describe('messageIdVariants', () => {
  it.each([
    ['0004062581', ['0004062581', '4062581', (4062581).toString(16)]],
    ['3B9ACA0F', ['3B9ACA0F', '3b9aca0f', '1000000015']],
    ['msg-42', ['msg-42']],
  ])('%s may also appear as %j', (id, variants) => {
    expect(messageIdVariants(id)).toEqual(expect.arrayContaining(variants))
  })
})
