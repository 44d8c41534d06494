/**
 * hubtel.ts - Hubtel Programmable Services at `POST /ussd/hubtel`: JSON `{ Type, Message,
 * ServiceCode, Operator, ClientState, Mobile, SessionId, Sequence }` in, `{ Type: response |
 * release, Message, Label, DataType, FieldType, ClientState }` out. Type is read in any case
 * (Hubtel's current docs send `initiation`, older integrations `Initiation`; ussd-menu-builder
 * 1.2.0 compared case-sensitively and lost the dial). Message carries only the latest input;
 * on initiation it is the full dial string, so shortcuts (`*123*2*1001#`) arrive there.
 * Sequence is required: the last answered one repeated is a retry (its answer is replayed), an
 * older one a late duplicate (the session is lost, nothing is applied), a missing one a 400.
 * `release` and `timeout` end the session. Exports hubtelRoute,
 * parseHubtelRequest, hubtelAnswer.
 */
import type { Request, RequestHandler, Response } from 'express'
import { maskMsisdn, normalizeMsisdn } from '../../src/core/index.js'
import type { Logger } from '../../src/service/log.js'
import type { Screen } from './contract.js'
import type { UssdLimits } from './limits.js'
import { channelText } from './texts.js'
import type { UssdService } from './ussd-service.js'

export const hubtelTypes = ['initiation', 'response', 'release', 'timeout'] as const
export type HubtelType = (typeof hubtelTypes)[number]

export interface HubtelRequest {
  readonly type: HubtelType
  readonly sessionId: string
  readonly msisdn: string
  readonly message: string
  readonly serviceCode: string
  readonly sequence: number
}

export interface HubtelAnswer {
  readonly Type: 'response' | 'release'
  readonly Message: string
  readonly Label: string
  readonly DataType: 'input'
  readonly FieldType: 'text'
  readonly ClientState: string
}

const dialPattern = /^\*\d+(?:\*\d+)*#$/
const serviceCodePattern = /^\*?(\d+(?:\*\d+)*)#?$/
const sessionIdPattern = /^[\x21-\x7e]+$/

export function parseHubtelRequest(body: unknown, limits: UssdLimits): HubtelRequest | string {
  if (typeof body !== 'object' || body === null || Array.isArray(body))
    return 'expected a JSON object'
  const json = body as Record<string, unknown>
  const typeText = json['Type']
  const type =
    typeof typeText === 'string'
      ? hubtelTypes.find((candidate) => candidate === typeText.toLowerCase())
      : undefined
  if (type === undefined) return `Type must be one of ${hubtelTypes.join(', ')} (any case)`
  const sessionId = json['SessionId']
  if (typeof sessionId !== 'string' || sessionId === '') return 'SessionId is missing'
  if (sessionId.length > limits.sessionIdLengthMax || !sessionIdPattern.test(sessionId))
    return 'SessionId is not a session id'
  const mobile = json['Mobile']
  const msisdn = typeof mobile === 'string' ? normalizeMsisdn(mobile) : null
  if (msisdn === null) return 'Mobile is not an international number'
  const message = json['Message'] ?? ''
  if (typeof message !== 'string') return 'Message must be a string'
  if (message.length > limits.inputLengthMax)
    return `Message is longer than ${limits.inputLengthMax} characters`
  const code =
    typeof json['ServiceCode'] === 'string' ? serviceCodePattern.exec(json['ServiceCode']) : null
  if (code === null && !(type === 'initiation' && dialPattern.test(message)))
    return 'ServiceCode is not a USSD code like 123'
  const sequenceValue = json['Sequence']
  // Hubtel always sends it; without it a retry could not be told from a new input (see
  // hubtelRoute).
  if (sequenceValue === undefined || sequenceValue === null || sequenceValue === '') {
    return (
      'Sequence is missing: Hubtel numbers the requests of a session from 1, ' +
      'and a repeated Sequence is how a retry is told from a new input'
    )
  }
  const sequence =
    typeof sequenceValue === 'string' && /^\d+$/.test(sequenceValue)
      ? Number(sequenceValue)
      : sequenceValue
  if (typeof sequence !== 'number' || !Number.isSafeInteger(sequence) || sequence < 1)
    return 'Sequence must be a positive whole number'
  return { type, sessionId, msisdn, message, serviceCode: code?.[1] ?? '', sequence }
}

/** The dial string of an initiation: the whole string the user dialled, else the service code. */
export function hubtelDial(request: HubtelRequest): string {
  return dialPattern.test(request.message) ? request.message : `*${request.serviceCode}#`
}

export function hubtelAnswer(screen: Screen): HubtelAnswer {
  return {
    Type: screen.type === 'CON' ? 'response' : 'release',
    Message: screen.text,
    // Hubtel's app channels show Label as the screen's title: the menu's first line is one.
    Label: screen.text.split('\n', 1)[0] ?? '',
    DataType: 'input',
    FieldType: 'text',
    // The session lives in our store; Hubtel would echo this once and we would not read it.
    ClientState: '',
  }
}

const requestKeyPrefix = 'hubtel:'

/** The Sequence of the session's last answered request, from its request key. */
function answeredSequence(requestKey: string): number {
  return requestKey.startsWith(requestKeyPrefix)
    ? Number(requestKey.slice(requestKeyPrefix.length))
    : 0
}

export function hubtelRoute(deps: {
  readonly ussd: UssdService
  readonly limits: UssdLimits
  readonly log: Logger
}): RequestHandler {
  const answer = async (request: Request, response: Response): Promise<void> => {
    const parsed = parseHubtelRequest(request.body, deps.limits)
    if (typeof parsed === 'string') {
      response.status(400).json({ error: 'bad_request', message: parsed })
      return
    }
    if (parsed.type === 'release' || parsed.type === 'timeout') {
      await deps.ussd.release(
        'hubtel',
        parsed.sessionId,
        parsed.type === 'release' ? 'released' : 'provider_timeout',
      )
      response.status(200).json(hubtelAnswer({ type: 'END', text: '' }))
      return
    }
    let screen: Awaited<ReturnType<typeof deps.ussd.hop>>
    try {
      screen = await deps.ussd.hop({
        provider: 'hubtel',
        sessionId: parsed.sessionId,
        msisdn: parsed.msisdn,
        requestKey: `${requestKeyPrefix}${parsed.sequence}`,
        textLength: 0,
        read: (record) => {
          if (parsed.type === 'initiation')
            return record === null ? { kind: 'dial', dial: hubtelDial(parsed) } : { kind: 'lost' }
          if (record === null) return { kind: 'lost' }
          // The last answered Sequence itself is a retry, replayed before this is read. An older
          // one is a late duplicate: taken as input it would land on a later screen (an old
          // menu choice read as the amount), so, like Africa's Talking's shorter text, it is lost.
          return parsed.sequence < answeredSequence(record.requestKey)
            ? { kind: 'lost' }
            : { kind: 'input', text: parsed.message }
        },
      })
    } catch (error) {
      deps.log.error('ussd hop failed', {
        provider: 'hubtel',
        session: parsed.sessionId,
        msisdn: maskMsisdn(parsed.msisdn),
        error: error instanceof Error ? error.message : String(error),
      })
      screen = channelText('unavailable', 'en')
    }
    response.status(200).json(hubtelAnswer(screen))
  }
  return (request, response, next) => {
    answer(request, response).catch(next)
  }
}
