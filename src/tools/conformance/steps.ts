/**
 * steps.ts - every step kind the runner knows. Channels add theirs here as they arrive (SMS,
 * USSD, IVR, WAP); a step kind of the SPEC that no channel provides yet fails its script with a
 * message saying so, never passes silently.
 */
import assert from 'node:assert/strict'
import type { StepHandler } from './http-steps.js'
import { httpSteps } from './http-steps.js'
import { ivrSteps } from './ivr-steps.js'
import { onsiteSteps } from './onsite-steps.js'
import { posSteps } from './pos-steps.js'
import { smsSteps } from './sms-steps.js'
import { stepSchemas } from './step-schemas.js'
import { trailConformanceSteps } from './trail-steps.js'
import { ussdSteps } from './ussd-steps.js'
import { wapSteps } from './wap-steps.js'

export const stepHandlers: Readonly<Record<string, StepHandler>> = {
  ...httpSteps,
  ...trailConformanceSteps,
  ...smsSteps,
  ...ussdSteps,
  ...ivrSteps,
  ...wapSteps,
  ...onsiteSteps,
  ...posSteps,
}

// A script is validated against the schemas before it runs: each kind needs both, or a valid script
// could not run.
assert.deepEqual(
  Object.keys(stepHandlers).sort(),
  Object.keys(stepSchemas).sort(),
  'every step kind has a handler and a schema (step-schemas.ts)',
)

/** Step kinds of SPEC section 10 whose channel is not built yet. */
export const plannedSteps: Readonly<Record<string, string>> = {}

export type { StepHandler }
