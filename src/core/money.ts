/**
 * money.ts - amounts are bigint counts of the minor unit (fen); parsing and formatting live here
 * so that no float ever touches money. Exports parseAmount, formatAmount, basisPointsOf.
 */
import type { Reason } from './reasons.js'

/** Minor units per major unit: CNY has two decimals. */
export const minorPerMajor = 100n

export type AmountParse =
  | { readonly ok: true; readonly minor: bigint }
  | { readonly ok: false; readonly reason: Reason }

// Digits, optionally a point and one or two decimals. A leading sign is matched so that it can
// be refused with its own reason instead of "not a number".
const amountPattern = /^([+-]?)(\d{1,15})(?:\.(\d*))?$/

/**
 * Parses "25", "25.5" or "25.50" into fen. Refuses negative, zero, non-numeric and
 * three-decimal amounts with a reason a user can act on.
 */
export function parseAmount(text: string): AmountParse {
  const match = amountPattern.exec(text.trim())
  if (match === null) return { ok: false, reason: 'amount_invalid' }
  const [, sign = '', whole = '0', fraction] = match
  if (fraction !== undefined && fraction.length > 2)
    return { ok: false, reason: 'amount_too_precise' }
  if (fraction !== undefined && fraction.length === 0)
    return { ok: false, reason: 'amount_invalid' }
  const fen = BigInt(whole) * minorPerMajor + BigInt((fraction ?? '').padEnd(2, '0'))
  if (sign === '-' || fen === 0n) return { ok: false, reason: 'amount_not_positive' }
  return { ok: true, minor: fen }
}

/** Formats fen as "25.00" (or "-3.50"), the form every channel and the merchant API show. */
export function formatAmount(minor: bigint): string {
  const negative = minor < 0n
  const magnitude = negative ? -minor : minor
  const whole = magnitude / minorPerMajor
  const fraction = (magnitude % minorPerMajor).toString().padStart(2, '0')
  return `${negative ? '-' : ''}${whole.toString()}.${fraction}`
}

/** Share of an amount in basis points, rounded half up to the fen. */
export function basisPointsOf(minor: bigint, basisPoints: bigint): bigint {
  return (minor * basisPoints + 5_000n) / 10_000n
}
