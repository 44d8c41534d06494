/**
 * admin-fields.ts - reading the fields of an admin API request body. Each reader returns the
 * field's value or throws a FieldError naming the field and what it must be, which the route
 * answers with 400 (`withFields`); nothing is changed before every field was read. Exports
 * FieldError, withFields, bodyOf and the field readers.
 */
import type { Request, Response } from 'express'
import type { Language } from '../core/index.js'
import { parseAmount } from '../core/index.js'
import { sendError } from '../gateway/http/json.js'
import { renderMessage } from '../gateway/reply/index.js'
import type { FieldFormat } from '../world/field-formats.js'

export class FieldError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message)
    this.name = 'FieldError'
  }
}

type Handler = (request: Request, response: Response) => Promise<void>

/** The route, answering 400 with the field's code and words when a field cannot be read. */
export function withFields(handler: Handler): Handler {
  return async (request, response) => {
    try {
      await handler(request, response)
    } catch (error) {
      if (!(error instanceof FieldError)) throw error
      sendError(response, 400, error.code, error.message)
    }
  }
}

export type Body = Readonly<Record<string, unknown>>

/** The body as a JSON object (every admin call that changes something sends one). */
export function bodyOf(request: Request): Body {
  const body: unknown = request.body
  if (
    typeof request.is('application/json') === 'string' &&
    typeof body === 'object' &&
    body !== null &&
    !Array.isArray(body)
  )
    return body as Body
  throw new FieldError(
    'body_invalid',
    'the body must be a JSON object, sent with Content-Type: application/json',
  )
}

/** A text of 1 to `max` characters, trimmed; undefined when absent and not `required`. */
export function textField(body: Body, name: string, max: number, required: true): string
export function textField(body: Body, name: string, max: number): string | undefined
export function textField(
  body: Body,
  name: string,
  max: number,
  required = false,
): string | undefined {
  const value = body[name]
  if (value === undefined && !required) return undefined
  if (typeof value !== 'string' || value.trim() === '' || value.trim().length > max)
    throw new FieldError(`${name}_invalid`, `${name} is 1 to ${max} characters`)
  return value.trim()
}

/** A text of `format` (field-formats.ts); undefined when absent and not required. */
export function formatField(
  body: Body,
  name: string,
  format: FieldFormat,
  required = false,
): string | undefined {
  const value = body[name]
  if (value === undefined && !required) return undefined
  if (typeof value !== 'string' || !new RegExp(format.pattern).test(value))
    throw new FieldError(`${name}_invalid`, `${name} is ${format.words}`)
  return value
}

/** An amount in yuan as a string ("25.00"), in fen; undefined when absent and not required. */
export function amountField(body: Body, name: string, required = false): bigint | undefined {
  const value = body[name]
  if (value === undefined && !required) return undefined
  if (typeof value !== 'string')
    throw new FieldError(
      `${name}_invalid`,
      `${name} is an amount in yuan as a string, such as "25.00"`,
    )
  if (/^0+(\.0{1,2})?$/.test(value)) return 0n
  const parsed = parseAmount(value)
  if (!parsed.ok)
    throw new FieldError(
      parsed.reason,
      `${name}: ${renderMessage({ key: `refusal.${parsed.reason}`, params: {} }, 'en')}`,
    )
  return parsed.minor
}

export function languageField(body: Body): Language | undefined {
  const value = body['language']
  if (value === undefined) return undefined
  if (value !== 'en' && value !== 'zh')
    throw new FieldError('language_invalid', 'language is "en" or "zh"')
  return value
}

/** A fee rate in basis points, 0 to 10000; null (the platform's rate) when sent as null. */
export function basisPointsField(body: Body, name: string): bigint | null | undefined {
  const value = body[name]
  if (value === undefined) return undefined
  if (value === null) return null
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0 || value > 10_000)
    throw new FieldError(
      `${name}_invalid`,
      `${name} is a whole number of basis points from 0 to 10000 (150 = 1.50 %), or null`,
    )
  return BigInt(value)
}
