/**
 * day.ts - a settlement day named in a web request (?date=YYYY-MM-DD), read in the ledger's local
 * day (limits.dayOffsetMs), as the merchant API's and the admin API's settlements take it.
 */
import type { Limits } from '../../core/index.js'
import { dayStartMs } from '../../core/index.js'

/** A settlement day in local time (the ledger's day boundary), from ?date=YYYY-MM-DD. */
export function dayOfQuery(
  value: unknown,
  limits: Limits,
): { date: string; startMs: number; endMs: number } | null {
  if (typeof value !== 'string' || !/^\d{4}-\d{2}-\d{2}$/.test(value)) return null
  const utcMidnight = Date.parse(`${value}T00:00:00Z`)
  if (Number.isNaN(utcMidnight)) return null
  const startMs = dayStartMs(Math.floor(utcMidnight / 86_400_000), limits)
  return { date: value, startMs, endMs: startMs + 86_400_000 }
}
