/**
 * openapi.test.ts - the OpenAPI document (GET /api/openapi.json, src/http/openapi) against what
 * the server really does. The document is OpenAPI 3.1 in structure (every $ref resolves, every
 * operation has a unique operationId and answers, its examples fit its schemas); it names every
 * route the app mounts under /api, /admin/api, /metrics and /healthz and no other; and real calls
 * of every operation, happy and refused, with a token or a console or portal session, answer
 * only documented statuses with bodies that validate against the documented schema (ajv, JSON
 * Schema 2020-12, objects closed; an event stream's events too). Every documented status is
 * produced at least once, but for the short list of exceptions below, which must stay exact.
 */
import { once } from 'node:events'
import { request } from 'node:http'
import type { Socket } from 'node:net'
import { connect } from 'node:net'
import type { ValidateFunction } from 'ajv/dist/2020.js'
import { Ajv2020 } from 'ajv/dist/2020.js'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { batchFileOf, signBatch } from '../../src/gateway/clearing/batch-file.js'
import { KeyStore, testMasterKeys } from '../../src/gateway/pboc/key-store.js'
import { overviewStreamLimits } from '../../src/http/admin-overview.js'
import { openApiDocument } from '../../src/http/openapi/document.js'
import { dateTimePattern } from '../../src/http/openapi/schemas.js'
import type {
  OpenApiDocument,
  Operation,
  Reference,
  ResponseObject,
} from '../../src/http/openapi/types.js'
import { httpMethods } from '../../src/http/openapi/types.js'
import { errorCodesOf } from '../../src/web/schema-fields.js'
import { bindEsme } from '../support/esme.js'
import type { MountedRoute } from '../support/express-routes.js'
import { mountedRoutes } from '../support/express-routes.js'
import type {
  CallbackServer,
  GatewayFixture,
  HttpAnswer,
  RequestOptions,
} from '../support/gateway-fixture.js'
import {
  ADMIN_TOKEN,
  CINEMA,
  HAN,
  HAN_PIN,
  httpRequest,
  LI,
  LI_PIN,
  NOBODY,
  RINGTONES,
  startCallbackServer,
  startTestGateway,
} from '../support/gateway-fixture.js'
import { ussdHop } from '../support/ussd-http.js'
import type { WebLogin } from '../support/web-login.js'
import { webLogin } from '../support/web-login.js'

/**
 * The documented answers (a status and its refusal code) no call here produces, and why. The
 * test fails when one of them is produced after all (then it leaves this list) and when a
 * documented status is produced by no call and not every code it documents is here.
 */
const unexercised = [
  {
    status: '403',
    error: 'forbidden',
    security: 'adminToken',
    why:
      'the default admin token is refused only from an address other than loopback, and the ' +
      'test gateway listens on loopback only',
  },
] as const

/** The paths the document must cover, all of them: the merchant, admin and operations APIs. */
function inScope(path: string): boolean {
  return (
    path.startsWith('/api/') ||
    path.startsWith('/admin/api/') ||
    path === '/metrics' ||
    path === '/healthz'
  )
}

const documentId = 'https://telepay.invalid/api/openapi.json'

interface Indexed {
  readonly method: string
  readonly path: string
  readonly operation: Operation
  readonly pattern: RegExp
  readonly parameters: number
}

function operationsOf(doc: OpenApiDocument): Indexed[] {
  const found: Indexed[] = []
  for (const [path, item] of Object.entries(doc.paths))
    for (const method of httpMethods) {
      const operation = item[method]
      if (operation === undefined) continue
      const source = path
        .split(/(\{\w+\})/)
        .map((part) =>
          /^\{\w+\}$/.test(part) ? '([^/]+)' : part.replace(/[.*+?^$()|[\]\\]/g, '\\$&'),
        )
        .join('')
      found.push({
        method: method.toUpperCase(),
        path,
        operation,
        pattern: new RegExp(`^${source}$`),
        parameters: (path.match(/\{/g) ?? []).length,
      })
    }
  // A literal path wins over a template that would match it too.
  return found.sort((a, b) => a.parameters - b.parameters)
}

/** The routes mounted and not documented, and the documented ones not mounted. */
function routeDifferences(
  mounted: readonly MountedRoute[],
  doc: OpenApiDocument,
): { undocumented: string[]; notMounted: string[] } {
  const served = mounted.filter((route) => inScope(route.path)).map((r) => `${r.method} ${r.path}`)
  const documented = operationsOf(doc).map((op) => `${op.method} ${op.path}`)
  return {
    undocumented: served.filter((route) => !documented.includes(route)).sort(),
    notMounted: documented.filter((route) => !served.includes(route)).sort(),
  }
}

function pointerOf(segments: readonly string[]): string {
  return segments
    .map((segment) => `/${encodeURIComponent(segment.replace(/~/g, '~0').replace(/\//g, '~1'))}`)
    .join('')
}

function resolvePointer(doc: unknown, pointer: string): unknown {
  let node: unknown = doc
  for (const raw of pointer.split('/').slice(1)) {
    const key = decodeURIComponent(raw).replace(/~1/g, '/').replace(/~0/g, '~')
    if (typeof node !== 'object' || node === null || !(key in node)) return undefined
    node = (node as Record<string, unknown>)[key]
  }
  return node
}

function newAjv(doc: OpenApiDocument): Ajv2020 {
  const ajv = new Ajv2020({
    strict: true,
    allErrors: true,
    allowUnionTypes: true,
    formats: {
      'date-time': new RegExp(dateTimePattern),
      date: /^[0-9]{4}-[0-9]{2}-[0-9]{2}$/,
      uri: /^https?:\/\/\S+$/,
    },
  })
  // The document is added whole, so that its $refs resolve where they point; ajv takes the
  // document's own top-level words for a schema's, and strict mode wants each one declared.
  for (const keyword of Object.keys(doc)) ajv.addKeyword(keyword)
  ajv.addSchema({ ...doc, $id: documentId })
  return ajv
}

interface Answer {
  readonly status: number
  readonly contentType: string
  readonly text: string
}

/** What a refusal's body holds, and any other JSON answer may not. */
interface Answered {
  readonly error?: unknown
}

/** Checks answers against one document; remembers each operation's statuses and codes. */
class Checker {
  readonly operations: Indexed[]
  readonly exercised = new Set<string>()
  private readonly ajv: Ajv2020
  private readonly validators = new Map<string, ValidateFunction>()

  constructor(readonly doc: OpenApiDocument) {
    this.operations = operationsOf(doc)
    this.ajv = newAjv(doc)
  }

  operationFor(method: string, target: string): Indexed {
    const path = target.split('?')[0] ?? target
    const found = this.operations.find((op) => op.method === method && op.pattern.test(path))
    if (found === undefined) throw new Error(`no documented operation for ${method} ${path}`)
    return found
  }

  /** The schema at a JSON pointer of the document, compiled once. */
  validator(pointer: string): ValidateFunction {
    const known = this.validators.get(pointer)
    if (known !== undefined) return known
    const compiled = this.ajv.getSchema(`${documentId}#${pointer}`)
    if (compiled === undefined) throw new Error(`no schema at ${pointer}`)
    this.validators.set(pointer, compiled)
    return compiled
  }

  /** Fails unless the answer's status is documented and its body fits that status's schema. */
  check(method: string, target: string, answer: Answer): void {
    const { path, operation } = this.operationFor(method, target)
    const where = `${operation.operationId} (${method} ${target}) answered ${answer.status}`
    const status = String(answer.status)
    const documented = operation.responses[status]
    if (documented === undefined)
      throw new Error(`${where}, which is not documented: ${answer.text.slice(0, 300)}`)
    let pointer = pointerOf(['paths', path, method.toLowerCase(), 'responses', status])
    let response = documented as ResponseObject | Reference
    if ('$ref' in response) {
      pointer = response.$ref.slice(1)
      response = resolvePointer(this.doc, pointer) as ResponseObject
    }
    const mediaType = answer.contentType.split(';')[0]?.trim() ?? ''
    const content = response.content ?? {}
    if (!(mediaType in content))
      throw new Error(`${where} as ${mediaType}; documented: ${Object.keys(content).join(', ')}`)
    const body = mediaType.endsWith('json') ? JSON.parse(answer.text) : answer.text
    const validate = this.validator(`${pointer}${pointerOf(['content', mediaType, 'schema'])}`)
    if (!validate(body))
      throw new Error(
        `${where} with a body the document does not describe: ` +
          `${problemsOf(validate)}\n${answer.text.slice(0, 500)}`,
      )
    this.exercised.add(`${operation.operationId} ${status}`)
    const error = typeof body === 'object' && body !== null ? (body as Answered).error : undefined
    if (typeof error === 'string') this.exercised.add(`${operation.operationId} ${status} ${error}`)
  }

  /** The refusal codes an operation documents for a status. */
  codesOf(operation: Operation, status: string): string[] {
    const documented = operation.responses[status]
    if (documented === undefined) return []
    const response = (
      '$ref' in documented ? resolvePointer(this.doc, documented.$ref.slice(1)) : documented
    ) as ResponseObject
    const schema = response.content?.['application/json']?.schema
    return schema === undefined ? [] : errorCodesOf(schema, this.doc)
  }
}

/** Ajv's errors, each naming the field (ajv's own text leaves out an extra property's name). */
function problemsOf(validate: ValidateFunction): string {
  return (validate.errors ?? [])
    .map((error) => {
      const extra = (error.params as { additionalProperty?: string }).additionalProperty
      const field = error.instancePath === '' ? 'the body' : error.instancePath
      return `${field} ${error.message ?? ''}${extra === undefined ? '' : `: ${extra}`}`
    })
    .join('; ')
}

function fromFixture(answer: HttpAnswer): Answer {
  return {
    status: answer.status,
    contentType: answer.headers.get('content-type') ?? '',
    text: answer.text,
  }
}

/** Values for a path's parameters where any value does (the call is refused before it is read). */
const sampleParameters: Readonly<Record<string, string>> = {
  id: 'P0000001',
  msisdn: LI,
  code: RINGTONES,
}

function samplePath(path: string): string {
  return path.replace(/\{(\w+)\}/g, (_whole, name: string) => sampleParameters[name] ?? name)
}

/** A terminal's own call: signed by the terminal, no token, no session, no Idempotency-Key. */
function isTerminalCall(operation: Operation): boolean {
  return (operation.security ?? []).some((requirement) => 'terminalSignature' in requirement)
}

function tokenFor(operation: Operation): string | null {
  const scheme = Object.keys(operation.security?.[0] ?? {})[0]
  if (scheme === 'merchantApiKey') return `test_key_${RINGTONES}`
  if (scheme === 'adminToken') return ADMIN_TOKEN
  return null
}

let served: OpenApiDocument
let checker: Checker
let t: GatewayFixture
/** The merchant's webhook receiver, once a test starts it. */
let receiver: CallbackServer | undefined

beforeAll(async () => {
  t = await startTestGateway()
  const answer = await httpRequest(t.url, 'GET', '/api/openapi.json')
  served = answer.json as OpenApiDocument
  checker = new Checker(served)
  checker.check('GET', '/api/openapi.json', fromFixture(answer))
})

afterAll(async () => {
  // The gateway first: it must not be posting to a receiver that is gone.
  await t?.close()
  await receiver?.close()
})

/** A call whose answer is checked against the document before the test reads it. */
async function call(
  method: string,
  path: string,
  options: RequestOptions = {},
): Promise<HttpAnswer> {
  const answer = await httpRequest(t.url, method, path, options)
  checker.check(method, path, fromFixture(answer))
  return answer
}

const merchant = (
  method: string,
  path: string,
  body?: unknown,
  headers: Record<string, string> = {},
  code = RINGTONES,
) => call(method, path, { token: `test_key_${code}`, body, headers })

const admin = (
  method: string,
  path: string,
  body?: unknown,
  headers: Record<string, string> = {},
) => call(method, path, { token: ADMIN_TOKEN, body, headers })

function refused(answer: HttpAnswer, status: number, error: string): void {
  expect({ status: answer.status, error: answer.json?.error }).toEqual({ status, error })
}

describe('the OpenAPI document', () => {
  it('is served at /api/openapi.json without a token, as src/http/openapi holds it', () => {
    expect(served).toEqual(JSON.parse(JSON.stringify(openApiDocument)))
  })

  it('is OpenAPI 3.1: info, paths, resolving $refs, answers and unique operationIds', () => {
    expect(served.openapi).toBe('3.1.0')
    expect(typeof served.info.title).toBe('string')
    expect(typeof served.info.version).toBe('string')
    expect(Object.keys(served.paths).length).toBeGreaterThan(0)
    const unresolved: string[] = []
    const visit = (node: unknown): void => {
      if (typeof node !== 'object' || node === null) return
      const target = (node as { $ref?: unknown }).$ref
      if (typeof target === 'string' && resolvePointer(served, target.slice(1)) === undefined)
        unresolved.push(target)
      for (const child of Object.values(node)) visit(child)
    }
    visit(served)
    expect(unresolved).toEqual([])

    const problems: string[] = []
    const ids = new Set<string>()
    const tagNames = served.tags.map((tag) => tag.name)
    for (const { method, path, operation } of checker.operations) {
      const name = `${method} ${path}`
      if (typeof operation.operationId !== 'string') problems.push(`${name}: no operationId`)
      else if (ids.has(operation.operationId))
        problems.push(`${name}: operationId ${operation.operationId} used twice`)
      ids.add(operation.operationId)
      if (Object.keys(operation.responses ?? {}).length === 0) problems.push(`${name}: no answer`)
      for (const [status, response] of Object.entries(operation.responses)) {
        const resolved = (
          '$ref' in response ? resolvePointer(served, response.$ref.slice(1)) : response
        ) as ResponseObject
        if (!/^[1-5][0-9]{2}$/.test(status)) problems.push(`${name}: status ${status}`)
        if (typeof resolved.description !== 'string') problems.push(`${name} ${status}: words`)
      }
      if (operation.security === undefined) problems.push(`${name}: security not stated`)
      for (const requirement of operation.security ?? [])
        for (const scheme of Object.keys(requirement))
          if (!(scheme in served.components.securitySchemes))
            problems.push(`${name}: unknown security scheme ${scheme}`)
      if (!operation.tags.every((tag) => tagNames.includes(tag)))
        problems.push(`${name}: tags ${operation.tags.join(', ')}`)
      const inPath = [...path.matchAll(/\{(\w+)\}/g)].map((match) => match[1]).sort()
      const declared = (operation.parameters ?? [])
        .filter((parameter) => parameter.in === 'path')
        .map((parameter) => parameter.name)
        .sort()
      if (JSON.stringify(inPath) !== JSON.stringify(declared))
        problems.push(`${name}: path parameters ${declared.join(', ')}`)
    }
    expect(problems).toEqual([])
  })

  it('has schemas ajv compiles strictly, and examples that fit them', () => {
    for (const name of Object.keys(served.components.schemas))
      expect(() => checker.validator(pointerOf(['components', 'schemas', name]))).not.toThrow()
    const misfits: string[] = []
    for (const { method, path, operation } of checker.operations) {
      const content = operation.requestBody?.content ?? {}
      for (const [mediaType, { example }] of Object.entries(content)) {
        if (example === undefined) continue
        const pointer = pointerOf([
          'paths',
          path,
          method.toLowerCase(),
          'requestBody',
          'content',
          mediaType,
          'schema',
        ])
        if (!checker.validator(pointer)(example)) misfits.push(`${operation.operationId}`)
      }
    }
    expect(misfits).toEqual([])
  })

  it('names every route mounted under /api, /admin/api, /metrics, /healthz; no other', () => {
    expect(routeDifferences(mountedRoutes(t.gateway.app), served)).toEqual({
      undocumented: [],
      notMounted: [],
    })
  })

  it('catches a route left out of the document and a field renamed in an answer', async () => {
    const withoutOrders = { ...served, paths: { ...served.paths } }
    delete (withoutOrders.paths as Record<string, unknown>)['/api/v1/orders']
    expect(routeDifferences(mountedRoutes(t.gateway.app), withoutOrders).undocumented).toContain(
      'POST /api/v1/orders',
    )
    const extra = [...mountedRoutes(t.gateway.app), { method: 'GET', path: '/admin/api/extra' }]
    expect(routeDifferences(extra, served).undocumented).toContain('GET /admin/api/extra')

    const answer = await httpRequest(t.url, 'GET', '/admin/api/operating-model', {
      token: ADMIN_TOKEN,
    })
    const { microPaymentMax, ...rest } = answer.json
    const renamed = {
      ...fromFixture(answer),
      text: JSON.stringify({ ...rest, microMax: microPaymentMax }),
    }
    expect(() => checker.check('GET', '/admin/api/operating-model', renamed)).toThrow(
      /must have required property 'microPaymentMax'/,
    )
    const asNumber = {
      ...fromFixture(answer),
      text: JSON.stringify({ ...rest, microPaymentMax: 5 }),
    }
    expect(() => checker.check('GET', '/admin/api/operating-model', asNumber)).toThrow(
      /microPaymentMax must be string/,
    )
    const teapot = { ...fromFixture(answer), status: 418 }
    expect(() => checker.check('GET', '/admin/api/operating-model', teapot)).toThrow(
      /answered 418, which is not documented/,
    )
  })
})

describe('the merchant API, as documented', () => {
  it('asks for a payment, reads it and its trail, and refuses what it must', async () => {
    const created = await merchant(
      'POST',
      '/api/v1/payment-requests',
      {
        msisdn: LI,
        amount: '100.00',
        reference: 'ring-1',
        callbackUrl: 'http://127.0.0.1:9/telepay/callback',
      },
      { 'idempotency-key': 'pay-1' },
    )
    expect(created.status).toBe(202)
    const id = created.json.id as string
    refused(
      await merchant(
        'POST',
        '/api/v1/payment-requests',
        { msisdn: LI, amount: '99.00', reference: 'ring-1' },
        { 'idempotency-key': 'pay-1' },
      ),
      409,
      'idempotency_key_reused',
    )
    for (const [body, error] of [
      [{ msisdn: 'x', amount: '1.00', reference: 'r' }, 'msisdn_invalid'],
      [{ msisdn: LI, amount: '1.001', reference: 'r' }, 'amount_too_precise'],
      [{ msisdn: LI, amount: '-1', reference: 'r' }, 'amount_not_positive'],
      [{ msisdn: LI, reference: 'r' }, 'amount_invalid'],
      [{ msisdn: LI, amount: '1.00' }, 'reference_invalid'],
      [{ msisdn: LI, amount: '1.00', reference: 'r', description: 7 }, 'description_invalid'],
      [{ msisdn: LI, amount: '1.00', reference: 'r', account: 'gold' }, 'account_invalid'],
      [
        { msisdn: LI, amount: '1.00', reference: 'r', callbackUrl: 'ftp://x' },
        'callback_url_invalid',
      ],
      [[1], 'body_invalid'],
    ] as const)
      refused(await merchant('POST', '/api/v1/payment-requests', body), 400, error)
    refused(
      await merchant(
        'POST',
        '/api/v1/payment-requests',
        { msisdn: LI },
        {
          'idempotency-key': 'k'.repeat(256),
        },
      ),
      400,
      'idempotency_key_invalid',
    )
    refused(
      await merchant('POST', '/api/v1/payment-requests', {
        msisdn: NOBODY,
        amount: '1.00',
        reference: 'r',
      }),
      422,
      'payer_not_registered',
    )

    expect((await merchant('GET', `/api/v1/payment-requests/${id}`)).json.status).toBe(
      'pending_authorization',
    )
    expect((await merchant('GET', `/api/v1/payment-requests/${id}/trail`)).status).toBe(200)
    for (const path of [`/api/v1/payment-requests/${id}`, `/api/v1/payment-requests/${id}/trail`]) {
      // Another merchant's payment is as unknown as no payment.
      refused(await merchant('GET', path, undefined, {}, CINEMA), 404, 'payment_not_found')
      refused(await merchant('GET', path.replace(id, 'P9999999')), 404, 'payment_not_found')
    }
    // A pending payment can be neither refunded nor delivered.
    refused(
      await merchant('POST', `/api/v1/payments/${id}/refunds`, { amount: '1.00' }),
      422,
      'payment_not_refundable',
    )
    refused(
      await merchant('POST', `/api/v1/payments/${id}/delivery`, {}),
      422,
      'payment_not_completed',
    )

    expect((await t.confirm(LI, LI_PIN)).ok).toBe(true)
    const paid = await merchant('GET', `/api/v1/payment-requests/${id}`)
    expect(paid.json.status).toBe('completed')
    const trail = await merchant('GET', `/api/v1/payment-requests/${id}/trail`)
    expect(trail.json.complete).toBe(true)
  })

  it('refunds, reports delivery, opens orders and settles a day', async () => {
    const created = await merchant('POST', '/api/v1/payment-requests', {
      msisdn: LI,
      amount: '40.00',
      reference: 'ring-2',
      account: 'bank',
    })
    const id = created.json.id as string
    expect((await t.confirm(LI, LI_PIN)).ok).toBe(true)

    const refund = await merchant(
      'POST',
      `/api/v1/payments/${id}/refunds`,
      { amount: '10.00' },
      { 'idempotency-key': 'refund-1' },
    )
    expect(refund.status).toBe(201)
    expect(refund.json).toMatchObject({ refunded: '10.00', remaining: '30.00' })
    refused(
      await merchant(
        'POST',
        `/api/v1/payments/${id}/refunds`,
        { amount: '11.00' },
        { 'idempotency-key': 'refund-1' },
      ),
      409,
      'idempotency_key_reused',
    )
    refused(
      await merchant('POST', `/api/v1/payments/${id}/refunds`, { amount: '500.00' }),
      422,
      'refund_exceeds_payment',
    )
    refused(
      await merchant('POST', `/api/v1/payments/${id}/refunds`, { amount: 'ten' }),
      400,
      'amount_invalid',
    )
    refused(
      await merchant('POST', '/api/v1/payments/P9999999/refunds', { amount: '1.00' }),
      404,
      'payment_not_found',
    )

    const delivered = await merchant(
      'POST',
      `/api/v1/payments/${id}/delivery`,
      { note: 'sent' },
      { 'idempotency-key': 'delivery-1' },
    )
    expect(delivered.status).toBe(200)
    expect(delivered.json.delivered).toBe(true)
    // No body at all is a delivery without a note.
    expect(
      (await call('POST', `/api/v1/payments/${id}/delivery`, { token: 'test_key_1001' })).status,
    ).toBe(200)
    refused(
      await merchant(
        'POST',
        `/api/v1/payments/${id}/delivery`,
        { note: 'other words' },
        { 'idempotency-key': 'delivery-1' },
      ),
      409,
      'idempotency_key_reused',
    )
    refused(
      await merchant('POST', `/api/v1/payments/${id}/delivery`, { note: 'x'.repeat(141) }),
      400,
      'note_invalid',
    )
    refused(
      await merchant('POST', '/api/v1/payments/P9999999/delivery', {}),
      404,
      'payment_not_found',
    )

    const order = await merchant(
      'POST',
      '/api/v1/orders',
      { amount: '80.00', reference: 'o-1' },
      { 'idempotency-key': 'order-1' },
    )
    expect(order.status).toBe(201)
    refused(
      await merchant(
        'POST',
        '/api/v1/orders',
        { amount: '81.00', reference: 'o-1' },
        { 'idempotency-key': 'order-1' },
      ),
      409,
      'idempotency_key_reused',
    )
    refused(
      await merchant('POST', '/api/v1/orders', { amount: '0', reference: 'o' }),
      400,
      'amount_not_positive',
    )

    const day = await merchant('GET', `/api/v1/settlements?date=${t.localDate()}`)
    expect(day.json).toMatchObject({ merchant: RINGTONES, payments: 2 })
    refused(await merchant('GET', '/api/v1/settlements?date=today'), 400, 'date_invalid')
  })

  it("reads the portal's views: merchant, payments, sales, orders, webhooks, CSV", async () => {
    receiver = await startCallbackServer(() => t.nowMs())
    const created = await merchant('POST', '/api/v1/payment-requests', {
      msisdn: LI,
      amount: '5.00',
      reference: 'ring-3',
      callbackUrl: receiver.url,
    })
    const id = created.json.id as string
    expect((await t.confirm(LI, LI_PIN)).ok).toBe(true)
    await t.advance(0)
    await receiver.arrival(1)

    expect((await merchant('GET', '/api/v1/merchant')).json).toMatchObject({
      code: RINGTONES,
      apiKeyLast4: RINGTONES,
    })
    const secret = await merchant('GET', '/api/v1/merchant/webhook-secret')
    expect(secret.headers.get('cache-control')).toBe('no-store')
    expect(secret.json.webhookSecret).toBe(`test_secret_${RINGTONES}`)

    const page = await merchant('GET', '/api/v1/payments?limit=1')
    expect(page.json.payments.map((payment: { id: string }) => payment.id)).toEqual([id])
    const older = await merchant('GET', `/api/v1/payments?status=completed&before=${id}`)
    expect(older.json.payments).toHaveLength(2)
    refused(await merchant('GET', '/api/v1/payments?limit=0'), 400, 'limit_invalid')
    refused(await merchant('GET', '/api/v1/payments?status=paid'), 400, 'status_invalid')
    expect((await merchant('GET', `/api/v1/payments/${id}`)).json.trail.complete).toBe(true)
    // Another merchant's payment is as unknown as no payment.
    refused(
      await merchant('GET', `/api/v1/payments/${id}`, undefined, {}, CINEMA),
      404,
      'payment_not_found',
    )
    refused(await merchant('GET', '/api/v1/payments/P9999999'), 404, 'payment_not_found')

    const sales = await merchant('GET', '/api/v1/sales')
    expect(sales.json.days).toHaveLength(14)
    const sold = sales.json.days.map((day: { payments: number }) => day.payments)
    expect(sold.reduce((sum: number, payments: number) => sum + payments)).toBe(3)
    const twoDays = await merchant('GET', `/api/v1/sales?from=${t.localDate(-1)}`)
    expect(twoDays.json.days).toHaveLength(2)
    refused(await merchant('GET', '/api/v1/sales?from=yesterday'), 400, 'date_invalid')
    refused(await merchant('GET', `/api/v1/sales?from=${t.localDate(-31)}`), 400, 'range_invalid')

    const orders = await merchant('GET', '/api/v1/orders?limit=1')
    expect(orders.json.orders[0]).toMatchObject({ reference: 'o-1', status: 'open' })
    expect((await merchant('GET', `/api/v1/orders?before=${orders.json.next}`)).status).toBe(200)
    refused(await merchant('GET', '/api/v1/orders?limit=x'), 400, 'limit_invalid')

    const deliveries = await merchant('GET', '/api/v1/webhooks/deliveries?limit=1')
    const [delivery] = deliveries.json.deliveries
    expect(delivery).toMatchObject({ paymentId: id, state: 'delivered' })
    expect(delivery.tries[0].statusCode).toBe(200)
    await merchant('GET', `/api/v1/webhooks/deliveries?before=${deliveries.json.next}`)
    refused(await merchant('GET', '/api/v1/webhooks/deliveries?before=x'), 400, 'before_invalid')

    const csv = await merchant('GET', `/api/v1/settlements.csv?date=${t.localDate()}`)
    expect(csv.text).toContain(`${t.localDate()},${RINGTONES},net,`)
    refused(await merchant('GET', '/api/v1/settlements.csv?date=today'), 400, 'date_invalid')
  })

  it('opens a web checkout and follows it', async () => {
    const opened = await merchant('POST', '/api/v1/checkouts', {
      amount: '12.00',
      reference: 'basket-1',
      returnUrl: 'https://shop.example/return',
    })
    expect(opened.status).toBe(201)
    expect(opened.json.url).toBe(`/checkout/${opened.json.id}`)
    const path = `/api/v1/checkouts/${opened.json.id}`
    expect((await merchant('GET', path)).json.status).toBe('open')
    refused(await merchant('GET', path, undefined, {}, CINEMA), 404, 'checkout_not_found')
    for (const [body, error] of [
      [{ amount: '1.00', reference: 'b', returnUrl: 'ftp://shop.example/' }, 'return_url_invalid'],
      [{ amount: '1.00', returnUrl: 'https://shop.example/' }, 'reference_invalid'],
    ] as const)
      refused(await merchant('POST', '/api/v1/checkouts', body), 400, error)
  })
})

describe('the admin API, as documented', () => {
  const WANG = '8613500135000'

  it('registers and changes subscribers, links cards and tops up', async () => {
    const registered = await admin(
      'POST',
      '/admin/api/subscribers',
      { msisdn: WANG, name: 'Wang Fang', pin: '2468', language: 'zh' },
      { 'idempotency-key': 'reg-1' },
    )
    expect(registered.status).toBe(201)
    refused(
      await admin(
        'POST',
        '/admin/api/subscribers',
        { msisdn: WANG, name: 'Wang Fang 2', pin: '2468' },
        { 'idempotency-key': 'reg-1' },
      ),
      409,
      'idempotency_key_reused',
    )
    refused(
      await admin('POST', '/admin/api/subscribers', { msisdn: WANG, name: 'Wang', pin: '2468' }),
      422,
      'already_registered',
    )
    refused(
      await admin('POST', '/admin/api/subscribers', {
        msisdn: '8613500135009',
        name: '',
        pin: '1',
      }),
      400,
      'name_invalid',
    )

    expect((await admin('GET', `/admin/api/subscribers/${LI}`)).json.accounts).toHaveLength(3)
    refused(await admin('GET', '/admin/api/subscribers/abc'), 400, 'msisdn_invalid')
    refused(await admin('GET', `/admin/api/subscribers/${NOBODY}`), 404, 'payer_not_registered')

    const changed = await admin(
      'PATCH',
      `/admin/api/subscribers/${WANG}`,
      { creditLimit: '30.00' },
      { 'idempotency-key': 'change-1' },
    )
    expect(changed.status).toBe(200)
    refused(
      await admin(
        'PATCH',
        `/admin/api/subscribers/${WANG}`,
        { creditLimit: '31.00' },
        { 'idempotency-key': 'change-1' },
      ),
      409,
      'idempotency_key_reused',
    )
    refused(
      await admin('PATCH', `/admin/api/subscribers/${WANG}`, { language: 'fr' }),
      400,
      'language_invalid',
    )
    refused(
      await admin('PATCH', `/admin/api/subscribers/${NOBODY}`, { name: 'Nobody' }),
      422,
      'payer_not_registered',
    )

    const unlocked = await admin('POST', `/admin/api/subscribers/${WANG}/unlock`, undefined, {
      'idempotency-key': 'unlock-1',
    })
    expect(unlocked.json.locked).toBe(false)
    refused(
      await admin('POST', `/admin/api/subscribers/${HAN}/unlock`, undefined, {
        'idempotency-key': 'unlock-1',
      }),
      409,
      'idempotency_key_reused',
    )
    refused(await admin('POST', '/admin/api/subscribers/abc/unlock'), 400, 'msisdn_invalid')
    refused(
      await admin('POST', `/admin/api/subscribers/${NOBODY}/unlock`),
      422,
      'payer_not_registered',
    )

    const card = await admin(
      'PUT',
      `/admin/api/subscribers/${WANG}/card`,
      { bank: 'BOC', last4: '4321', bankBalance: '300.00' },
      { 'idempotency-key': 'card-1' },
    )
    expect(card.status).toBe(200)
    expect(card.json.accounts).toContainEqual(expect.objectContaining({ account: 'bank' }))
    refused(
      await admin(
        'PUT',
        `/admin/api/subscribers/${WANG}/card`,
        { bank: 'BOC', last4: '9999' },
        { 'idempotency-key': 'card-1' },
      ),
      409,
      'idempotency_key_reused',
    )
    refused(
      await admin('PUT', `/admin/api/subscribers/${WANG}/card`, { bank: 'boc', last4: '1' }),
      400,
      'bank_invalid',
    )
    refused(
      await admin('PUT', `/admin/api/subscribers/${NOBODY}/card`, { bank: 'BOC', last4: '1111' }),
      422,
      'payer_not_registered',
    )

    const topUp = await admin(
      'POST',
      `/admin/api/subscribers/${HAN}/top-ups`,
      { amount: '25.00' },
      { 'idempotency-key': 'top-1' },
    )
    expect(topUp.status).toBe(201)
    expect(topUp.json).toMatchObject({ account: 'wallet', amount: '25.00', balance: '45.00' })
    refused(
      await admin(
        'POST',
        `/admin/api/subscribers/${HAN}/top-ups`,
        { amount: '26.00' },
        { 'idempotency-key': 'top-1' },
      ),
      409,
      'idempotency_key_reused',
    )
    refused(
      await admin('POST', `/admin/api/subscribers/${HAN}/top-ups`, { amount: 25 }),
      400,
      'amount_invalid',
    )
    refused(
      await admin('POST', `/admin/api/subscribers/${NOBODY}/top-ups`, { amount: '1.00' }),
      422,
      'payer_not_registered',
    )
  })

  it('opens and changes merchants and orders', async () => {
    expect((await admin('GET', '/admin/api/merchants')).json.merchants).toHaveLength(5)
    expect((await admin('GET', `/admin/api/merchants/${RINGTONES}`)).json.code).toBe(RINGTONES)
    refused(await admin('GET', '/admin/api/merchants/9999'), 404, 'merchant_not_found')

    const opened = await admin(
      'POST',
      '/admin/api/merchants',
      { code: '5001', name: 'Tea House', settlementBank: 'BOC', feeBasisPoints: 150 },
      { 'idempotency-key': 'merchant-1' },
    )
    expect(opened.status).toBe(201)
    expect(opened.json.apiKey).toMatch(/^tp_key_/)
    refused(
      await admin(
        'POST',
        '/admin/api/merchants',
        { code: '5002', name: 'Tea House' },
        { 'idempotency-key': 'merchant-1' },
      ),
      409,
      'idempotency_key_reused',
    )
    refused(
      await admin('POST', '/admin/api/merchants', { code: '5001', name: 'Again' }),
      409,
      'merchant_already_exists',
    )
    refused(
      await admin('POST', '/admin/api/merchants', {
        code: '5003',
        name: 'Copy',
        apiKey: opened.json.apiKey,
      }),
      409,
      'api_key_in_use',
    )
    refused(
      await admin('POST', '/admin/api/merchants', { code: 'x', name: 'X' }),
      400,
      'code_invalid',
    )

    const rotated = await admin(
      'PATCH',
      '/admin/api/merchants/5001',
      { rotateApiKey: true, feeBasisPoints: 120 },
      { 'idempotency-key': 'rotate-1' },
    )
    expect(rotated.json).toMatchObject({ feeBasisPoints: 120, apiKey: expect.any(String) })
    refused(
      await admin(
        'PATCH',
        '/admin/api/merchants/5001',
        { feeBasisPoints: 130 },
        { 'idempotency-key': 'rotate-1' },
      ),
      409,
      'idempotency_key_reused',
    )
    refused(
      await admin('PATCH', '/admin/api/merchants/5001', { feeBasisPoints: 'many' }),
      400,
      'feeBasisPoints_invalid',
    )
    refused(
      await admin('PATCH', '/admin/api/merchants/9999', { name: 'X' }),
      404,
      'merchant_not_found',
    )

    const order = await admin(
      'POST',
      '/admin/api/orders',
      { merchantCode: CINEMA, amount: '80.00', reference: 'cinema-7' },
      { 'idempotency-key': 'order-1' },
    )
    expect(order.status).toBe(201)
    refused(
      await admin(
        'POST',
        '/admin/api/orders',
        { merchantCode: CINEMA, amount: '81.00' },
        { 'idempotency-key': 'order-1' },
      ),
      409,
      'idempotency_key_reused',
    )
    refused(
      await admin('POST', '/admin/api/orders', {
        merchantCode: CINEMA,
        amount: '1.00',
        orderNo: '880001',
      }),
      409,
      'order_already_exists',
    )
    refused(
      await admin('POST', '/admin/api/orders', { merchantCode: '9999', amount: '1.00' }),
      404,
      'merchant_not_found',
    )
    refused(
      await admin('POST', '/admin/api/orders', { merchantCode: 'x', amount: '1' }),
      400,
      'merchantCode_invalid',
    )
  })

  it('exports and loads the world', async () => {
    const world = await admin('GET', '/admin/api/world')
    expect(world.text).toContain('subscribers:')
    const yaml = { 'content-type': 'application/yaml' }
    const loaded = await call('POST', '/admin/api/world', {
      token: ADMIN_TOKEN,
      rawBody: "subscribers: []\nmerchants:\n  - { code: '6001', name: Noodle Bar }\n",
      headers: yaml,
    })
    expect(loaded.json).toMatchObject({ added: { merchants: 1 } })
    const invalid = await call('POST', '/admin/api/world', {
      token: ADMIN_TOKEN,
      rawBody: 'merchants:\n  - { code: x }\n',
      headers: yaml,
    })
    refused(invalid, 400, 'world_invalid')
    expect(invalid.json.problems.length).toBeGreaterThan(0)
    refused(
      await call('POST', '/admin/api/world', { token: ADMIN_TOKEN, rawBody: '', headers: yaml }),
      400,
      'body_invalid',
    )
  })

  it('checks the ledger, in the foreground and as background jobs', async () => {
    expect((await admin('GET', '/admin/api/ledger/check')).json.balanced).toBe(true)
    refused(await admin('GET', '/admin/api/ledger/check?mode=half'), 400, 'mode_invalid')
    // Two at once: the first starts a job, the second is given the one running.
    const started = await Promise.all([
      admin('POST', '/admin/api/ledger/checks'),
      admin('POST', '/admin/api/ledger/checks'),
    ])
    expect(started.map((answer) => answer.status).sort()).toEqual([200, 202])
    const jobPath = started.find((answer) => answer.status === 202)?.headers.get('location') ?? ''
    expect(jobPath).toMatch(/^\/admin\/api\/ledger\/checks\/check-\d+$/)
    for (let polls = 0; polls < 200; polls += 1) {
      const job = await admin('GET', jobPath)
      if (job.json.state !== 'running') {
        expect(job.json.result.balanced).toBe(true)
        break
      }
      await new Promise((resolve) => setTimeout(resolve, 20))
    }
    refused(await admin('GET', '/admin/api/ledger/checks/check-999'), 404, 'not_found')
  })

  it('pages transactions, messages and calls, and shows trails and the outbox', async () => {
    const sms = await httpRequest(t.url, 'POST', '/sim/mo', { body: { from: LI, text: 'BAL' } })
    expect(sms.status).toBe(202)
    const callAnswer = await httpRequest(t.url, 'POST', '/ivr/calls', { body: { from: LI } })
    await httpRequest(t.url, 'DELETE', `/ivr/calls/${callAnswer.json.callId}`)

    const page = await admin('GET', '/admin/api/transactions?limit=1')
    expect(page.json.transactions).toHaveLength(1)
    expect(page.json.nextBefore).not.toBeNull()
    await admin('GET', `/admin/api/transactions?msisdn=${LI}&before=${page.json.nextBefore}`)
    refused(await admin('GET', '/admin/api/transactions?limit=0'), 400, 'limit_invalid')
    refused(await admin('GET', '/admin/api/transactions?before=yesterday'), 400, 'before_invalid')
    const found = await admin(
      'GET',
      `/admin/api/transactions?status=completed&channel=api&merchant=${RINGTONES}&reference=ring-1`,
    )
    expect(found.json.transactions).toHaveLength(1)
    for (const [query, error] of [
      ['status=paid', 'status_invalid'],
      ['channel=SMS!', 'channel_invalid'],
      ['merchant=x', 'merchant_invalid'],
      [`reference=${'r'.repeat(65)}`, 'reference_invalid'],
    ] as const)
      refused(await admin('GET', `/admin/api/transactions?${query}`), 400, error)
    const paid = await admin('GET', `/admin/api/payments/${found.json.transactions[0].id}`)
    expect(paid.json.transfers.map((transfer: { total: string }) => transfer.total)).toEqual([
      '0.00',
    ])
    refused(await admin('GET', '/admin/api/payments/P9999999'), 404, 'payment_not_found')

    // The MO's reply is recorded as the SMS channel sends it.
    for (let polls = 0; polls < 100; polls += 1) {
      const messages = await admin('GET', `/admin/api/messages?msisdn=${LI}`)
      if (messages.json.messages.length >= 2) break
      await new Promise((resolve) => setTimeout(resolve, 20))
    }
    refused(await admin('GET', '/admin/api/messages?msisdn=12'), 400, 'msisdn_invalid')
    refused(await admin('GET', `/admin/api/messages?msisdn=${LI}&before=x`), 400, 'before_invalid')

    expect((await admin('GET', '/admin/api/calls')).json.calls.length).toBeGreaterThan(0)
    refused(await admin('GET', '/admin/api/calls?limit=9999'), 400, 'limit_invalid')

    expect((await admin('GET', '/admin/api/payments/last/trail')).status).toBe(200)
    refused(await admin('GET', '/admin/api/payments/P9999999/trail'), 404, 'payment_not_found')

    await admin('GET', '/admin/api/outbox')
    // The callback of the first payment request found nobody listening: it waits to be retried.
    expect(
      (await admin('GET', '/admin/api/outbox?kind=webhook')).json.outbox.length,
    ).toBeGreaterThan(0)
  })

  it('moves the test clock, sets the bank, settles and shows the operating model', async () => {
    const before = (await admin('GET', '/admin/api/clock')).json
    expect(before.clock).toBe('test')
    const moved = await admin('POST', '/admin/api/clock', { advanceSeconds: 1 })
    expect(Date.parse(moved.json.now) - Date.parse(before.now)).toBe(1_000)
    refused(await admin('POST', '/admin/api/clock', { advanceSeconds: -1 }), 400, 'advance_invalid')
    expect((await admin('GET', '/admin/api/bank')).json.mode).toBe('approve')
    expect((await admin('POST', '/admin/api/bank', { mode: 'approve', slowMs: 10 })).status).toBe(
      200,
    )
    refused(await admin('POST', '/admin/api/bank', { mode: 'sleepy' }), 400, 'mode_invalid')
    const day = await admin('GET', `/admin/api/settlements?date=${t.localDate()}`)
    expect(day.json.merchants.length).toBeGreaterThan(0)
    refused(await admin('GET', '/admin/api/settlements'), 400, 'date_invalid')
    const csv = await admin('GET', `/admin/api/settlements.csv?date=${t.localDate()}`)
    expect(csv.headers.get('content-disposition')).toMatch(/^attachment; filename=/)
    expect(csv.text).toContain(`${t.localDate()},merchant,${RINGTONES},`)
    refused(await admin('GET', '/admin/api/settlements.csv?date=today'), 400, 'date_invalid')
    expect((await admin('GET', '/admin/api/operating-model')).json.accounts.length).toBeGreaterThan(
      0,
    )
  })

  it("lists the merchants' webhooks and sends one again", async () => {
    // The newest is the portal test's, delivered to its receiver: it is sent again.
    const page = await admin('GET', '/admin/api/webhooks?limit=1')
    const [webhook] = page.json.webhooks
    expect(webhook.state).toBe('delivered')
    await admin('GET', `/admin/api/webhooks?before=${page.json.nextBefore}`)
    refused(await admin('GET', '/admin/api/webhooks?limit=0'), 400, 'limit_invalid')
    refused(await admin('GET', '/admin/api/webhooks?before=x'), 400, 'before_invalid')
    const resent = await admin('POST', `/admin/api/webhooks/${webhook.id}/resend`)
    expect(resent.json).toMatchObject({ id: webhook.id, state: 'pending', deliveredAt: null })
    refused(await admin('POST', '/admin/api/webhooks/999999/resend'), 404, 'webhook_not_found')
    refused(await admin('POST', '/admin/api/webhooks/x/resend'), 400, 'webhook_id_invalid')
  })

  it('lists and ends the open USSD sessions and the calls in progress', async () => {
    // A payment made in a USSD session: its page carries the session's exchange.
    for (const text of ['', '2', '2*1001', '2*1001*2', '2*1001*2*1', `2*1001*2*1*${LI_PIN}`]) {
      const hop = await ussdHop(t.url, 'openapi-pay', LI, text)
      expect(hop.status).toBe(200)
    }
    const paid = await admin('GET', '/admin/api/payments/last')
    expect(paid.json.exchange.channel).toBe('ussd')
    const dial = await ussdHop(t.url, 'openapi-1', LI, '')
    expect(dial.status).toBe(200)
    const sessions = await admin('GET', '/admin/api/ussd/sessions')
    const [session] = sessions.json.sessions
    const key = encodeURIComponent(session.key)
    expect((await admin('DELETE', `/admin/api/ussd/sessions/${key}`)).json.ended).toBe(true)
    refused(await admin('DELETE', `/admin/api/ussd/sessions/${key}`), 404, 'session_not_found')
    refused(await admin('DELETE', '/admin/api/ussd/sessions/%%'), 400, 'request_unreadable')
    const call = await t.request('POST', '/ivr/calls', { body: { from: LI, to: '12588' } })
    const callId = (call.json as { callId: string }).callId
    expect((await admin('GET', '/admin/api/calls/active')).json.calls).toHaveLength(1)
    expect((await admin('DELETE', `/admin/api/calls/${callId}`)).json.ended).toBe(true)
    refused(await admin('DELETE', `/admin/api/calls/${callId}`), 404, 'call_not_found')
    refused(await admin('DELETE', '/admin/api/calls/%%'), 400, 'request_unreadable')
  })

  it('reports the clearing, reconciles the float, reads a card, blacklists it', async () => {
    const load = await t.request('POST', `/sim/cards/${HAN}/loads`, { body: { amount: '10.00' } })
    expect(load.status).toBe(201)
    await t.request('POST', '/sim/terminals/BUS00001/taps', { body: { msisdn: HAN } })
    expect((await t.request('POST', '/sim/terminals/BUS00001/uploads')).status).toBe(200)
    const date = t.localDate()
    expect((await admin('GET', `/admin/api/clearing?date=${date}`)).json.total.purchases).toBe(1)
    refused(await admin('GET', '/admin/api/clearing?date=yesterday'), 400, 'date_invalid')
    expect((await admin('GET', `/admin/api/clearing.csv?date=${date}`)).status).toBe(200)
    refused(await admin('GET', '/admin/api/clearing.csv'), 400, 'date_invalid')
    expect((await admin('GET', '/admin/api/purses/reconciliation')).json.balanced).toBe(true)
    expect((await admin('GET', `/admin/api/cards/${HAN}`)).json.cleared).toHaveLength(1)
    refused(await admin('GET', '/admin/api/cards/nobody'), 400, 'card_invalid')
    refused(await admin('GET', '/admin/api/cards/%%'), 400, 'request_unreadable')
    const listed = await admin('PUT', `/admin/api/cards/${HAN}/blacklist`, { listed: true })
    expect(listed.json.blacklisted).toBe(true)
    expect((await admin('GET', '/admin/api/blacklist')).json.cards).toHaveLength(1)
    await admin('PUT', `/admin/api/cards/${HAN}/blacklist`, { listed: false })
    refused(await admin('PUT', `/admin/api/cards/${HAN}/blacklist`, {}), 400, 'listed_invalid')
    refused(
      await admin('PUT', '/admin/api/cards/nobody/blacklist', { listed: true }),
      400,
      'card_invalid',
    )
    refused(
      await admin('PUT', `/admin/api/cards/${NOBODY}/blacklist`, { listed: true }),
      422,
      'payer_not_registered',
    )
    // A top-up to a phone out of reach stays open until the operator closes it.
    await t.request('PUT', `/sim/cards/${HAN}/ota`, { body: { fault: 'off' } })
    const topUp = { kind: 'load_card', msisdn: HAN, amountMinor: 500n, funding: 'wallet' } as const
    expect((await t.phone({ ...topUp, authorize: true }, { pin: HAN_PIN })).ok).toBe(true)
    await t.advance(0)
    const loads = (await admin('GET', '/admin/api/card-loads')).json.loads as {
      paymentId: string
    }[]
    expect(loads).toHaveLength(1)
    const close = `/admin/api/card-loads/${loads[0]?.paymentId}/close`
    const closed = await admin('POST', close, { outcome: 'refunded', reason: 'SIM destroyed' })
    expect(closed.json.outcome).toBe('refunded')
    refused(
      await admin('POST', close, { outcome: 'refunded', reason: 'again' }),
      409,
      'load_closed',
    )
    refused(
      await admin('POST', '/admin/api/card-loads/P0/close', { outcome: 'loaded', reason: 'x' }),
      404,
      'load_not_found',
    )
    refused(await admin('POST', close, { outcome: 'maybe', reason: 'x' }), 400, 'outcome_invalid')
    refused(await admin('POST', close, { outcome: 'loaded', reason: '' }), 400, 'reason_invalid')
    await t.request('PUT', `/sim/cards/${HAN}/ota`, { body: { fault: null } })
  })

  it("takes a terminal's signed batch and gives its blacklist, refusing what it must", async () => {
    const keys = new KeyStore(testMasterKeys)
    const busId = '300100000001'
    const key = keys.terminalKey(busId)
    await t.request('POST', `/sim/cards/${LI}/loads`, { body: { amount: '5.00' } })
    const recordOf = async () => {
      const tap = await t.request('POST', '/sim/terminals/BUS00001/taps', { body: { msisdn: LI } })
      const receipt = tap.json.receipt
      return {
        terminalSerial: receipt.terminalSerial,
        cardNumber: receipt.cardNumber,
        cardSerial: receipt.cardSerial,
        type: 6,
        amountFen: 200,
        balanceAfterFen: Math.round(Number(receipt.balanceAfter) * 100),
        date: receipt.date,
        time: receipt.time,
        tac: receipt.tac,
        keyVersion: 1,
      }
    }
    const record = await recordOf()
    const another = await recordOf()
    const upload = (terminal: string, body: string, signature?: string) =>
      call('POST', `/api/v1/terminals/${terminal}/batches`, {
        rawBody: body,
        headers: {
          'content-type': 'application/x-ndjson',
          ...(signature === undefined ? {} : { 'x-telepay-signature': signature }),
        },
      })
    const body = batchFileOf({ batchNo: 'OA1', terminalId: busId, records: [record] })
    const cleared = await upload('BUS00001', body, signBatch(body, key))
    expect(cleared.status, cleared.text).toBe(200)
    const other = batchFileOf({ batchNo: 'OA1', terminalId: busId, records: [another] })
    refused(await upload('BUS00001', other, signBatch(other, key)), 409, 'batch_number_reused')
    refused(await upload('BUS00001', body), 401, 'signature_required')
    refused(await upload('BUS00001', body, signBatch('x', key)), 401, 'signature_invalid')
    refused(await upload('BUS09999', body, signBatch(body, key)), 404, 'terminal_not_found')
    refused(await upload('%%', body, signBatch(body, key)), 400, 'request_unreadable')
    const posKey = keys.terminalKey('100100000011')
    refused(await upload('POS10011', body, signBatch(body, posKey)), 400, 'terminal_mismatch')
    const bad = 'not json\n'
    refused(await upload('BUS00001', bad, signBatch(bad, key)), 400, 'line_invalid')
    const json = await call('POST', '/api/v1/terminals/BUS00001/batches', { body: {} })
    refused(json, 415, 'content_type_invalid')
    const path = '/api/v1/terminals/BUS00001/blacklist'
    const signed = { 'x-telepay-signature': signBatch(path, key) }
    expect((await call('GET', path, { headers: signed })).json.terminal).toBe('BUS00001')
    refused(await call('GET', path), 401, 'signature_required')
    refused(
      await call('GET', '/api/v1/terminals/BUS09999/blacklist', { headers: signed }),
      404,
      'terminal_not_found',
    )
    refused(await call('GET', '/api/v1/terminals/%%/blacklist'), 400, 'request_unreadable')
  })

  it('shows the overview, streams it, and lists and ends SMPP binds', async () => {
    const client = await bindEsme(t)
    try {
      const binds = await admin('GET', '/admin/api/smpp/binds')
      expect(binds.json.mode).toBe('simulator')
      const bind = binds.json.binds.find(
        (candidate: { systemId: string }) => candidate.systemId === 'telepay',
      )
      expect((await admin('GET', '/admin/api/overview')).json.smpp.binds).toHaveLength(1)
      expect((await admin('DELETE', `/admin/api/smpp/binds/${bind.id}`)).json.unbound).toBe(true)
      refused(await admin('DELETE', `/admin/api/smpp/binds/${bind.id}`), 404, 'bind_not_found')
      refused(await admin('DELETE', '/admin/api/smpp/binds/x'), 400, 'bind_id_invalid')
    } finally {
      await client.close()
    }

    const streams: AbortController[] = []
    try {
      const first = await openStream(streams)
      const { answer, data } = await firstOverview(first)
      checker.check('GET', '/admin/api/overview/stream', answer)
      const overview = checker.validator(pointerOf(['components', 'schemas', 'Overview']))
      expect(overview(JSON.parse(data)) ? '' : problemsOf(overview)).toBe('')
      // The first stays open, so the limit less one more fill the streams: the next is refused.
      await Promise.all(
        Array.from({ length: overviewStreamLimits.streamsMax - 1 }, () => openStream(streams)),
      )
      refused(await admin('GET', '/admin/api/overview/stream'), 503, 'streams_full')
    } finally {
      for (const stream of streams) stream.abort()
    }
  })
})

/** Opens an overview stream with the admin token; `streams` keeps it to be aborted. */
async function openStream(streams: AbortController[]): Promise<Response> {
  const controller = new AbortController()
  streams.push(controller)
  const response = await fetch(`${t.url}/admin/api/overview/stream`, {
    headers: { authorization: `Bearer ${ADMIN_TOKEN}` },
    signal: controller.signal,
  })
  expect(response.status).toBe(200)
  return response
}

/** The stream's answer up to its first overview event, and that event's data. */
async function firstOverview(response: Response): Promise<{ answer: Answer; data: string }> {
  const reader = response.body?.getReader()
  if (reader === undefined) throw new Error('the stream has no body')
  const decoder = new TextDecoder()
  const event = /event: overview\ndata: ([^\n]*)\n\n/
  let text = ''
  let found = event.exec(text)
  while (found === null) {
    const { value, done } = await reader.read()
    if (done) throw new Error(`the stream ended before an overview: ${text}`)
    text += decoder.decode(value, { stream: true })
    found = event.exec(text)
  }
  const answer = {
    status: response.status,
    contentType: response.headers.get('content-type') ?? '',
    text: text.slice(0, found.index + found[0].length),
  }
  return { answer, data: found[1] ?? '' }
}

describe('the operations calls and the refusals every call shares', () => {
  it('answers /healthz open and /metrics with the admin token', async () => {
    expect((await call('GET', '/healthz')).json.status).toBe('ready')
    expect((await admin('GET', '/metrics')).text).toContain('telepay_commands_total')
  })

  it('refuses every call without its token (401)', async () => {
    for (const { method, path, operation } of checker.operations) {
      if (tokenFor(operation) === null) continue
      refused(await call(method, samplePath(path)), 401, 'unauthorized')
    }
  })

  it("refuses a session's change without the page's CSRF token (403); lets reads by", async () => {
    const sessions: Readonly<Record<string, WebLogin>> = {
      consoleSession: await webLogin(t.url, '/console', ADMIN_TOKEN),
      merchantSession: await webLogin(t.url, '/merchant', `test_key_${RINGTONES}`),
    }
    const sessionCall = async (
      login: WebLogin,
      method: string,
      path: string,
      options: { body?: unknown; csrf?: boolean } = {},
    ): Promise<Answer> => {
      const response = await login.call(method, path, options)
      const answer = {
        status: response.status,
        contentType: response.headers.get('content-type') ?? '',
        text: await response.text(),
      }
      checker.check(method, path, answer)
      return answer
    }
    for (const { method, path, operation } of checker.operations) {
      if (method === 'GET' || isTerminalCall(operation)) continue
      const scheme = (operation.security ?? [])
        .flatMap((requirement) => Object.keys(requirement))
        .find((name) => name in sessions)
      const login = sessions[scheme ?? '']
      if (login === undefined) throw new Error(`${operation.operationId} takes no session`)
      const answer = await sessionCall(login, method, samplePath(path), { csrf: false })
      expect({ status: answer.status, error: JSON.parse(answer.text).error }).toEqual({
        status: 403,
        error: 'csrf_invalid',
      })
    }
    const { consoleSession, merchantSession } = sessions
    if (consoleSession === undefined || merchantSession === undefined) throw new Error('no login')
    expect((await sessionCall(consoleSession, 'GET', '/admin/api/clock')).status).toBe(200)
    const unlock = `/admin/api/subscribers/${LI}/unlock`
    expect((await sessionCall(consoleSession, 'POST', unlock)).status).toBe(200)
    expect((await sessionCall(merchantSession, 'GET', '/api/v1/merchant')).status).toBe(200)
    const body = { amount: '3.00', reference: 'portal-1' }
    expect((await sessionCall(merchantSession, 'POST', '/api/v1/orders', { body })).status).toBe(
      201,
    )
  })

  it('refuses bodies malformed (400), too large (413), in a foreign charset (415)', async () => {
    for (const { method, path, operation } of checker.operations) {
      if (operation.requestBody?.content['application/json'] === undefined) continue
      const target = samplePath(path)
      const token = tokenFor(operation)
      const json = { 'content-type': 'application/json' }
      refused(
        await call(method, target, { token, rawBody: '{', headers: json }),
        400,
        'invalid_json',
      )
      refused(
        await call(method, target, { token, rawBody: '"text"', headers: json }),
        400,
        'body_invalid',
      )
      const large = JSON.stringify({ pad: 'x'.repeat(70_000) })
      refused(
        await call(method, target, { token, rawBody: large, headers: json }),
        413,
        'body_too_large',
      )
      const latin = { 'content-type': 'application/json; charset=latin-9' }
      refused(
        await call(method, target, { token, rawBody: '{}', headers: latin }),
        415,
        'request_unreadable',
      )
    }
  })

  it('refuses an Idempotency-Key over 255 characters on every merchant call (400)', async () => {
    for (const { method, path, operation } of checker.operations) {
      // A terminal's batch number is its key: it sends no Idempotency-Key.
      if (!path.startsWith('/api/v1/') || isTerminalCall(operation)) continue
      const headers = { 'idempotency-key': 'k'.repeat(256) }
      const answer = await call(method, samplePath(path), { token: tokenFor(operation), headers })
      refused(answer, 400, 'idempotency_key_invalid')
    }
  })

  it('refuses a path that does not decode (400) on every call with a path parameter', async () => {
    for (const { method, path, operation } of checker.operations) {
      if (!path.includes('{')) continue
      const target = path
        .replace(/\{\w+\}/, '%%')
        .replace(/\{(\w+)\}/g, (_w, n: string) => sampleParameters[n] ?? n)
      refused(await call(method, target, { token: tokenFor(operation) }), 400, 'request_unreadable')
    }
  })

  it('answers 503 system_busy to every call while stopping; 409 on the system clock', async () => {
    const stopping = await startTestGateway({ overrides: { clock: 'system' } })
    let closed: Promise<void> | null = null
    try {
      const clock = await httpRequest(stopping.url, 'POST', '/admin/api/clock', {
        token: ADMIN_TOKEN,
        body: { advanceSeconds: 1 },
      })
      checker.check('POST', '/admin/api/clock', fromFixture(clock))
      refused(clock, 409, 'no_test_clock')
      const system = await httpRequest(stopping.url, 'GET', '/admin/api/clock', {
        token: ADMIN_TOKEN,
      })
      checker.check('GET', '/admin/api/clock', fromFixture(system))
      expect(system.json.clock).toBe('system')

      // Connections opened before the stop bring their request after it: each is refused.
      const url = new URL(stopping.url)
      const sockets: Socket[] = []
      for (const _operation of checker.operations) {
        const socket = connect(Number(url.port), url.hostname)
        await once(socket, 'connect')
        sockets.push(socket)
      }
      closed = stopping.close()
      const answers = await Promise.all(
        checker.operations.map(({ method, path, operation }, index) =>
          rawCall(sockets[index]!, method, samplePath(path), tokenFor(operation)),
        ),
      )
      checker.operations.forEach(({ method, path }, index) => {
        const answer = answers[index]!
        checker.check(method, samplePath(path), answer)
        expect({ status: answer.status, error: JSON.parse(answer.text).error }).toEqual({
          status: 503,
          error: 'system_busy',
        })
      })
    } finally {
      await (closed ?? stopping.close())
    }
  })

  // It reads what every test above produced: it means something only when the file runs whole.
  it(`produced every documented answer but the ${unexercised.length} listed exceptions`, () => {
    expect(unexercised.length).toBeLessThanOrEqual(3)
    const excepted = checker.operations.flatMap(({ operation }) =>
      unexercised
        .filter((exception) =>
          (operation.security ?? []).some((requirement) => exception.security in requirement),
        )
        .filter((exception) =>
          checker.codesOf(operation, exception.status).includes(exception.error),
        )
        .map((exception) => `${operation.operationId} ${exception.status} ${exception.error}`),
    )
    // A status is excused only when each code it documents is excepted: a change's 403 is
    // also a session's missing CSRF token, which a call produces.
    const excused = (operation: Operation, status: string): boolean => {
      const codes = checker.codesOf(operation, status)
      return (
        codes.length > 0 &&
        codes.every((code) => excepted.includes(`${operation.operationId} ${status} ${code}`))
      )
    }
    const neverProduced = checker.operations.flatMap(({ operation }) =>
      Object.keys(operation.responses)
        .filter((status) => !checker.exercised.has(`${operation.operationId} ${status}`))
        .filter((status) => !excused(operation, status))
        .map((status) => `${operation.operationId} ${status}`),
    )
    expect({
      neverProduced,
      exceptedButProduced: excepted.filter((answer) => checker.exercised.has(answer)),
    }).toEqual({ neverProduced: [], exceptedButProduced: [] })
    // Each exception excuses something: an exception that matches nothing is stale.
    for (const { status, error } of unexercised)
      expect(excepted.some((answer) => answer.endsWith(` ${status} ${error}`))).toBe(true)
  })
})

/** A request on a connection opened earlier (one taken before the gateway began to stop). */
function rawCall(
  socket: Socket,
  method: string,
  path: string,
  token: string | null,
): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const outgoing = request(
      {
        method,
        path,
        headers: token === null ? {} : { authorization: `Bearer ${token}` },
        createConnection: () => socket,
      },
      (incoming) => {
        const chunks: Buffer[] = []
        incoming.on('data', (chunk: Buffer) => chunks.push(chunk))
        incoming.on('end', () =>
          resolve({
            status: incoming.statusCode ?? 0,
            contentType: incoming.headers['content-type'] ?? '',
            text: Buffer.concat(chunks).toString('utf8'),
          }),
        )
        incoming.on('error', reject)
      },
    )
    outgoing.on('error', reject)
    outgoing.end()
  })
}
