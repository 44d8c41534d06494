/**
 * ivr-steps.ts - the IVR steps of SPEC section 10, played over the gateway's dial-in simulation
 * (SPEC section 6, JSON over HTTP): `call: { from, to? }` dials in (`POST /ivr/calls`),
 * `dtmf: { digits }` presses keys on the current call, `silence: {}` lets a question time out,
 * `hangup: {}` hangs up (`DELETE`), and `expect_prompt: { contains? | matches? }` and
 * `expect_ended: { outcome? }` check the last answer.
 *
 * One call is current per script: a second `call` replaces it without hanging it up (a script
 * may want two callers at once), and every call still live when the script ends is hung up
 * then, so a script run against a shared gateway leaves no line busy. Each request carries the
 * `step` of the answer it answers, which makes it retry-safe and lets the gateway refuse a key
 * press meant for an older question. Digits are strings (YAML reads `0012` as 12) and never
 * repeated in a failure message (they may be a PIN); prompts are (the gateway never speaks one).
 */
import type { ScriptContext } from './context.js'
import { interpolate, StepFailure } from './context.js'
import type { StepHandler } from './http-steps.js'
import { record, requireString, textExpectation } from './step-args.js'

export const ivrStepLimits = {
  /**
   * How long one request may take. The gateway answers within its own deadline (10 s by
   * default, then "the answer comes by SMS"); half as much again leaves room for a loaded CI
   * machine without hanging a script on a gateway that never answers.
   */
  requestTimeoutMs: 15_000,
  /**
   * Characters of the prompts quoted in a failure message: a question with its re-prompt is a few
   * hundred.
   */
  quotedPromptCharsMax: 400,
} as const

/** One answer of the simulation, as SPEC section 6 gives it (the fields the steps use). */
export interface IvrAnswer {
  readonly callId: string
  readonly step: number
  readonly prompts: readonly string[]
  /** Whether the gateway waits for keys; false once the call ended. */
  readonly gathering: boolean
  readonly ended: boolean
  /** How the call ended (completed, failed_input, hangup...), null while it goes on. */
  readonly outcome: string | null
}

/** What the IVR steps keep in context.channelState between steps. */
interface IvrState {
  /** The call `dtmf`, `silence`, `hangup` and the expectations act on. */
  current: IvrAnswer | null
  /** The latest answer of every call of the script, to hang up the live ones at the end. */
  readonly calls: Map<string, IvrAnswer>
}

const stateKey = 'ivr'

function stateOf(context: ScriptContext): IvrState {
  const existing = context.channelState.get(stateKey) as IvrState | undefined
  if (existing !== undefined) return existing
  const fresh: IvrState = { current: null, calls: new Map() }
  context.channelState.set(stateKey, fresh)
  context.cleanups.push(() => hangUpLive(context, fresh))
  return fresh
}

async function hangUpLive(context: ScriptContext, state: IvrState): Promise<void> {
  for (const answer of state.calls.values()) {
    if (answer.ended) continue
    await fetch(new URL(`/ivr/calls/${encodeURIComponent(answer.callId)}`, context.target), {
      method: 'DELETE',
      signal: AbortSignal.timeout(ivrStepLimits.requestTimeoutMs),
    })
      .then((response) => response.text())
      .catch(() => undefined)
  }
}

function quote(text: string): string {
  const cut =
    text.length > ivrStepLimits.quotedPromptCharsMax
      ? `${text.slice(0, ivrStepLimits.quotedPromptCharsMax)}...`
      : text
  return JSON.stringify(cut)
}

/** The prompts of an answer as one text, the way a caller hears them one after the other. */
export function spokenText(answer: IvrAnswer): string {
  return answer.prompts.join(' ')
}

/** Reads the simulation's answer; null when it is not one (the caller names what came). */
function parseAnswer(json: unknown): IvrAnswer | null {
  if (typeof json !== 'object' || json === null) return null
  const body = json as Record<string, unknown>
  const { callId, step, prompts, ended, outcome, gather } = body
  if (typeof callId !== 'string' || typeof step !== 'number' || typeof ended !== 'boolean')
    return null
  if (
    !Array.isArray(prompts) ||
    !prompts.every((prompt): prompt is string => typeof prompt === 'string')
  )
    return null
  return {
    callId,
    step,
    prompts,
    gathering: typeof gather === 'object' && gather !== null,
    ended,
    outcome: typeof outcome === 'string' ? outcome : null,
  }
}

/**
 * One simulation request; the answer, or a failure naming the status and body that came instead.
 */
async function request(
  context: ScriptContext,
  step: string,
  method: 'POST' | 'DELETE',
  path: string,
  what: string,
  body?: unknown,
): Promise<IvrAnswer> {
  let response: Response
  let text: string
  try {
    response = await fetch(new URL(path, context.target), {
      method,
      ...(body === undefined
        ? {}
        : { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }),
      signal: AbortSignal.timeout(ivrStepLimits.requestTimeoutMs),
    })
    text = await response.text()
  } catch (error) {
    throw new StepFailure(
      `${step}: ${method} ${path} (${what}) got no answer: ` +
        `${error instanceof Error ? error.message : String(error)}`,
    )
  }
  if (response.status !== 200 && response.status !== 201)
    throw new StepFailure(
      `${step}: ${method} ${path} (${what}) answered ${response.status}: ${quote(text)}`,
    )
  let json: unknown = null
  try {
    json = JSON.parse(text)
  } catch {
    json = null
  }
  const answer = parseAnswer(json)
  if (answer === null)
    throw new StepFailure(
      `${step}: ${method} ${path} (${what}) answered ${response.status} ${quote(text)}, ` +
        `which is not an IVR answer`,
    )
  return answer
}

/** The current call, live; a failure naming why there is none to act on. */
function liveCall(context: ScriptContext, step: string): IvrAnswer {
  const current = stateOf(context).current
  if (current === null)
    throw new StepFailure(
      `${step}: no call before it: start one with call: { from: "8613800138000" }`,
    )
  if (current.ended) {
    throw new StepFailure(
      `${step}: the call is over (${current.outcome ?? 'ended'}): its last prompts were ` +
        `${quote(spokenText(current))}; call again to go on`,
    )
  }
  return current
}

function keep(context: ScriptContext, answer: IvrAnswer): void {
  const state = stateOf(context)
  state.current = answer
  state.calls.set(answer.callId, answer)
}

function callPath(answer: IvrAnswer, suffix = ''): string {
  return `/ivr/calls/${encodeURIComponent(answer.callId)}${suffix}`
}

const call: StepHandler = async (rawArgs, context) => {
  const args = record(interpolate(rawArgs ?? {}, context.vars), 'call')
  const from = requireString(args, 'from', 'call')
  const to = args['to'] === undefined ? undefined : requireString(args, 'to', 'call')
  stateOf(context)
  const answer = await request(
    context,
    'call',
    'POST',
    '/ivr/calls',
    `from ${from}${to === undefined ? '' : ` to ${to}`}`,
    to === undefined ? { from } : { from, to },
  )
  keep(context, answer)
}

const dtmf: StepHandler = async (rawArgs, context) => {
  const args = record(interpolate(rawArgs, context.vars), 'dtmf')
  const digits = args['digits']
  if (typeof digits !== 'string') {
    throw new StepFailure(
      `dtmf: digits must be a quoted string: YAML read this one as a ` +
        `${digits === undefined ? 'missing value' : typeof digits} (0012 becomes 12); ` +
        `write it in quotes, e.g. digits: "1234#"`,
    )
  }
  if (!/^[0-9*#]+$/.test(digits))
    throw new StepFailure(
      `dtmf: digits are keys of a phone: 0-9, * and # (${digits.length} characters given)`,
    )
  const current = liveCall(context, 'dtmf')
  keep(
    context,
    await request(
      context,
      'dtmf',
      'POST',
      callPath(current, '/digits'),
      `${digits.length} keys at step ${current.step}`,
      { digits, step: current.step },
    ),
  )
}

const silence: StepHandler = async (_rawArgs, context) => {
  const current = liveCall(context, 'silence')
  keep(
    context,
    await request(
      context,
      'silence',
      'POST',
      callPath(current, '/silence'),
      `at step ${current.step}`,
      { step: current.step },
    ),
  )
}

const hangup: StepHandler = async (_rawArgs, context) => {
  const current = liveCall(context, 'hangup')
  keep(
    context,
    await request(context, 'hangup', 'DELETE', callPath(current), `at step ${current.step}`),
  )
}

function lastAnswer(context: ScriptContext, step: string): IvrAnswer {
  const current = stateOf(context).current
  if (current === null)
    throw new StepFailure(`${step}: no IVR answer before it (start a call with call: { from })`)
  return current
}

const expectPrompt: StepHandler = async (rawArgs, context) => {
  const args = record(interpolate(rawArgs ?? {}, context.vars), 'expect_prompt')
  const expectation = textExpectation(args, 'expect_prompt')
  const last = lastAnswer(context, 'expect_prompt')
  const spoken = spokenText(last)
  if (!expectation.test(spoken)) {
    throw new StepFailure(
      `expect_prompt: the call's last prompts were ${quote(spoken)}, ` +
        `expected prompts ${expectation.describe}`,
    )
  }
  return Promise.resolve()
}

const expectEnded: StepHandler = async (rawArgs, context) => {
  const args = record(interpolate(rawArgs ?? {}, context.vars), 'expect_ended')
  const outcome =
    args['outcome'] === undefined ? null : requireString(args, 'outcome', 'expect_ended')
  const last = lastAnswer(context, 'expect_ended')
  if (!last.ended) {
    throw new StepFailure(
      `expect_ended: the call is still live ` +
        `(${last.gathering ? 'waiting for keys' : 'not waiting for keys'}) ` +
        `after the prompts ${quote(spokenText(last))}`,
    )
  }
  if (outcome !== null && last.outcome !== outcome) {
    throw new StepFailure(
      `expect_ended: the call ended with outcome ${last.outcome ?? 'none'}, expected ${outcome}`,
    )
  }
  return Promise.resolve()
}

export const ivrSteps: Readonly<Record<string, StepHandler>> = {
  call,
  dtmf,
  silence,
  hangup,
  expect_prompt: expectPrompt,
  expect_ended: expectEnded,
}
