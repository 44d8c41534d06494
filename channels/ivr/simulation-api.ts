/**
 * simulation-api.ts - dial-in simulation over HTTP (JSON), SPEC section 6, for tests, the
 * handset page, the CLI and scripts:
 *   POST   /ivr/calls                    { from, to? }    -> 201 the first answer
 *   POST   /ivr/calls/:callId/digits     { digits, step? } -> 200 the next answer
 *   POST   /ivr/calls/:callId/silence    { step? }        -> 200 the next answer
 *   DELETE /ivr/calls/:callId                             -> 200 the call ended
 *   GET    /ivr/calls/:callId                             -> 200 the call's record
 * An answer is `{ callId, step, prompts: [text...], promptIds, language, gather, ended, outcome }`.
 * `step` in a request makes it retry-safe: the same step again gets the same answer. Refusals
 * are 4xx with `{ error, message }`: 404 unknown call, 409 ended call or stale step, 400 bad
 * digits, 503 every line busy. Also exports the admin router of call records
 * (`GET /admin/api/calls?limit=&msisdn=`). Exports simulationRouter, callsAdminRouter, answerJson,
 * recordJson.
 */
import { randomBytes } from 'node:crypto'
import type { Request, Response, Router } from 'express'
import express from 'express'
import { normalizeMsisdn } from '../../src/core/index.js'
import type { Json } from '../../src/gateway/http/json.js'
import { sendError } from '../../src/gateway/http/json.js'
import type { CallAnswer, CallDetailRecord, CallStore } from './call-store.js'
import type { CallEvent, CallRefusal, CallResult, IvrService } from './ivr-service.js'
import type { IvrLimits } from './limits.js'

/** The access number of SPEC section 1, when a simulated call names none. */
const accessNumber = '12588'

export function answerJson(answer: CallAnswer): Json {
  const { gather } = answer
  return {
    callId: answer.callId,
    step: answer.step,
    prompts: answer.prompts.map((prompt) => prompt.text),
    promptIds: answer.prompts.map((prompt) => prompt.id),
    language: answer.language,
    gather:
      gather === null
        ? null
        : {
            digitsMin: gather.digitsMin,
            digitsMax: gather.digitsMax,
            finishOnKey: gather.finishOnKey,
            firstDigitTimeoutMs: gather.firstDigitTimeoutMs,
            interDigitTimeoutMs: gather.interDigitTimeoutMs,
            validKeys: gather.validKeys,
            secret: gather.secret,
          },
    ended: answer.ended,
    outcome: answer.outcome,
  }
}

export function recordJson(record: CallDetailRecord): Json {
  return {
    callId: record.callId,
    provider: record.provider,
    caller: record.caller,
    msisdn: record.msisdn,
    number: record.number,
    language: record.language,
    startedAt: new Date(record.startedMs).toISOString(),
    endedAt: record.endedMs === null ? null : new Date(record.endedMs).toISOString(),
    durationSeconds: record.durationMs === null ? null : Math.round(record.durationMs / 100) / 10,
    outcome: record.outcome,
    reference: record.reference,
    steps: record.steps,
    inputs: [...record.inputs],
  }
}

function statusOf(refusal: CallRefusal): number {
  switch (refusal) {
    case 'call_not_found':
      return 404
    case 'keys_invalid':
      return 400
    case 'call_ended':
    case 'call_exists':
    case 'step_stale':
      return 409
    case 'lines_busy':
      return 503
  }
}

function send(response: Response, result: CallResult, okStatus: number): void {
  if (result.ok) {
    response.status(okStatus).json(answerJson(result.answer))
    return
  }
  const body: Record<string, Json> = { error: result.refusal, message: result.message }
  // An ended call says how it ended, so a client that missed the last answer can still tell.
  if (result.answer !== null) body['outcome'] = result.answer.outcome
  response.status(statusOf(result.refusal)).json(body)
}

function bodyOf(request: Request): Record<string, unknown> {
  return (typeof request.body === 'object' && request.body !== null ? request.body : {}) as Record<
    string,
    unknown
  >
}

/** The optional `step` of a request body: a number, null when absent, undefined when malformed. */
function stepOf(body: Record<string, unknown>): number | null | undefined {
  const step = body['step']
  if (step === undefined || step === null) return null
  return typeof step === 'number' && Number.isInteger(step) && step >= 0 ? step : undefined
}

export function simulationRouter(deps: {
  readonly ivr: IvrService
  readonly store: CallStore
  readonly limits: IvrLimits
}): Router {
  const router = express.Router()
  const callIdOf = (request: Request): string => String(request.params['callId'])

  router.post('/ivr/calls', async (request: Request, response: Response) => {
    const body = bodyOf(request)
    const from = body['from']
    if (typeof from !== 'string' || from === '' || from.length > 32)
      return sendError(
        response,
        400,
        'from_invalid',
        'from is the caller\'s number, e.g. "8613800138000"',
      )
    const to = body['to'] ?? accessNumber
    if (typeof to !== 'string' || !/^\+?\d{1,20}$/.test(to))
      return sendError(response, 400, 'to_invalid', 'to is the number called, e.g. "12588"')
    const callId = `sim-${randomBytes(12).toString('hex')}`
    send(
      response,
      await deps.ivr.start({ provider: 'sim', callId, from: normalizeMsisdn(from) ?? from, to }),
      201,
    )
  })

  /** A keys or silence event of a call, answering the step the body names (retry-safe). */
  const answerStep = async (
    request: Request,
    response: Response,
    body: Record<string, unknown>,
    event: CallEvent,
  ): Promise<void> => {
    const step = stepOf(body)
    if (step === undefined)
      return sendError(
        response,
        400,
        'step_invalid',
        'step is the step of the answer being answered (a whole number)',
      )
    send(
      response,
      await deps.ivr.event({ provider: 'sim', callId: callIdOf(request), step, event }),
      200,
    )
  }

  router.post('/ivr/calls/:callId/digits', async (request: Request, response: Response) => {
    const body = bodyOf(request)
    const digits = body['digits']
    if (
      typeof digits !== 'string' ||
      !/^[0-9*#]+$/.test(digits) ||
      digits.length > deps.limits.keysPerEventMax
    ) {
      return sendError(
        response,
        400,
        'digits_invalid',
        `digits is a string of 1 to ${deps.limits.keysPerEventMax} keys from 0-9, * and #`,
      )
    }
    await answerStep(request, response, body, { kind: 'digits', keys: digits })
  })

  router.post('/ivr/calls/:callId/silence', (request: Request, response: Response) =>
    answerStep(request, response, bodyOf(request), { kind: 'silence' }),
  )

  router.delete('/ivr/calls/:callId', async (request: Request, response: Response) => {
    send(
      response,
      await deps.ivr.event({
        provider: 'sim',
        callId: callIdOf(request),
        step: null,
        event: { kind: 'hangup' },
      }),
      200,
    )
  })

  router.get('/ivr/calls/:callId', (request: Request, response: Response) => {
    const record = deps.store.record(callIdOf(request))
    if (record === null)
      return sendError(response, 404, 'call_not_found', `no call ${callIdOf(request)}`)
    response.json(recordJson(record))
  })

  return router
}

/**
 * `GET /` of the call records, for the gateway to mount at /admin/api/calls behind the admin token.
 */
export function callsAdminRouter(deps: {
  readonly store: CallStore
  readonly service: Pick<IvrService, 'hangUp'>
  readonly limits: IvrLimits
}): Router {
  const router = express.Router()
  // The calls in progress, for the operator console; a call ends from there with DELETE.
  router.get('/active', async (_request: Request, response: Response) => {
    const calls = await deps.store.callsInProgress(deps.limits.callsMax)
    response.json({
      calls: calls.map((state) => ({
        callId: state.callId,
        provider: state.provider,
        caller: state.caller,
        number: state.number,
        startedAt: new Date(state.startedMs).toISOString(),
        activeAt: new Date(state.activeMs).toISOString(),
        steps: state.step,
      })),
    })
  })
  router.delete('/:callId', async (request: Request, response: Response) => {
    const callId = String(request.params['callId'])
    if (!(await deps.service.hangUp(callId)))
      return sendError(response, 404, 'call_not_found', `no call ${callId} is in progress`)
    response.json({ callId, ended: true, outcome: 'ended_by_operator' })
  })
  router.get('/', (request: Request, response: Response) => {
    const rawMsisdn = request.query['msisdn']
    const msisdn =
      typeof rawMsisdn === 'string' && rawMsisdn !== '' ? normalizeMsisdn(rawMsisdn) : null
    if (typeof rawMsisdn === 'string' && rawMsisdn !== '' && msisdn === null)
      return sendError(response, 400, 'msisdn_invalid', 'not an MSISDN')
    const limitText = request.query['limit']
    const limit = limitText === undefined ? 20 : Number(limitText)
    if (!Number.isInteger(limit) || limit < 1 || limit > deps.limits.callRecordsQueryRowsMax) {
      return sendError(
        response,
        400,
        'limit_invalid',
        `limit is a whole number from 1 to ${deps.limits.callRecordsQueryRowsMax}`,
      )
    }
    response.json({ calls: deps.store.recent({ limit, msisdn }).map(recordJson) })
  })
  return router
}
