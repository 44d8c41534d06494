/**
 * vxml.ts - the IVR channel for VoiceXML 2.1 platforms at `/ivr/vxml` (GET or POST; query or
 * form fields). The application's first document is fetched with `from` and `to` (the caller and
 * the number dialled); every later request is the document's own <submit> with
 * `callId step event [digits]`, where event is `digits`, `noinput`, `nomatch` or `hangup`.
 *
 * Each document holds one <field> whose <property> elements carry the gather's timers
 * (`timeout` = first digit, `interdigittimeout`, `termchar`, `termtimeout` 0 as Appendix D's
 * default) and a DTMF grammar `builtin:dtmf/digits?minlength=..;maxlength=..`; keys other than
 * digits that the gather allows (`*` to go back) get a one-key SRGS grammar beside it.
 * <noinput>, <nomatch> and the hang-up catch submit their event. The platform strips the
 * termchar, so a field's value is read as keys that may still need the inter-digit silence
 * (IvrService.collected). A nomatch is heard by the engine as the input ended by the terminator
 * with nothing valid (or as silence when the gather has no terminator): the platform does not
 * tell which keys it refused. Exports vxmlRoute, renderVxml.
 */
import { randomBytes, randomUUID } from 'node:crypto'
import type { Request, RequestHandler, Response } from 'express'
import express from 'express'
import { assertNever } from '../../src/core/index.js'
import type { Logger } from '../../src/service/log.js'
import type { CallAnswer } from './call-store.js'
import type { Gather, Prompt } from './contract.js'
import type { CallResult, IvrService } from './ivr-service.js'
import type { IvrLimits } from './limits.js'
import { channelPrompt, speechLanguageTag } from './texts.js'
import type { XmlNode } from './xml.js'
import { element, xmlDocument } from './xml.js'

const path = '/ivr/vxml'
const callIdPattern = /^[A-Za-z0-9_-]+$/
const events = ['digits', 'noinput', 'nomatch', 'hangup'] as const
type VxmlEvent = (typeof events)[number]

function prompt(spoken: Prompt): XmlNode {
  return element('prompt', { 'xml:lang': speechLanguageTag(spoken.language) }, [spoken.text])
}

function submit(event: VxmlEvent, withDigits: boolean): XmlNode[] {
  return [
    element('assign', { name: 'event', expr: `'${event}'` }),
    element('submit', {
      next: path,
      method: 'post',
      namelist: withDigits ? 'callId step event digits' : 'callId step event',
    }),
  ]
}

/** The grammars of a gather: its digits, and one-key grammars for the other keys it allows. */
function grammars(gather: Gather, limits: IvrLimits): XmlNode[] {
  const maxlength = gather.digitsMax ?? limits.grammarDigitsMax
  const minlength = Math.min(Math.max(1, gather.digitsMin), maxlength)
  const nodes = [
    element('grammar', {
      mode: 'dtmf',
      src: `builtin:dtmf/digits?minlength=${minlength};maxlength=${maxlength}`,
    }),
  ]
  const keys = [...new Set(gather.validKeys)].filter(
    (key) => (key === '*' || key === '#') && key !== gather.finishOnKey,
  )
  if (keys.length > 0) {
    const items = keys.map((key) => element('item', {}, [key]))
    nodes.push(
      element('grammar', { mode: 'dtmf', version: '1.0', root: 'key' }, [
        element('rule', { id: 'key', scope: 'public' }, [element('one-of', {}, items)]),
      ]),
    )
  }
  return nodes
}

/**
 * The VoiceXML document of an answer: a field collecting the gather, or the prompts and a
 * disconnect.
 */
export function renderVxml(
  answer: Pick<CallAnswer, 'callId' | 'step' | 'language' | 'prompts' | 'gather' | 'ended'>,
  limits: IvrLimits,
): string {
  const head = [
    element('var', { name: 'callId', expr: `'${answer.callId}'` }),
    element('var', { name: 'step', expr: String(answer.step) }),
    element('var', { name: 'event', expr: "'digits'" }),
  ]
  const { gather } = answer
  const language = speechLanguageTag(answer.language)
  if (answer.ended || gather === null) {
    // Nothing to say (the caller hung up): the dialog just ends. No hang-up catch: we end the call.
    if (answer.prompts.length === 0) return exitDocument()
    const goodbye = element('form', { id: 'goodbye' }, [
      element('block', {}, [...answer.prompts.map(prompt), element('disconnect', {})]),
    ])
    return xmlDocument(
      element(
        'vxml',
        { version: '2.1', xmlns: 'http://www.w3.org/2001/vxml', 'xml:lang': language },
        [goodbye],
      ),
      { indent: '  ' },
    )
  }
  const field = element('field', { name: 'digits' }, [
    element('property', { name: 'inputmodes', value: 'dtmf' }),
    element('property', { name: 'timeout', value: `${gather.firstDigitTimeoutMs}ms` }),
    element('property', { name: 'interdigittimeout', value: `${gather.interDigitTimeoutMs}ms` }),
    element('property', { name: 'termchar', value: gather.finishOnKey }),
    element('property', { name: 'termtimeout', value: '0s' }),
    ...grammars(gather, limits),
    ...answer.prompts.map(prompt),
    element('noinput', {}, submit('noinput', false)),
    element('nomatch', {}, submit('nomatch', false)),
    element('filled', {}, submit('digits', true)),
  ])
  const form = element('form', { id: `step${answer.step}` }, [field])
  const hangup = element(
    'catch',
    { event: 'connection.disconnect.hangup' },
    submit('hangup', false),
  )
  const root = element(
    'vxml',
    { version: '2.1', xmlns: 'http://www.w3.org/2001/vxml', 'xml:lang': language },
    [...head, hangup, form],
  )
  return xmlDocument(root, { indent: '  ' })
}

/** A document that ends the dialog without a word (a request for a call that is over). */
function exitDocument(): string {
  return xmlDocument(
    element('vxml', { version: '2.1', xmlns: 'http://www.w3.org/2001/vxml' }, [
      element('form', {}, [element('block', {}, [element('exit', {})])]),
    ]),
    { indent: '  ' },
  )
}

function param(request: Request, name: string): string | null {
  const body = (
    typeof request.body === 'object' && request.body !== null ? request.body : {}
  ) as Record<string, unknown>
  const value = body[name] ?? request.query[name]
  return typeof value === 'string' ? value : null
}

export function vxmlRoute(deps: {
  readonly ivr: IvrService
  readonly limits: IvrLimits
  readonly log: Logger
}): RequestHandler[] {
  const parseForm = express.urlencoded({ extended: false, limit: deps.limits.requestBodyBytesMax })
  const send = (response: Response, status: number, document: string): void => {
    response.status(status).type('application/voicexml+xml').send(document)
  }
  const bad = (response: Response, message: string): void => {
    response.status(400).type('text/plain').send(`Bad request: ${message}`)
  }
  const answer = async (request: Request, response: Response): Promise<void> => {
    const callId = param(request, 'callId')
    if (callId === null || callId === '') {
      const from = param(request, 'from')
      if (from === null || from === '' || from.length > 32)
        return bad(response, 'from (the caller) is required to start a call')
      const to = param(request, 'to') ?? ''
      if (to.length > 32) return bad(response, 'to is not a number')
      const started = await deps.ivr.start({
        provider: 'vxml',
        callId: `vxml-${randomBytes(12).toString('hex')}`,
        from,
        to,
      })
      return send(response, 200, vxmlOf(started, deps.limits))
    }
    if (callId.length > deps.limits.callIdLengthMax || !callIdPattern.test(callId))
      return bad(response, 'callId is not a call id')
    const stepText = param(request, 'step')
    const step = stepText !== null && /^\d{1,9}$/.test(stepText) ? Number(stepText) : null
    if (stepText !== null && step === null) return bad(response, 'step is a whole number')
    const event = events.find((candidate) => candidate === (param(request, 'event') ?? 'digits'))
    if (event === undefined) return bad(response, `event is one of ${events.join(', ')}`)
    const base = { provider: 'vxml', callId, step }
    let result: CallResult
    switch (event) {
      case 'digits': {
        const digits = param(request, 'digits') ?? ''
        if (!/^[0-9*#]*$/.test(digits))
          return bad(response, 'digits holds keys other than 0-9, * and #')
        result = await deps.ivr.collected({ ...base, keys: digits })
        break
      }
      case 'noinput':
        result = await deps.ivr.event({ ...base, event: { kind: 'silence' } })
        break
      case 'nomatch': {
        const terminator = (await deps.ivr.current(callId))?.gather?.finishOnKey ?? ''
        result = await deps.ivr.event({
          ...base,
          event: terminator === '' ? { kind: 'silence' } : { kind: 'digits', keys: terminator },
        })
        break
      }
      case 'hangup':
        result = await deps.ivr.event({ ...base, event: { kind: 'hangup' } })
        break
      default:
        return assertNever(event)
    }
    send(response, 200, vxmlOf(result, deps.limits))
  }
  return [
    parseForm,
    (request, response, next) => {
      answer(request, response).catch((error: unknown) => {
        deps.log.error('ivr vxml request failed', {
          error: error instanceof Error ? error.message : String(error),
          ref: randomUUID(),
        })
        if (response.headersSent) return next(error)
        send(
          response,
          200,
          renderVxml(
            {
              callId: 'none',
              step: 0,
              language: 'en',
              prompts: [channelPrompt('unavailable', 'en')],
              gather: null,
              ended: true,
            },
            deps.limits,
          ),
        )
      })
    },
  ]
}

function vxmlOf(result: CallResult, limits: IvrLimits): string {
  if (result.ok) return renderVxml(result.answer, limits)
  switch (result.refusal) {
    case 'step_stale':
    case 'lines_busy':
    case 'keys_invalid':
    case 'call_exists':
      return result.answer === null ? exitDocument() : renderVxml(result.answer, limits)
    case 'call_ended':
      return exitDocument()
    case 'call_not_found':
      return renderVxml(
        {
          callId: 'none',
          step: 0,
          language: 'en',
          prompts: [channelPrompt('call_lost', 'en')],
          gather: null,
          ended: true,
        },
        limits,
      )
    default:
      return assertNever(result.refusal)
  }
}
