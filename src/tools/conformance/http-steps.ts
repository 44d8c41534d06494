/**
 * http-steps.ts - the core-level conformance steps: the merchant API (`merchant`,
 * `expect_http`), balances (`expect_balance`), the ledger check (`expect_ledger`) and the test
 * clock (`advance_clock`). They use only the gateway's public HTTP endpoints.
 */
import { createHash } from 'node:crypto'
import type { HttpAnswer, ScriptContext } from './context.js'
import { interpolate, StepFailure } from './context.js'
import { record, requireString } from './step-args.js'

export type StepHandler = (args: unknown, context: ScriptContext) => Promise<void>

export async function httpCall(
  context: ScriptContext,
  method: string,
  path: string,
  headers: Record<string, string>,
  body?: unknown,
): Promise<HttpAnswer> {
  const response = await fetch(new URL(path, context.target), {
    method,
    headers: { ...headers, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    signal: AbortSignal.timeout(10_000),
  })
  const text = await response.text()
  let json: unknown = null
  try {
    json = text === '' ? null : JSON.parse(text)
  } catch {
    json = null
  }
  return { status: response.status, json, text }
}

export async function admin(
  context: ScriptContext,
  method: string,
  path: string,
  body?: unknown,
): Promise<HttpAnswer> {
  const answer = await httpCall(
    context,
    method,
    path,
    { authorization: `Bearer ${context.adminToken}` },
    body,
  )
  if (answer.status >= 400)
    throw new StepFailure(`admin ${method} ${path} answered ${answer.status}: ${answer.text}`)
  return answer
}

/**
 * Whether `actual` has every field of `expected` with an equal value (arrays element by element).
 */
export function jsonSubset(expected: unknown, actual: unknown): boolean {
  if (Array.isArray(expected)) {
    return (
      Array.isArray(actual) &&
      actual.length === expected.length &&
      expected.every((item, index) => jsonSubset(item, actual[index]))
    )
  }
  if (typeof expected === 'object' && expected !== null) {
    if (typeof actual !== 'object' || actual === null) return false
    return Object.entries(expected).every(([key, value]) =>
      jsonSubset(value, (actual as Record<string, unknown>)[key]),
    )
  }
  return expected === actual
}

function fieldOf(json: unknown, path: string): unknown {
  return path
    .split('.')
    .reduce<unknown>(
      (value, part) =>
        typeof value === 'object' && value !== null
          ? (value as Record<string, unknown>)[part]
          : undefined,
      json,
    )
}

let merchantCalls = 0

const merchant: StepHandler = async (rawArgs, context) => {
  const args = record(interpolate(rawArgs, context.vars), 'merchant')
  const as = requireString(args, 'as', 'merchant')
  const method =
    typeof args['post'] === 'string'
      ? 'POST'
      : typeof args['get'] === 'string'
        ? 'GET'
        : String(args['method'] ?? '').toUpperCase()
  const rawPath = args['post'] ?? args['get'] ?? args['path']
  if ((method !== 'POST' && method !== 'GET') || typeof rawPath !== 'string')
    throw new StepFailure('merchant: give post: PATH or get: PATH (or method and path)')
  const path = rawPath.startsWith('/') ? rawPath : `/api/v1/${rawPath}`
  const apiKey = as.startsWith('test_key_') ? as : `test_key_${as}`
  merchantCalls += 1
  // A default key unique to this run, script and call; hashed so that a long script name keeps it
  // short.
  const scriptHash = createHash('sha256').update(context.scriptName).digest('hex').slice(0, 16)
  const key =
    typeof args['idempotency_key'] === 'string'
      ? args['idempotency_key']
      : `${context.runId}:${scriptHash}:${merchantCalls}`
  const headers: Record<string, string> = { authorization: `Bearer ${apiKey}` }
  if (method === 'POST') headers['idempotency-key'] = key
  context.lastHttp = await httpCall(
    context,
    method,
    path,
    headers,
    method === 'POST' ? (args['body'] ?? {}) : undefined,
  )
}

const expectHttp: StepHandler = async (rawArgs, context) => {
  const args = record(interpolate(rawArgs, context.vars), 'expect_http')
  const last = context.lastHttp
  if (last === null) throw new StepFailure('expect_http: no HTTP call before it')
  if (args['status'] !== undefined && Number(args['status']) !== last.status) {
    throw new StepFailure(
      `expect_http: expected status ${String(args['status'])}, got ${last.status}: ` +
        `${last.text.slice(0, 300)}`,
    )
  }
  if (args['json'] !== undefined && !jsonSubset(args['json'], last.json)) {
    throw new StepFailure(
      `expect_http: body ${last.text.slice(0, 400)} does not contain ` +
        `${JSON.stringify(args['json'])}`,
    )
  }
  const save = args['save']
  if (save !== undefined) {
    for (const [name, path] of Object.entries(record(save, 'expect_http.save'))) {
      const value = fieldOf(last.json, String(path))
      if (value === undefined || value === null)
        throw new StepFailure(`expect_http: save ${name}: the body has no ${String(path)}`)
      context.vars.set(name, String(value))
    }
  }
  return Promise.resolve()
}

const expectBalance: StepHandler = async (rawArgs, context) => {
  const args = record(interpolate(rawArgs, context.vars), 'expect_balance')
  const msisdn = requireString(args, 'msisdn', 'expect_balance')
  const account = requireString(args, 'account', 'expect_balance')
  const equals = requireString(args, 'equals', 'expect_balance')
  const answer = await admin(context, 'GET', `/admin/api/subscribers/${encodeURIComponent(msisdn)}`)
  const accounts =
    (answer.json as { accounts?: { account: string; balance: string | null }[] }).accounts ?? []
  const found = accounts.find((candidate) => candidate.account === account)
  if (found === undefined)
    throw new StepFailure(`expect_balance: ${msisdn} has no ${account} account`)
  if (found.balance !== equals)
    throw new StepFailure(
      `expect_balance: ${msisdn} ${account} is ${String(found.balance)}, expected ${equals}`,
    )
}

const expectLedger: StepHandler = async (args, context) => {
  if (args !== 'balanced')
    throw new StepFailure('expect_ledger: the only expectation is "balanced"')
  const answer = await admin(context, 'GET', '/admin/api/ledger/check')
  if ((answer.json as { balanced?: boolean }).balanced !== true)
    throw new StepFailure(`expect_ledger: not balanced: ${answer.text.slice(0, 400)}`)
  // The e-purse float holds what the cards hold as far as the platform knows, plus the loads on
  // their way to cards.
  const purses = await admin(context, 'GET', '/admin/api/purses/reconciliation')
  if ((purses.json as { balanced?: boolean }).balanced !== true)
    throw new StepFailure(`expect_ledger: the float does not reconcile: ${purses.text}`)
}

const advanceClock: StepHandler = async (rawArgs, context) => {
  const args = record(rawArgs, 'advance_clock')
  const seconds = Number(args['seconds'])
  if (!Number.isFinite(seconds) || seconds < 0)
    throw new StepFailure('advance_clock: seconds is a non-negative number')
  await admin(context, 'POST', '/admin/api/clock', { advanceSeconds: seconds })
}

export const httpSteps: Readonly<Record<string, StepHandler>> = {
  merchant,
  expect_http: expectHttp,
  expect_balance: expectBalance,
  expect_ledger: expectLedger,
  advance_clock: advanceClock,
}
