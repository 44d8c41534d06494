/**
 * ussd-steps.test.ts - the `ussd` and `expect_ussd` conformance steps: what they post (Africa's
 * Talking's form, inputs joined by `*`, one session per MSISDN), and that every failure names
 * what was seen. Against a stub aggregator peer on 127.0.0.1 for the wire details, and against
 * a fresh gateway through the runner for the real answers.
 */

import type { IncomingMessage, Server, ServerResponse } from 'node:http'
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { parse } from 'yaml'
import type { ScriptContext } from '../../src/tools/conformance/context.js'
import { StepFailure } from '../../src/tools/conformance/context.js'
import { runScript } from '../../src/tools/conformance/runner.js'
import { parseScript } from '../../src/tools/conformance/script.js'
import { stepHandlers } from '../../src/tools/conformance/steps.js'
import { ussdSteps } from '../../src/tools/conformance/ussd-steps.js'

interface Posted {
  readonly contentType: string | undefined
  readonly form: Record<string, string>
}

/** A stand-in for the gateway's POST /ussd: records each form, answers from a queue. */
class StubUssdPeer {
  readonly posted: Posted[] = []
  answers: { status: number; body: string }[] = []
  private server: Server | null = null

  async start(): Promise<string> {
    this.server = createServer((request: IncomingMessage, response: ServerResponse) => {
      const chunks: Buffer[] = []
      request.on('data', (chunk: Buffer) => chunks.push(chunk))
      request.on('end', () => {
        this.posted.push({
          contentType: request.headers['content-type'],
          form: Object.fromEntries(new URLSearchParams(Buffer.concat(chunks).toString('utf8'))),
        })
        const answer = this.answers.shift() ?? { status: 200, body: 'CON telepay\n1 Balance' }
        response
          .writeHead(answer.status, { 'content-type': 'text/plain; charset=utf-8' })
          .end(answer.body)
      })
    })
    const server = this.server
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
    return `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  }

  async stop(): Promise<void> {
    const server = this.server
    if (server !== null) await new Promise<void>((resolve) => server.close(() => resolve()))
  }
}

const peer = new StubUssdPeer()
let target = ''

beforeAll(async () => {
  target = await peer.start()
})
afterAll(() => peer.stop())

function contextFor(url: string): ScriptContext {
  return {
    target: url,
    smpp: { host: '127.0.0.1', port: 1 },
    pos: null,
    smppSystemId: 'telepay',
    smppPassword: 'telepay',
    adminToken: 'token',
    runId: 'run42',
    scriptName: 'ussd steps test',
    vars: new Map(),
    lastHttp: null,
    channelState: new Map(),
    cleanups: [],
  }
}

function step(
  kind: 'ussd' | 'expect_ussd',
): (args: unknown, context: ScriptContext) => Promise<void> {
  const handler = ussdSteps[kind]
  if (handler === undefined) throw new Error(`no ${kind} step`)
  return handler
}

async function failureOf(work: Promise<void>): Promise<string> {
  try {
    await work
  } catch (error) {
    if (error instanceof StepFailure) return error.message
    throw error
  }
  throw new Error('the step passed')
}

describe('the ussd step against a stub aggregator peer', () => {
  let context: ScriptContext
  beforeEach(() => {
    peer.posted.length = 0
    peer.answers = []
    context = contextFor(target)
  })

  it("posts as Africa's Talking: dial as serviceCode, text empty, inputs joined by *", async () => {
    peer.answers = [
      { status: 200, body: 'CON Pay CNY 25.00 to merchant 1001 from:' },
      { status: 200, body: 'CON Enter your PIN' },
      { status: 200, body: 'END Paid' },
    ]
    await step('ussd')({ from: '8613800138000', dial: '*123*2*1001*25#' }, context)
    await step('ussd')({ from: '8613800138000', input: '1' }, context)
    await step('ussd')({ from: '8613800138000', input: '2*5' }, context)
    expect(peer.posted.map((posted) => posted.form['text'])).toEqual(['', '1', '1*2*5'])
    expect(peer.posted.map((posted) => posted.form['serviceCode'])).toEqual([
      '*123*2*1001*25#',
      '*123*2*1001*25#',
      '*123*2*1001*25#',
    ])
    const [first] = peer.posted
    expect(first?.contentType).toBe('application/x-www-form-urlencoded')
    expect(first?.form['phoneNumber']).toBe('8613800138000')
    expect(first?.form['sessionId']).toMatch(/run42/)
    expect(new Set(peer.posted.map((posted) => posted.form['sessionId'])).size).toBe(1)
    await step('expect_ussd')({ type: 'END', contains: 'Paid' }, context)
  })

  it('keeps one session per MSISDN, and a new dial opens a new session id', async () => {
    peer.answers = [
      { status: 200, body: 'CON for A' },
      { status: 200, body: 'CON for B' },
      { status: 200, body: 'END A done' },
      { status: 200, body: 'CON B again' },
      { status: 200, body: 'CON A anew' },
    ]
    await step('ussd')({ from: '8613800138000', dial: '*123#' }, context)
    await step('ussd')({ from: '8613800138001', dial: '*123#' }, context)
    await step('ussd')({ from: '8613800138000', input: '1' }, context)
    await step('ussd')({ from: '8613800138001', input: '7' }, context)
    await step('ussd')({ from: '8613800138000', dial: '*123#' }, context)
    const sessions = peer.posted.map((posted) => posted.form['sessionId'])
    expect(sessions[2]).toBe(sessions[0])
    expect(sessions[3]).toBe(sessions[1])
    expect(new Set([sessions[0], sessions[1], sessions[4]]).size).toBe(3)
    expect(peer.posted[3]?.form['text']).toBe('7')
    expect(peer.posted[4]?.form['text']).toBe('')
    // Without from: the last answer of any session; with from: that MSISDN's last answer.
    await step('expect_ussd')({ type: 'CON', contains: 'A anew' }, context)
    await step('expect_ussd')({ from: '8613800138001', type: 'CON', contains: 'B again' }, context)
    expect(
      await failureOf(
        step('expect_ussd')({ from: '8613800138001', type: 'CON', contains: 'A anew' }, context),
      ),
    ).toBe(
      'expect_ussd: the USSD answer to 8613800138001 was CON "B again", ' +
        'expected CON containing "A anew"',
    )
  })

  it('fails an input without an open session, naming the MSISDN and how to open one', async () => {
    expect(await failureOf(step('ussd')({ from: '8613800138000', input: '1' }, context))).toBe(
      'ussd: no USSD session open for 8613800138000: dial first (ussd: { from: ' +
        '"8613800138000", dial: "*123#" })',
    )
    peer.answers = [{ status: 200, body: 'CON menu' }]
    await step('ussd')({ from: '8613800138000', dial: '*123#' }, context)
    expect(await failureOf(step('ussd')({ from: '8613900139000', input: '1' }, context))).toMatch(
      /^ussd: no USSD session open for 8613900139000/,
    )
    expect(peer.posted).toHaveLength(1)
  })

  it('fails an input after the session answered END, quoting that END', async () => {
    peer.answers = [{ status: 200, body: 'END Balance: wallet CNY 500.00' }]
    await step('ussd')({ from: '8613800138000', dial: '*123*1#' }, context)
    expect(await failureOf(step('ussd')({ from: '8613800138000', input: '1' }, context))).toBe(
      'ussd: the session of 8613800138000 is over: its last answer was END "Balance: ' +
        'wallet CNY 500.00"; dial again to type more',
    )
    expect(peer.posted).toHaveLength(1)
  })

  it('refuses an unquoted number as input, since YAML has already turned 00 into 0', async () => {
    peer.answers = [{ status: 200, body: 'CON menu' }]
    await step('ussd')({ from: '8613800138000', dial: '*123#' }, context)
    const message = await failureOf(step('ussd')(parse('{ from: "1", input: 00 }'), context))
    expect(message).toMatch(/^ussd: input must be a quoted string/)
    expect(message).toContain('YAML read this one as 0 ')
    expect(peer.posted).toHaveLength(1)
  })

  it('fails a step with both or neither of dial and input', async () => {
    expect(
      await failureOf(step('ussd')({ from: '8613800138000', dial: '*123#', input: '1' }, context)),
    ).toBe('ussd: give dial or input, not both')
    expect(await failureOf(step('ussd')({ from: '8613800138000' }, context))).toBe(
      'ussd: give dial (open a session) or input (type into the open one)',
    )
    expect(await failureOf(step('ussd')({ dial: '*123#' }, context))).toBe('ussd: from is required')
  })

  it('fails on an answer that is not a 200 CON/END, naming the status and the body', async () => {
    peer.answers = [
      { status: 400, body: 'Bad request: serviceCode is not a USSD string like *123#' },
    ]
    expect(
      await failureOf(step('ussd')({ from: '8613800138000', dial: '*123*R1#' }, context)),
    ).toBe(
      'ussd: POST /ussd (dial *123*R1# from 8613800138000) answered 400: "Bad request: ' +
        'serviceCode is not a USSD string like *123#"',
    )
    peer.answers = [
      { status: 200, body: 'CON menu' },
      { status: 200, body: 'Welcome' },
    ]
    await step('ussd')({ from: '8613800138000', dial: '*123#' }, context)
    const message = await failureOf(step('ussd')({ from: '8613800138000', input: '1234' }, context))
    expect(message).toBe(
      'ussd: POST /ussd (input 1 (4 characters) from 8613800138000) answered "Welcome", ' +
        'which starts with neither "CON " nor "END "',
    )
    // An input may be a PIN: the failure says how long it was, never what it was.
    expect(message).not.toContain('1234')
  })

  it('fails when nothing listens, naming the request', async () => {
    const closed = new StubUssdPeer()
    const url = await closed.start()
    await closed.stop()
    expect(
      await failureOf(step('ussd')({ from: '8613800138000', dial: '*123#' }, contextFor(url))),
    ).toMatch(/^ussd: POST \/ussd \(dial \*123# from 8613800138000\) got no answer: /)
  })

  it('fails expect_ussd before any answer, and on a type that is not CON or END', async () => {
    expect(await failureOf(step('expect_ussd')({ type: 'CON' }, context))).toBe(
      'expect_ussd: no USSD answer before it (open a session with ussd: { from, dial })',
    )
    expect(
      await failureOf(step('expect_ussd')({ from: '8613800138000', type: 'CON' }, context)),
    ).toBe('expect_ussd: no USSD session was opened for 8613800138000')
    expect(await failureOf(step('expect_ussd')({ type: 'con' }, context))).toBe(
      'expect_ussd: type is CON or END',
    )
    expect(await failureOf(step('expect_ussd')({ contains: 'x' }, context))).toBe(
      'expect_ussd: type is CON or END',
    )
  })
})

describe('the ussd steps against a fresh gateway', () => {
  const options = { target: null, smpp: null, adminToken: 'test_admin_token' }

  it('are registered, no longer planned', () => {
    expect(stepHandlers['ussd']).toBeDefined()
    expect(stepHandlers['expect_ussd']).toBeDefined()
  })

  it('fail a wrong type and a wrong text with the answer the gateway gave', async () => {
    const wrongType = parseScript(
      'inline.yaml',
      `
name: wrong type
steps:
  - ussd: { from: "8613800138000", dial: "*123#" }
  - ussd: { from: "8613800138000", input: "1" }
  - expect_ussd: { type: CON, contains: "wallet CNY 500.00" }
`,
    )
    expect((await runScript(wrongType, options)).failure).toBe(
      'step 3 (expect_ussd): the USSD answer to 8613800138000 was END "Balance: ' +
        'wallet CNY 500.00, phone bill CNY 50.00, bank card ICBC *1234 CNY 10000.00.", ' +
        'expected CON containing "wallet CNY 500.00"',
    )
    const wrongText = parseScript(
      'inline.yaml',
      `
name: wrong text
steps:
  - ussd: { from: "8613800138001", dial: "*123*2#" }
  - expect_ussd: { type: CON, matches: "(?i)merchant code" }
`,
    )
    expect((await runScript(wrongText, options)).failure).toBe(
      'step 2 (expect_ussd): the USSD answer to 8613800138001 was CON "请输入商户编号", ' +
        'expected CON matching /merchant code/i',
    )
  })

  it('fail an input with no session before any request reaches the gateway', async () => {
    const script = parseScript(
      'inline.yaml',
      'name: no session\nsteps:\n  - ussd: { from: "8613800138000", input: "1" }\n',
    )
    const outcome = await runScript(script, options)
    expect(outcome.stepsRun).toBe(0)
    expect(outcome.failure).toBe(
      'step 1 (ussd): no USSD session open for 8613800138000: dial first (ussd: { from: ' +
        '"8613800138000", dial: "*123#" })',
    )
  })
})
