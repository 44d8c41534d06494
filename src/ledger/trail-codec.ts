/**
 * trail-codec.ts - a payment's nine-step trail as the text of its row's `trail` column. The
 * trail rides on the payment row, which every state change rewrites anyway, so recording it costs
 * no row and no index of its own and is always in the same transaction as the change.
 *
 * Compact on purpose (every payment carries eight or more steps): a JSON array of
 * [code, skipped 0|1, ms after the payment was created, actor, detail], the actor "" when it is
 * the role's usual party (the payer for the consumer, the merchant's code for the merchant, the
 * platform), which it is for most steps. Exports encodeTrail and decodeTrail.
 */
import type { TrailCode, TrailRole, TrailStep } from '../core/index.js'
import { isTrailCode, trailSteps } from '../core/index.js'

type StoredStep = [code: TrailCode, skipped: 0 | 1, afterMs: number, actor: string, detail: string]

/** Whom a role stands for when a step names no one else. */
interface TrailParties {
  readonly payerMsisdn: string
  readonly merchantCode: string | null
  readonly createdMs: number
}

function usualActor(role: TrailRole, parties: TrailParties): string {
  if (role === 'consumer') return parties.payerMsisdn
  if (role === 'merchant') return parties.merchantCode ?? 'platform'
  return 'platform'
}

export function encodeTrail(trail: readonly TrailStep[], parties: TrailParties): string {
  if (trail.length === 0) return ''
  const stored: StoredStep[] = trail.map((entry) => [
    entry.code,
    entry.status === 'skipped' ? 1 : 0,
    entry.atMs - parties.createdMs,
    entry.actor === usualActor(trailSteps[entry.code].from, parties) ? '' : entry.actor,
    entry.detail,
  ])
  return JSON.stringify(stored)
}

/** The trail of a row; a row written before trails were kept (migration 10) has none. */
export function decodeTrail(text: string | null, parties: TrailParties): TrailStep[] {
  if (text === null || text === '') return []
  const stored = JSON.parse(text) as unknown
  if (!Array.isArray(stored)) throw new Error('a payment trail is not an array')
  return stored.map((item: unknown) => {
    if (!Array.isArray(item) || item.length !== 5 || !isTrailCode(item[0]))
      throw new Error(`a payment trail holds a malformed step: ${JSON.stringify(item)}`)
    const [code, skippedFlag, afterMs, actor, detail] = item as StoredStep
    return {
      code,
      status: skippedFlag === 1 ? 'skipped' : 'done',
      atMs: parties.createdMs + afterMs,
      actor: actor === '' ? usualActor(trailSteps[code].from, parties) : actor,
      detail,
    }
  })
}
