/**
 * trail-codec.ts - a payment's nine-step trail as the text of its row's `trail` column. The
 * trail rides on the payment row, which every state change rewrites anyway, so recording it costs
 * no row and no index of its own and is always in the same transaction as the change.
 *
 * Compact because every payment carries eight or more steps: a step is its code, `s` when
 * skipped, `+<ms>` after the payment's creation when not at once, `@<actor>` when not the usual
 * party and `:<words>` when not the usual words (src/core/trail-words.ts), steps joined by `|`:
 * a wallet payment's usual trail is `1|2|5s|6|3|4|7|8` (16 bytes where its words take ~500).
 * `%`, `|`, `@`, `:` and `+` inside an actor or words are escaped as %XX. Exports encodeTrail and
 * decodeTrail.
 */
import type { Payment, TrailStep } from '../core/index.js'
import { isTrailCode, usualActor, usualWords } from '../core/index.js'

function escapeField(text: string): string {
  return text.replace(/[%|@:+]/g, (char) => `%${char.charCodeAt(0).toString(16).toUpperCase()}`)
}

function unescapeField(text: string): string {
  return text.replace(/%([0-9A-F]{2})/g, (_, hex: string) =>
    String.fromCharCode(Number.parseInt(hex, 16)),
  )
}

/** The column's text for `payment`'s trail, saying only what its own fields do not. */
export function encodeTrail(payment: Payment): string {
  const trail = payment.trail
  let text = ''
  for (let index = 0; index < trail.length; index += 1) {
    const entry = trail[index] as TrailStep
    let part = `${entry.code}${entry.status === 'skipped' ? 's' : ''}`
    const afterMs = entry.atMs - payment.createdMs
    if (afterMs !== 0) part += `+${afterMs}`
    if (entry.actor !== usualActor(entry.code, payment)) part += `@${escapeField(entry.actor)}`
    const words = usualWords(entry.code, entry.status, payment, trail.slice(0, index))
    if (entry.detail !== words) part += `:${escapeField(entry.detail)}`
    text += index === 0 ? part : `|${part}`
  }
  return text
}

const stepPattern = /^([0-9]|[a-z]+?)(s?)(?:\+(-?[0-9]+))?(?:@([^:]*))?(?::(.*))?$/

/**
 * The trail of a row; `payment` is the row's payment without its trail. A row written before
 * trails were kept (migration 10) has none.
 */
export function decodeTrail(text: string | null, payment: Payment): TrailStep[] {
  if (text === null || text === '') return []
  const trail: TrailStep[] = []
  for (const part of text.split('|')) {
    const match = stepPattern.exec(part)
    const code =
      match?.[1] === undefined ? undefined : /^[0-9]$/.test(match[1]) ? Number(match[1]) : match[1]
    if (match === null || !isTrailCode(code))
      throw new Error(`payment ${payment.id} has a malformed trail step: ${part}`)
    const status = match[2] === 's' ? 'skipped' : 'done'
    const actor = match[4] === undefined ? usualActor(code, payment) : unescapeField(match[4])
    const words =
      match[5] === undefined ? usualWords(code, status, payment, trail) : unescapeField(match[5])
    if (actor === null || words === null)
      throw new Error(`payment ${payment.id} has a trail step without its actor or words: ${part}`)
    trail.push({
      code,
      status,
      atMs: payment.createdMs + Number(match[3] ?? 0),
      actor,
      detail: words,
    })
  }
  return trail
}
