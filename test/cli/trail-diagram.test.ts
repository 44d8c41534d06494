/**
 * trail-diagram.test.ts - the trail as `telepay trail` draws it, from the endpoint's JSON to the
 * lines: one realistic trail a row of the table (wallet by SMS, a card with the bank's steps, a
 * phone-bill micro-payment that skips steps, declined, failed, expired, refunded, delivered), each
 * against its drawing under fixtures/trails; then what every drawing keeps (100 columns, ASCII,
 * colour only when asked), text from the wire that cannot drive the terminal, times after the
 * first step and in a zone, and the reading of answers that are not a trail.
 */
import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import type { TrailAnswer } from '../../src/tools/cli/trail-answer.js'
import { readTrailAnswer } from '../../src/tools/cli/trail-answer.js'
import type { TrailDiagramOptions } from '../../src/tools/cli/trail-diagram.js'
import { renderTrailDiagram } from '../../src/tools/cli/trail-diagram.js'
import {
  bankTimeout,
  cardWithBank,
  declinedByBank,
  deliveredByMerchant,
  expiredByUssd,
  phoneBillMicro,
  refundedNextDay,
  trailJson,
  walletBySms,
} from '../support/trails.js'

const plain: TrailDiagramOptions = { colour: false, relative: false, utcOffsetMinutes: 0 }

function answerOf(json: unknown): TrailAnswer {
  const answer = readTrailAnswer(json)
  if (typeof answer === 'string') throw new Error(answer)
  return answer
}

function draw(json: unknown, options: Partial<TrailDiagramOptions> = {}): string[] {
  return renderTrailDiagram(answerOf(json), { ...plain, ...options })
}

const table = [
  ['wallet-by-sms', walletBySms],
  ['card-with-bank', cardWithBank],
  ['phone-bill-micro', phoneBillMicro],
  ['declined-by-bank', declinedByBank],
  ['bank-timeout', bankTimeout],
  ['expired-by-ussd', expiredByUssd],
  ['refunded-next-day', refundedNextDay],
  ['delivered-by-merchant', deliveredByMerchant],
] as const

describe('drawing a trail as a sequence diagram', () => {
  it.each(table)('draws %s as fixtures/trails has it', (name, json) => {
    const drawing = readFileSync(`fixtures/trails/${name}.txt`, 'utf8')
    expect(`${draw(json).join('\n')}\n`).toBe(drawing)
  })

  it('keeps every line within 100 columns and plain ASCII, whatever the trail', () => {
    for (const [name, json] of table) {
      for (const options of [plain, { ...plain, relative: true }]) {
        const lines = draw(json, options)
        expect({ name, wide: lines.filter((line) => line.length > 100) }).toEqual({
          name,
          wide: [],
        })
        expect({ name, ascii: lines.every((line) => /^[\x20-\x7e]*$/.test(line)) }).toEqual({
          name,
          ascii: true,
        })
      }
    }
  })

  it('draws a step arrow by arrow: solid when done, dashed when skipped, = for a branch', () => {
    const card = draw(cardWithBank)
    expect(card).toContain(
      '10:00:18.431      |           |           |---------->|   3 authentication request',
    )
    expect(card).toContain(
      '10:00:18.902      |           |           |<----------|   4 authentication result',
    )
    const micro = draw(phoneBillMicro)
    expect(micro).toContain(
      '10:00:00.005      |< - - - - -+- - - - - -|           |   5 authorization request',
    )
    expect(micro.join('\n')).toContain('skipped: phone bill: the operator carries')
    expect(draw(declinedByBank)).toContain(
      '10:00:30.401      |<==========+===========|           |   ! declined',
    )
  })

  it('says in the footer whether steps 1-8 are all recorded and whether 9 is', () => {
    const footer = (json: unknown): string[] => draw(json).slice(-2)
    expect(footer(phoneBillMicro)).toEqual([
      'steps 1-8: all recorded (3, 4, 5, 6 skipped)',
      'step 9 (delivery): not recorded',
    ])
    expect(footer(expiredByUssd)).toEqual([
      'steps 1-8: 3 of 8 recorded, missing 3, 4, 6, 7, 8; the payment ended: expired',
      'step 9 (delivery): not recorded',
    ])
    expect(footer(deliveredByMerchant)[1]).toBe('step 9 (delivery): recorded at 12:00:00.000')
    // The footer counts what is drawn; a gateway that counts otherwise is named beside it.
    const disagreeing = { ...declinedByBank, complete: true }
    expect(footer(disagreeing)[0]).toBe(
      'steps 1-8: 6 of 8 recorded, missing 7, 8; the payment ended: declined ' +
        '(the gateway says complete)',
    )
  })

  it('shows times after the first step on request, and the clock in the zone given', () => {
    const relative = draw(refundedNextDay, { relative: true })
    expect(relative[2]).toBe('times after the first step, at 2026-12-06 10:00:00.000 UTC')
    expect(relative.filter((line) => /^\+/.test(line)).map((line) => line.slice(0, 12))).toEqual(
      [
        '+0 ms',
        '+4 ms',
        '+9 ms',
        '+41250 ms',
        '+41262 ms',
        '+41262 ms',
        '+41270 ms',
        '+41271 ms',
        '+1d 00:00:05',
      ].map((time) => time.padEnd(12)),
    )
    // Beijing: the same payment at 18:00, the refund the next day at 18:00:05.
    const beijing = draw(refundedNextDay, { utcOffsetMinutes: 480 })
    expect(beijing[2]).toBe('times UTC+08:00, from 2026-12-06')
    expect(beijing.filter((line) => /^\d/.test(line)).slice(-2)).toEqual([
      '2026-12-07        |           |           |           |',
      '18:00:05.000      |<==========|           |           |   ! refund',
    ])
  })

  it('paints only when asked: branches red, a refund yellow, a skipped step grey', () => {
    for (const [, json] of table) expect(draw(json).join('\n')).not.toContain('\u001b')
    const red = '\u001b[31m'
    const dim = '\u001b[2m'
    const reset = '\u001b[0m'
    expect(draw(declinedByBank, { colour: true })).toContain(
      `10:00:30.401      |${red}<==========+===========${reset}|           |   ` +
        `${red}! declined${reset}`,
    )
    expect(draw(walletBySms, { colour: true })).toContain(
      `10:00:41.262      |           |           |${dim}- - - - - >${reset}|   ` +
        `${dim}3 authentication request${reset}`,
    )
    expect(draw(refundedNextDay, { colour: true }).join('\n')).toContain(
      '\u001b[33m! refund\u001b[0m',
    )
  })

  it('never lets text from the wire drive the terminal: control characters show as ?', () => {
    const evil = trailJson(walletBySms.payment, 'cooperative', false, [
      { ...walletBySms.steps[0]!, detail: 'PAY\u001b[2J\u001b]0;owned\u0007 1001\r\n25.00\u202e' },
    ])
    const lines = draw(evil)
    expect(lines.join('\n')).not.toMatch(/[\u0000-\u0009\u000b-\u001f]/)
    const lifelines = '                  |           |           |           |   '
    expect(lines).toContain(`${lifelines}8613800138000: PAY?[2J?]0;owned? 1001`)
    // A direction override would show what follows it reversed.
    expect(lines).toContain(`${lifelines}25.00?`)
  })

  it('draws a trail with no steps as such, and every step missing', () => {
    const lines = draw(trailJson(walletBySms.payment, 'cooperative', false, []))
    expect(lines).toContain(
      '                  |           |           |           |   (no steps recorded)',
    )
    expect(lines.at(-2)).toBe('steps 1-8: 0 of 8 recorded, missing 1, 2, 3, 4, 5, 6, 7, 8')
  })
})

describe('reading the answer of the trail endpoint', () => {
  it('takes name and columns from the core when the answer leaves them out', () => {
    const answer = answerOf({
      payment: { id: 'P1' },
      steps: [{ step: 3, status: 'done', at: '2026-12-06T10:00:00.000Z', actor: 'ICBC' }],
    })
    expect(answer.steps).toEqual([
      {
        code: 3,
        name: 'authentication request',
        status: 'done',
        atMs: Date.parse('2026-12-06T10:00:00.000Z'),
        from: 'platform',
        to: 'credit_institution',
        actor: 'ICBC',
        detail: '',
      },
    ])
    expect(answer.payment.amount).toBeNull()
    expect(answer.complete).toBeNull()
  })

  it('says what is wrong with an answer that is not a trail', () => {
    const step = { step: 1, status: 'done', atMs: 1 }
    expect(
      [
        [],
        { steps: [] },
        { payment: { id: 'P1' } },
        { payment: { id: 'P1' }, steps: [{ ...step, step: 10 }] },
        { payment: { id: 'P1' }, steps: [step, { ...step, status: 'pending' }] },
        { payment: { id: 'P1' }, steps: [{ step: 1, status: 'done' }] },
      ].map(readTrailAnswer),
    ).toEqual([
      'the answer is not a JSON object',
      'the answer has no payment with an id',
      'the answer has no list of steps',
      'steps[0].step is 10, not 1-9 or a branch name',
      'steps[1].status is "pending", not "done" or "skipped"',
      'steps[0] has no time (atMs or at)',
    ])
  })
})
