/**
 * trail-codec.ts - a payment's nine-step trail as the text of its row's `trail` column. The
 * trail rides on the payment row, which every state change rewrites anyway, so recording it costs
 * no row and no index of its own and is always in the same transaction as the change.
 *
 * Compact because every payment carries eight or more steps: a step is its code, `s` when
 * skipped, `+<ms>` after the payment's creation when not at once, `@<actor>` when it names one
 * and `:<words>` when it has its own words (a usual step has neither: src/core/trail-words.ts
 * makes them out when shown), steps joined by `|`: a wallet payment's usual trail is
 * `1|2|5s|6|3|4|7|8`. `%`, `|`, `@`, `:` and `+` inside an actor or words are escaped as %XX.
 * Exports encodeTrail and decodeTrail.
 */
import type { Payment, TrailCode, TrailStep } from '../core/index.js'
import { isTrailCode } from '../core/index.js'

function escapeField(text: string): string {
  return text.replace(/[%|@:+]/g, (char) => `%${char.charCodeAt(0).toString(16).toUpperCase()}`)
}

function unescapeField(text: string): string {
  return text.replace(/%([0-9A-F]{2})/g, (_, hex: string) =>
    String.fromCharCode(Number.parseInt(hex, 16)),
  )
}

/** The column's text for `payment`'s trail. */
export function encodeTrail(payment: Payment): string {
  const trail = payment.trail
  let text = ''
  for (let index = 0; index < trail.length; index += 1) {
    const entry = trail[index] as TrailStep
    let part = entry.status === 'skipped' ? `${entry.code}s` : `${entry.code}`
    const afterMs = entry.atMs - payment.createdMs
    if (afterMs !== 0) part += `+${afterMs}`
    if (entry.actor !== null) part += `@${escapeField(entry.actor)}`
    if (entry.detail !== null) part += `:${escapeField(entry.detail)}`
    text += index === 0 ? part : `|${part}`
  }
  return text
}

const stepPattern = /^([0-9]|[a-z]+?)(s?)(?:\+(-?[0-9]+))?(?:@([^:]*))?(?::(.*))?$/

function codeOf(text: string | undefined): TrailCode | null {
  if (text === undefined) return null
  const code = /^[0-9]$/.test(text) ? Number(text) : text
  return isTrailCode(code) ? code : null
}

/**
 * The trail of the row of payment `paymentId`, created at `createdMs`. A row written before
 * trails were kept (migration 10) has none.
 */
export function decodeTrail(
  text: string | null,
  paymentId: string,
  createdMs: number,
): TrailStep[] {
  if (text === null || text === '') return []
  return text.split('|').map((part) => {
    const match = stepPattern.exec(part)
    const code = codeOf(match?.[1])
    if (match === null || code === null)
      throw new Error(`payment ${paymentId} has a malformed trail step: ${part}`)
    return {
      code,
      status: match[2] === 's' ? 'skipped' : 'done',
      atMs: createdMs + Number(match[3] ?? 0),
      actor: match[4] === undefined ? null : unescapeField(match[4]),
      detail: match[5] === undefined ? null : unescapeField(match[5]),
    }
  })
}
