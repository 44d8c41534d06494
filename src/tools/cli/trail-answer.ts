/**
 * trail-answer.ts - the answer of the trail endpoints (`GET /admin/api/payments/:id/trail` and the
 * merchant's `GET /api/v1/payment-requests/:id/trail`) as the tools read it: the payment in brief,
 * the operating model, whether the gateway counts steps 1-8 as recorded, and the steps in the
 * order they were recorded. It comes over the wire, so it is read defensively: a wrong shape is a
 * sentence saying what is wrong, never a crash later in the drawing or the matching. A step's
 * name and columns fall back to the core's table when the answer leaves them out. Exports
 * TrailAnswer, TrailAnswerStep, TrailPaymentBrief and readTrailAnswer.
 */
import type { TrailCode, TrailRole, TrailStatus } from '../../core/index.js'
import { isTrailCode, trailRoles, trailSteps } from '../../core/index.js'

export interface TrailAnswerStep {
  readonly code: TrailCode
  readonly name: string
  readonly status: TrailStatus
  readonly atMs: number
  readonly from: TrailRole
  readonly to: TrailRole
  readonly actor: string
  readonly detail: string
}

/** What the header of a trail shows of its payment; null where the answer has no such field. */
export interface TrailPaymentBrief {
  readonly id: string
  readonly state: string | null
  readonly kind: string | null
  readonly channel: string | null
  readonly initiator: string | null
  readonly payer: string | null
  readonly merchant: string | null
  readonly amount: string | null
  readonly funding: string | null
}

export interface TrailAnswer {
  readonly payment: TrailPaymentBrief
  readonly model: string | null
  /** The gateway's own verdict on steps 1-8; null when the answer does not say. */
  readonly complete: boolean | null
  readonly steps: readonly TrailAnswerStep[]
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

function textOrNull(value: unknown): string | null {
  return typeof value === 'string' && value !== '' ? value : null
}

function roleOr(value: unknown, fallback: TrailRole): TrailRole {
  return trailRoles.find((role) => role === value) ?? fallback
}

/** One step of the answer, or what is wrong with it. */
function readStep(raw: unknown, index: number): TrailAnswerStep | string {
  const where = `steps[${index}]`
  if (!isRecord(raw)) return `${where} is not an object`
  const code = raw['step']
  if (!isTrailCode(code))
    return `${where}.step is ${JSON.stringify(code) ?? 'missing'}, not 1-9 or a branch name`
  const status = raw['status']
  if (status !== 'done' && status !== 'skipped')
    return `${where}.status is ${JSON.stringify(status) ?? 'missing'}, not "done" or "skipped"`
  const atMs =
    typeof raw['atMs'] === 'number' ? raw['atMs'] : Date.parse(String(raw['at'] ?? 'missing'))
  if (!Number.isFinite(atMs)) return `${where} has no time (atMs or at)`
  const info = trailSteps[code]
  return {
    code,
    name: textOrNull(raw['name']) ?? info.name,
    status,
    atMs,
    from: roleOr(raw['from'], info.from),
    to: roleOr(raw['to'], info.to),
    actor: typeof raw['actor'] === 'string' ? raw['actor'] : '',
    detail: typeof raw['detail'] === 'string' ? raw['detail'] : '',
  }
}

/** The answer read, or a sentence saying why it is not a trail. */
export function readTrailAnswer(json: unknown): TrailAnswer | string {
  if (!isRecord(json)) return 'the answer is not a JSON object'
  const payment = json['payment']
  if (!isRecord(payment) || textOrNull(payment['id']) === null)
    return 'the answer has no payment with an id'
  if (!Array.isArray(json['steps'])) return 'the answer has no list of steps'
  const steps: TrailAnswerStep[] = []
  for (const [index, raw] of json['steps'].entries()) {
    const step = readStep(raw, index)
    if (typeof step === 'string') return step
    steps.push(step)
  }
  const field = (name: string): string | null => textOrNull(payment[name])
  return {
    payment: {
      id: String(payment['id']),
      state: field('state'),
      kind: field('kind'),
      channel: field('channel'),
      initiator: field('initiator'),
      payer: field('payer'),
      merchant: field('merchant'),
      amount: field('amount'),
      funding: field('funding'),
    },
    model: textOrNull(json['model']),
    complete: typeof json['complete'] === 'boolean' ? json['complete'] : null,
    steps,
  }
}
