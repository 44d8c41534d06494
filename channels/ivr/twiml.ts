/**
 * twiml.ts - the IVR channel for Twilio and the platforms that speak TwiML (SignalWire, Telnyx
 * TeXML, 2600hz Pivot): `POST /ivr/twiml` with Twilio's form (`CallSid, From, To, Digits`,
 * optionally `FinishedOnKey`, `CallStatus`), answered with a TwiML document.
 *
 * A call's first request (no `step` in the query) starts it. Every `<Gather>` posts back to
 * `/ivr/twiml?step=N`, so a platform's retry of a request is recognised and answered again
 * without running anything twice. TwiML has one `timeout`, both first-digit and between digits
 * (notes 1.2): the gather's first-digit timeout is used. With `actionOnEmptyResult="true"` an
 * empty `Digits` comes back after a timeout: that is the engine's silence. `Digits` without the
 * finishing key arrived because the platform's timer fired: the keys, then silence if the engine
 * wants more. `CallStatus=completed` (a status callback pointed here) is the hang-up.
 * Exports twimlRoute, renderTwiml.
 */
import { randomUUID } from 'node:crypto'
import type { Request, RequestHandler, Response } from 'express'
import express from 'express'
import { assertNever } from '../../src/core/index.js'
import type { Logger } from '../../src/service/log.js'
import type { CallAnswer } from './call-store.js'
import type { Prompt } from './contract.js'
import type { CallResult, IvrService } from './ivr-service.js'
import type { IvrLimits } from './limits.js'
import { channelPrompt, speechLanguageTag } from './texts.js'
import type { XmlNode } from './xml.js'
import { element, xmlDocument } from './xml.js'

const path = '/ivr/twiml'
const callSidPattern = /^[A-Za-z0-9_-]+$/
/** Twilio's CallStatus values after which the call is gone. */
const endedStatuses = new Set(['completed', 'busy', 'failed', 'no-answer', 'canceled'])

function say(prompt: Prompt): XmlNode {
  return element('Say', { language: speechLanguageTag(prompt.language) }, [prompt.text])
}

/** The TwiML document of an answer: a <Gather> around its prompts, or the prompts and <Hangup/>. */
export function renderTwiml(
  answer: Pick<CallAnswer, 'step' | 'prompts' | 'gather' | 'ended'>,
): string {
  const { gather } = answer
  if (answer.ended || gather === null)
    return xmlDocument(
      element('Response', {}, [...answer.prompts.map(say), element('Hangup', {})]),
      { indent: null },
    )
  const attributes = {
    input: 'dtmf',
    numDigits: gather.digitsMax ?? undefined,
    // Written even when '#': an empty finishOnKey must be explicit, Twilio's default is '#'.
    finishOnKey: gather.finishOnKey,
    timeout: Math.max(1, Math.ceil(gather.firstDigitTimeoutMs / 1000)),
    action: `${path}?step=${answer.step}`,
    method: 'POST',
    actionOnEmptyResult: 'true',
  }
  return xmlDocument(
    element('Response', {}, [element('Gather', attributes, answer.prompts.map(say))]),
    { indent: null },
  )
}

function field(body: Record<string, unknown>, name: string): string | null {
  const value = body[name]
  return typeof value === 'string' ? value : null
}

export function twimlRoute(deps: {
  readonly ivr: IvrService
  readonly limits: IvrLimits
  readonly log: Logger
}): RequestHandler[] {
  const parseForm = express.urlencoded({ extended: false, limit: deps.limits.requestBodyBytesMax })
  const send = (response: Response, twiml: string): void => {
    response.status(200).type('text/xml').send(twiml)
  }
  const answer = async (request: Request, response: Response): Promise<void> => {
    const body = (
      typeof request.body === 'object' && request.body !== null ? request.body : {}
    ) as Record<string, unknown>
    const callSid = field(body, 'CallSid')
    if (
      callSid === null ||
      callSid === '' ||
      callSid.length > deps.limits.callIdLengthMax ||
      !callSidPattern.test(callSid)
    ) {
      response
        .status(400)
        .type('text/plain')
        .send('Bad request: CallSid is missing or not a call id')
      return
    }
    const callId = `twilio-${callSid}`
    const stepText = request.query['step']
    const step =
      typeof stepText === 'string' && /^\d{1,9}$/.test(stepText) ? Number(stepText) : null
    if (stepText !== undefined && step === null) {
      response.status(400).type('text/plain').send('Bad request: step is a whole number')
      return
    }
    const status = field(body, 'CallStatus')
    if (status !== null && endedStatuses.has(status)) {
      await deps.ivr.event({ provider: 'twilio', callId, step: null, event: { kind: 'hangup' } })
      send(response, xmlDocument(element('Response', {}), { indent: null }))
      return
    }
    let result: CallResult
    if (step === null) {
      const from = field(body, 'From') ?? ''
      result = await deps.ivr.start({
        provider: 'twilio',
        callId,
        from: from === '' ? 'anonymous' : from,
        to: field(body, 'To') ?? '',
      })
    } else {
      const digits = field(body, 'Digits') ?? ''
      const finishedOnKey = field(body, 'FinishedOnKey') ?? ''
      if (!/^[0-9*#]*$/.test(digits + finishedOnKey)) {
        response
          .status(400)
          .type('text/plain')
          .send('Bad request: Digits holds keys other than 0-9, * and #')
        return
      }
      result =
        finishedOnKey === ''
          ? await deps.ivr.collected({ provider: 'twilio', callId, step, keys: digits })
          : await deps.ivr.event({
              provider: 'twilio',
              callId,
              step,
              event: { kind: 'digits', keys: digits + finishedOnKey },
            })
    }
    send(response, twimlOf(result))
  }
  return [
    parseForm,
    (request, response, next) => {
      answer(request, response).catch((error: unknown) => {
        deps.log.error('ivr twiml request failed', {
          error: error instanceof Error ? error.message : String(error),
          ref: randomUUID(),
        })
        if (response.headersSent) return next(error)
        send(
          response,
          renderTwiml({
            step: 0,
            prompts: [channelPrompt('unavailable', 'en')],
            gather: null,
            ended: true,
          }),
        )
      })
    },
  ]
}

/** What the platform is told for a result: the answer, or the channel's goodbye for a refusal. */
function twimlOf(result: CallResult): string {
  if (result.ok) return renderTwiml(result.answer)
  const hangUp = { step: 0, prompts: [], gather: null, ended: true }
  switch (result.refusal) {
    case 'step_stale':
    case 'lines_busy':
    case 'keys_invalid':
    case 'call_exists':
      // The platform is behind (it retried after we moved on) or the lines are full: it gets
      // where the call is now, or the busy goodbye.
      return renderTwiml(result.answer ?? hangUp)
    case 'call_ended':
      return renderTwiml(hangUp)
    case 'call_not_found':
      // A request for a call we do not hold (the gateway restarted mid-call).
      return renderTwiml({ ...hangUp, prompts: [channelPrompt('call_lost', 'en')] })
    default:
      return assertNever(result.refusal)
  }
}
