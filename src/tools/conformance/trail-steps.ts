/**
 * trail-steps.ts - the conformance step `expect_trail` (SPEC section 10: the nine-step record of
 * the last payment, or of `payment:`): reads `GET /admin/api/payments/<id | last>/trail` with the
 * admin token and checks the steps recorded, in order (trail-expectation.ts), and whether the
 * trail is complete (steps 1-8 recorded, in the gateway's own `complete`). A payment may still be
 * on its way when the step runs (an MO not yet handled, a bank not yet answered), so the trail is
 * read again until it matches, for 5 s as expect_sms waits; then the step fails with what was
 * recorded last. A refused token or a failing gateway fails it at once. Exports
 * trailConformanceSteps and expectTrailWithin.
 */
import { setTimeout as sleep } from 'node:timers/promises'
import { isCompleteTrail } from '../../core/index.js'
import type { TrailAnswer } from '../cli/trail-answer.js'
import { readTrailAnswer } from '../cli/trail-answer.js'
import type { ScriptContext } from './context.js'
import { interpolate, StepFailure } from './context.js'
import type { StepHandler } from './http-steps.js'
import { httpCall } from './http-steps.js'
import { record } from './step-args.js'
import type { ExpectedStep } from './trail-expectation.js'
import { readExpectedSteps, trailMismatch } from './trail-expectation.js'

/** How long the step reads the trail again before it fails: as long as expect_sms waits. */
const trailWaitMs = 5_000
const trailReadEveryMs = 100

/** The trail, or null while the payment is not there yet; a failure for any other answer. */
async function readTrail(context: ScriptContext, payment: string): Promise<TrailAnswer | null> {
  const path = `/admin/api/payments/${encodeURIComponent(payment)}/trail`
  const answer = await httpCall(context, 'GET', path, {
    authorization: `Bearer ${context.adminToken}`,
  })
  const error = (answer.json as { error?: unknown } | null)?.error
  if (answer.status === 404 && error === 'payment_not_found') return null
  if (answer.status !== 200)
    throw new StepFailure(
      `expect_trail: GET ${path} answered ${answer.status}: ${answer.text.slice(0, 300)}`,
    )
  const trail = readTrailAnswer(answer.json)
  if (typeof trail === 'string')
    throw new StepFailure(`expect_trail: GET ${path}: the answer is not a trail: ${trail}`)
  return trail
}

function missingOf(trail: TrailAnswer): number[] {
  return [1, 2, 3, 4, 5, 6, 7, 8].filter((code) => !trail.steps.some((s) => s.code === code))
}

/** What is wrong with the trail ("the trail of P000123 does not match: ..."); null: nothing. */
function trailFailure(
  trail: TrailAnswer,
  steps: readonly ExpectedStep[] | null,
  complete: boolean | null,
): string | null {
  const mismatch = steps === null ? null : trailMismatch(steps, trail.steps)
  const of = `the trail of ${trail.payment.id}`
  if (mismatch !== null) return `${of} does not match: ${mismatch}`
  if (complete === null) return null
  const actual = trail.complete ?? isCompleteTrail(trail.steps)
  if (actual === complete) return null
  const missing = missingOf(trail)
  return (
    `${of} is ${actual ? '' : 'not '}complete ` +
    `(${missing.length === 0 ? 'steps 1-8 all recorded' : `missing ${missing.join(', ')}`}), ` +
    `expected ${complete ? '' : 'not '}complete`
  )
}

/** The step, reading the trail again for `waitMs` before it fails (tests wait less). */
export function expectTrailWithin(waitMs: number): StepHandler {
  return async (rawArgs, context) => {
    const args = record(interpolate(rawArgs, context.vars), 'expect_trail')
    const payment = typeof args['payment'] === 'string' ? args['payment'] : 'last'
    const expected = args['steps'] === undefined ? null : readExpectedSteps(args['steps'])
    // Validation refused the script before it ran; this is for a handler called on its own.
    if (expected !== null && expected.problems.length > 0)
      throw new StepFailure(`expect_trail: ${expected.problems.join('; ')}`)
    const complete = typeof args['complete'] === 'boolean' ? args['complete'] : null
    const deadlineMs = Date.now() + waitMs
    for (;;) {
      const trail = await readTrail(context, payment)
      const failure =
        trail === null
          ? `no payment ${payment === 'last' ? 'yet' : payment}`
          : trailFailure(trail, expected?.steps ?? null, complete)
      if (failure === null) return
      if (Date.now() >= deadlineMs) throw new StepFailure(`expect_trail: ${failure}`)
      await sleep(trailReadEveryMs)
    }
  }
}

export const trailConformanceSteps: Readonly<Record<string, StepHandler>> = {
  expect_trail: expectTrailWithin(trailWaitMs),
}
