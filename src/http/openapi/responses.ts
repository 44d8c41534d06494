/**
 * responses.ts - the answers many operations share (components.responses: no token, the default
 * token off loopback, a session's change without its CSRF token, a body too large or unreadable,
 * the gateway busy or stopping, a payment rule) and the helpers the path files build their own
 * answers and parameters with. Exports sharedResponses, shared, jsonContent, answer, refusal,
 * bodyRefusals, idempotencyKeyHeader, merchantAuth, adminAuth and open.
 */
import { errorBody, reasonsAnswered } from './schemas.js'
import type { JsonSchema, MediaType, Parameter, Reference, ResponseObject } from './types.js'

export function jsonContent(
  schema: JsonSchema,
  example?: unknown,
): Readonly<Record<string, MediaType>> {
  return { 'application/json': { schema, ...(example === undefined ? {} : { example }) } }
}

/** A JSON answer of `schema`. */
export function answer(description: string, schema: JsonSchema): ResponseObject {
  return { description, content: jsonContent(schema) }
}

/** A refusal `{ error, message }` whose `error` is one of `codes`. */
export function refusal(description: string, codes: readonly string[]): ResponseObject {
  return { description, content: jsonContent(errorBody(codes)) }
}

/**
 * The 400s of any JSON body, answered before the route runs (src/http/app.ts): malformed JSON,
 * JSON that is not an object, and a body whose coding cannot be read.
 */
export const bodyRefusals = ['invalid_json', 'body_invalid', 'request_unreadable'] as const

export const sharedResponses = {
  Unauthorized: refusal('No bearer token, or not one the gateway knows.', ['unauthorized']),
  Forbidden: refusal(
    'The default admin token (`test_admin_token`) is taken from loopback only: set `adminToken`.',
    ['forbidden'],
  ),
  ForbiddenOrCsrf: refusal(
    'The default admin token off loopback (set `adminToken`); or, from a console session, a ' +
      "change without the page's `X-CSRF-Token`.",
    ['forbidden', 'csrf_invalid'],
  ),
  CsrfInvalid: refusal("From a portal session, a change without the page's `X-CSRF-Token`.", [
    'csrf_invalid',
  ]),
  BodyTooLarge: refusal('The body is over 64 KB (operating.httpBodyBytesMax).', ['body_too_large']),
  Unreadable: refusal('The body is in a charset or content coding the gateway cannot read.', [
    'request_unreadable',
  ]),
  Busy: refusal(
    "The gateway is busy (its ledger writer's queue is full) or stopping: retry in a few " +
      'seconds, with the same Idempotency-Key.',
    ['system_busy'],
  ),
  PaymentRule: refusal(
    'A payment rule refused the command (SPEC section 5): `error` is the reason code; the ' +
      'message is the one the subscriber would read.',
    reasonsAnswered(422),
  ),
} as const satisfies Record<string, ResponseObject>

export function shared(name: keyof typeof sharedResponses, description?: string): Reference {
  return {
    $ref: `#/components/responses/${name}`,
    ...(description === undefined ? {} : { description }),
  }
}

/** The Idempotency-Key header; the merchant API refuses one over 255 characters. */
export function idempotencyKeyHeader(lengthMax?: number): Parameter {
  return {
    name: 'Idempotency-Key',
    in: 'header',
    required: false,
    description:
      'Makes a retry safe: a repeat with the same key gets the first answer; the same key on ' +
      'another request is refused with 409 idempotency_key_reused.',
    schema: {
      type: 'string',
      minLength: 1,
      ...(lengthMax === undefined ? {} : { maxLength: lengthMax }),
    },
  }
}

/** The key, or the portal's session cookie: the portal's pages call the API with their cookie. */
export const merchantAuth = [{ merchantApiKey: [] }, { merchantSession: [] }] as const
/** The token, or the console's session cookie, as the console's pages call the API. */
export const adminAuth = [{ adminToken: [] }, { consoleSession: [] }] as const
export const open = [] as const

/** A path parameter: a string, with an example of it. */
export function pathParameter(name: string, description: string, example: string): Parameter {
  return {
    name,
    in: 'path',
    required: true,
    description,
    schema: { type: 'string', examples: [example] },
  }
}

/** The local (China) day a report is of. */
export const dateParameter: Parameter = {
  name: 'date',
  in: 'query',
  required: true,
  description: 'The local (China) day.',
  schema: { type: 'string', format: 'date', examples: ['2026-01-31'] },
}

/** A CSV attachment whose first line is `header`. */
export function csvAnswer(description: string, header: string): ResponseObject {
  return {
    description,
    headers: {
      'Content-Disposition': {
        description: 'attachment, with the file name.',
        schema: { type: 'string' },
      },
    },
    content: {
      'text/csv': {
        schema: {
          type: 'string',
          pattern: `^${header}\\r\\n`,
          description: `RFC 4180, lines ending CRLF: \`${header}\` first.`,
        },
      },
    },
  }
}
