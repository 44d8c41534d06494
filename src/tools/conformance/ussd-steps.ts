/**
 * ussd-steps.ts - the USSD steps of SPEC section 10, played over real HTTP as Africa's Talking
 * carries a session to `POST /ussd`: `ussd: { from, dial }` opens a session (a new sessionId,
 * serviceCode = the dial string, so a shortcut `*123*2*1001*25#` arrives whole, text ''),
 * `ussd: { from, input }` appends the input to the session's text with `*` and posts it again,
 * and `expect_ussd: { type: CON | END, contains? | matches?, from? }` checks the last answer -
 * of the last session that answered, or with `from` the last answer to that MSISDN.
 *
 * Sessions are kept per MSISDN: a second `dial` from one MSISDN replaces its session (the
 * gateway closes the older one too, one USSD session per subscriber), a `dial` from another
 * MSISDN opens a separate one. Inputs are strings: YAML reads `00` as the number 0, which
 * would silently turn "home" into "back", so a number is refused. An input is never repeated
 * in a failure message (it may be a PIN); answers are (the gateway never shows a PIN).
 */
import type { ScriptContext } from './context.js'
import { interpolate, StepFailure } from './context.js'
import type { StepHandler } from './http-steps.js'
import { record, requireString, textExpectation } from './step-args.js'

export const ussdStepLimits = {
  /**
   * How long one hop may take. The gateway answers within its own deadline (5 s by default,
   * then a polite END) as Africa's Talking requires (about 10 s); twice that leaves room for a
   * loaded CI machine without hanging a script on a gateway that never answers.
   */
  requestTimeoutMs: 10_000,
  /** Characters of an answer quoted in a failure message: a USSD page is at most 182. */
  quotedAnswerCharsMax: 300,
} as const

export type UssdAnswerType = 'CON' | 'END'

export interface UssdAnswer {
  readonly type: UssdAnswerType
  /** Without the `CON `/`END ` prefix. */
  readonly text: string
}

interface PhoneSession {
  readonly sessionId: string
  readonly serviceCode: string
  /** Inputs typed so far: AT's `text` is them joined by `*`. */
  readonly inputs: string[]
  last: UssdAnswer
}

/** What the USSD steps keep in context.channelState between steps. */
interface UssdState {
  /** Sessions opened so far in this script: numbers the next sessionId. */
  opened: number
  readonly sessions: Map<string, PhoneSession>
  /** The MSISDN whose session answered last. */
  lastFrom: string | null
}

const stateKey = 'ussd'
/** Africa's Talking passes the caller's network (MCC+MNC); 46000 is China Mobile. */
const networkCode = '46000'

function stateOf(context: ScriptContext): UssdState {
  const existing = context.channelState.get(stateKey) as UssdState | undefined
  if (existing !== undefined) return existing
  const fresh: UssdState = { opened: 0, sessions: new Map(), lastFrom: null }
  context.channelState.set(stateKey, fresh)
  return fresh
}

function quote(text: string): string {
  const cut =
    text.length > ussdStepLimits.quotedAnswerCharsMax
      ? `${text.slice(0, ussdStepLimits.quotedAnswerCharsMax)}...`
      : text
  return JSON.stringify(cut)
}

/** One Africa's Talking request; the answer, or a failure naming what came instead. */
async function post(
  context: ScriptContext,
  from: string,
  session: PhoneSession,
  what: string,
): Promise<UssdAnswer> {
  const form = new URLSearchParams({
    sessionId: session.sessionId,
    serviceCode: session.serviceCode,
    phoneNumber: from,
    networkCode,
    text: session.inputs.join('*'),
  })
  let response: Response
  let body: string
  try {
    response = await fetch(new URL('/ussd', context.target), {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: form.toString(),
      signal: AbortSignal.timeout(ussdStepLimits.requestTimeoutMs),
    })
    body = await response.text()
  } catch (error) {
    throw new StepFailure(
      `ussd: POST /ussd (${what}) got no answer: ` +
        `${error instanceof Error ? error.message : String(error)}`,
    )
  }
  if (response.status !== 200)
    throw new StepFailure(`ussd: POST /ussd (${what}) answered ${response.status}: ${quote(body)}`)
  const framed = /^(CON|END) ([\s\S]*)$/.exec(body)
  if (framed === null)
    throw new StepFailure(
      `ussd: POST /ussd (${what}) answered ${quote(body)}, which starts with neither "CON " ` +
        `nor "END "`,
    )
  return { type: framed[1] === 'CON' ? 'CON' : 'END', text: framed[2] ?? '' }
}

const ussd: StepHandler = async (rawArgs, context) => {
  const args = record(interpolate(rawArgs, context.vars), 'ussd')
  const from = requireString(args, 'from', 'ussd')
  const dial = args['dial']
  const input = args['input']
  if (dial !== undefined && input !== undefined)
    throw new StepFailure('ussd: give dial or input, not both')
  if (dial === undefined && input === undefined)
    throw new StepFailure('ussd: give dial (open a session) or input (type into the open one)')
  const state = stateOf(context)
  if (dial !== undefined) {
    if (typeof dial !== 'string' || dial === '')
      throw new StepFailure('ussd: dial is a USSD string such as "*123#"')
    state.opened += 1
    const session: PhoneSession = {
      sessionId: `ATUid_conformance_${context.runId}_${state.opened}`,
      serviceCode: dial,
      inputs: [],
      last: { type: 'CON', text: '' },
    }
    session.last = await post(context, from, session, `dial ${dial} from ${from}`)
    state.sessions.set(from, session)
    state.lastFrom = from
    return
  }
  if (typeof input !== 'string') {
    throw new StepFailure(
      `ussd: input must be a quoted string: YAML read this one as ${JSON.stringify(input)} ` +
        `(00 becomes 0, 25.50 becomes 25.5); write it in quotes, e.g. input: "00"`,
    )
  }
  const session = state.sessions.get(from)
  if (session === undefined)
    throw new StepFailure(
      `ussd: no USSD session open for ${from}: dial first ` +
        `(ussd: { from: "${from}", dial: "*123#" })`,
    )
  if (session.last.type === 'END') {
    throw new StepFailure(
      `ussd: the session of ${from} is over: its last answer was END ` +
        `${quote(session.last.text)}; dial again to type more`,
    )
  }
  session.inputs.push(input)
  session.last = await post(
    context,
    from,
    session,
    `input ${session.inputs.length} (${input.length} characters) from ${from}`,
  )
  state.lastFrom = from
}

const expectUssd: StepHandler = async (rawArgs, context) => {
  const args = record(interpolate(rawArgs, context.vars), 'expect_ussd')
  const type = args['type']
  if (type !== 'CON' && type !== 'END') throw new StepFailure('expect_ussd: type is CON or END')
  const expectation = textExpectation(args, 'expect_ussd')
  const state = stateOf(context)
  const from =
    args['from'] === undefined ? state.lastFrom : requireString(args, 'from', 'expect_ussd')
  if (from === null)
    throw new StepFailure(
      'expect_ussd: no USSD answer before it (open a session with ussd: { from, dial })',
    )
  const session = state.sessions.get(from)
  if (session === undefined)
    throw new StepFailure(`expect_ussd: no USSD session was opened for ${from}`)
  const last = session.last
  if (last.type !== type || !expectation.test(last.text)) {
    throw new StepFailure(
      `expect_ussd: the USSD answer to ${from} was ${last.type} ${quote(last.text)}, ` +
        `expected ${type} ${expectation.describe}`,
    )
  }
  return Promise.resolve()
}

export const ussdSteps: Readonly<Record<string, StepHandler>> = {
  ussd,
  expect_ussd: expectUssd,
}
