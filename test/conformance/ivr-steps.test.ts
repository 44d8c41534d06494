/**
 * ivr-steps.test.ts - the IVR conformance steps (`call`, `dtmf`, `silence`, `hangup`,
 * `expect_prompt`, `expect_ended`): what they send to the dial-in simulation (the answered
 * step, the keys as typed), that live calls are hung up when a script ends, and that every
 * failure names what was seen and never the keys typed. Against a stub simulation on 127.0.0.1
 * for the wire details, and against a fresh gateway through the runner for the real answers.
 */

import type { IncomingMessage, Server, ServerResponse } from 'node:http'
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { parse } from 'yaml'
import type { ScriptContext } from '../../src/tools/conformance/context.js'
import { StepFailure } from '../../src/tools/conformance/context.js'
import { ivrSteps } from '../../src/tools/conformance/ivr-steps.js'
import { runScript } from '../../src/tools/conformance/runner.js'
import { parseScript } from '../../src/tools/conformance/script.js'
import { plannedSteps, stepHandlers } from '../../src/tools/conformance/steps.js'
import { pattern } from '../support/pattern.js'

interface Received {
  readonly method: string
  readonly path: string
  readonly body: unknown
}

/** A stand-in for the gateway's /ivr/calls: records each request, answers from a queue. */
class StubSimulation {
  readonly received: Received[] = []
  answers: { status: number; body: unknown }[] = []
  private server: Server | null = null

  async start(): Promise<string> {
    this.server = createServer((request: IncomingMessage, response: ServerResponse) => {
      const chunks: Buffer[] = []
      request.on('data', (chunk: Buffer) => chunks.push(chunk))
      request.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8')
        this.received.push({
          method: request.method ?? '',
          path: request.url ?? '',
          body: text === '' ? null : (JSON.parse(text) as unknown),
        })
        const answer = this.answers.shift() ?? {
          status: 200,
          body: liveAnswer(['Welcome to telepay.']),
        }
        response
          .writeHead(answer.status, { 'content-type': 'application/json' })
          .end(typeof answer.body === 'string' ? answer.body : JSON.stringify(answer.body))
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

function liveAnswer(prompts: string[], step = 1, callId = 'sim-1'): unknown {
  return { callId, step, prompts, gather: { digitsMax: 1 }, ended: false, outcome: null }
}

function endedAnswer(prompts: string[], outcome: string, step = 2, callId = 'sim-1'): unknown {
  return { callId, step, prompts, gather: null, ended: true, outcome }
}

const stub = new StubSimulation()
let target = ''

beforeAll(async () => {
  target = await stub.start()
})
afterAll(() => stub.stop())

function contextFor(url: string): ScriptContext {
  return {
    target: url,
    smpp: { host: '127.0.0.1', port: 1 },
    pos: null,
    smppSystemId: 'telepay',
    smppPassword: 'telepay',
    adminToken: 'token',
    runId: 'run42',
    scriptName: 'ivr steps test',
    vars: new Map(),
    lastHttp: null,
    channelState: new Map(),
    cleanups: [],
  }
}

function step(kind: string): (args: unknown, context: ScriptContext) => Promise<void> {
  const handler = ivrSteps[kind]
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

describe('the IVR steps against a stub simulation', () => {
  let context: ScriptContext
  beforeEach(() => {
    stub.received.length = 0
    stub.answers = []
    context = contextFor(target)
  })

  it('starts a call, then answers each question with the step it answers', async () => {
    stub.answers = [
      {
        status: 201,
        body: liveAnswer(['Welcome to telepay.', 'For your balance, press 1.'], 1, 'sim-a'),
      },
      { status: 200, body: liveAnswer(['Enter the order number, then press hash.'], 2, 'sim-a') },
      { status: 200, body: liveAnswer(['Sorry, I did not hear a key press.'], 3, 'sim-a') },
      { status: 200, body: endedAnswer([], 'hung_up', 4, 'sim-a') },
    ]
    await step('call')({ from: '8613800138000', to: '12588' }, context)
    await step('expect_prompt')({ contains: 'Welcome to telepay. For your balance' }, context)
    await step('dtmf')({ digits: '2' }, context)
    await step('silence')({}, context)
    await step('hangup')({}, context)
    await step('expect_ended')({ outcome: 'hung_up' }, context)
    expect(stub.received).toEqual([
      { method: 'POST', path: '/ivr/calls', body: { from: '8613800138000', to: '12588' } },
      { method: 'POST', path: '/ivr/calls/sim-a/digits', body: { digits: '2', step: 1 } },
      { method: 'POST', path: '/ivr/calls/sim-a/silence', body: { step: 2 } },
      { method: 'DELETE', path: '/ivr/calls/sim-a', body: null },
    ])
  })

  it('fails expect_prompt with the prompts it heard', async () => {
    stub.answers = [
      { status: 201, body: liveAnswer(['Welcome to telepay.', 'For your balance, press 1.']) },
    ]
    await step('call')({ from: '8613800138000' }, context)
    expect(await failureOf(step('expect_prompt')({ contains: 'Goodbye' }, context))).toBe(
      'expect_prompt: the call\'s last prompts were "Welcome to telepay. For your balance, ' +
        'press 1.", expected prompts containing "Goodbye"',
    )
    expect(await failureOf(step('expect_prompt')({ matches: '(?i)^paid' }, context))).toMatch(
      /expected prompts matching \/\^paid\/i$/,
    )
  })

  it('fails expect_ended on a live call, and on an ending other than expected', async () => {
    stub.answers = [
      { status: 201, body: liveAnswer(['Enter your PIN, then press hash.']) },
      { status: 200, body: endedAnswer(['Goodbye.'], 'failed_input') },
    ]
    await step('call')({ from: '8613800138000' }, context)
    expect(await failureOf(step('expect_ended')({}, context))).toBe(
      'expect_ended: the call is still live (waiting for keys) after the prompts "Enter ' +
        'your PIN, then press hash."',
    )
    await step('silence')({}, context)
    await step('expect_ended')({}, context)
    expect(await failureOf(step('expect_ended')({ outcome: 'completed' }, context))).toBe(
      'expect_ended: the call ended with outcome failed_input, expected completed',
    )
  })

  it('fails dtmf, silence, hangup and expectations without a call, sending nothing', async () => {
    expect(await failureOf(step('dtmf')({ digits: '1' }, context))).toBe(
      'dtmf: no call before it: start one with call: { from: "8613800138000" }',
    )
    expect(await failureOf(step('silence')({}, context))).toMatch(/^silence: no call before it/)
    expect(await failureOf(step('hangup')({}, context))).toMatch(/^hangup: no call before it/)
    expect(await failureOf(step('expect_prompt')({ contains: 'x' }, context))).toBe(
      'expect_prompt: no IVR answer before it (start a call with call: { from })',
    )
    expect(await failureOf(step('expect_ended')({}, context))).toMatch(
      /^expect_ended: no IVR answer before it/,
    )
    expect(stub.received).toHaveLength(0)
  })

  it('fails dtmf on an ended call with how it ended and its last prompts', async () => {
    stub.answers = [
      { status: 201, body: liveAnswer(['Menu.']) },
      { status: 200, body: endedAnswer(['Thank you for calling telepay. Goodbye.'], 'completed') },
    ]
    await step('call')({ from: '8613800138000' }, context)
    await step('dtmf')({ digits: '1' }, context)
    expect(await failureOf(step('dtmf')({ digits: '2' }, context))).toBe(
      'dtmf: the call is over (completed): its last prompts were "Thank you for calling ' +
        'telepay. Goodbye."; call again to go on',
    )
    expect(stub.received).toHaveLength(2)
  })

  it('names the status and body of a refusal but never the keys typed', async () => {
    stub.answers = [
      { status: 201, body: liveAnswer(['Enter your PIN, then press hash.'], 6) },
      { status: 409, body: { error: 'step_stale', message: 'step 6 was answered already' } },
    ]
    await step('call')({ from: '8613800138000' }, context)
    const message = await failureOf(step('dtmf')({ digits: '4321#' }, context))
    expect(message).toBe(
      'dtmf: POST /ivr/calls/sim-1/digits (5 keys at step 6) answered 409: ' +
        '"{\\"error\\":\\"step_stale\\",\\"message\\":\\"step 6 was answered already\\"}"',
    )
    expect(message).not.toContain('4321')
  })

  it('fails on an answer that is not an IVR answer, quoting it', async () => {
    stub.answers = [{ status: 201, body: '<Response><Say>Hello</Say></Response>' }]
    expect(await failureOf(step('call')({ from: '8613800138000' }, context))).toBe(
      'call: POST /ivr/calls (from 8613800138000) answered 201 ' +
        '"<Response><Say>Hello</Say></Response>", which is not an IVR answer',
    )
  })

  it('refuses digits YAML read as a number, and keys a phone lacks, sending nothing', async () => {
    await step('call')({ from: '8613800138000' }, context)
    const args = parse('{ digits: 0012 }')
    expect(await failureOf(step('dtmf')(args, context))).toMatch(
      /^dtmf: digits must be a quoted string: YAML read this one as a number/,
    )
    const letters = await failureOf(step('dtmf')({ digits: '12A4' }, context))
    expect(letters).toBe('dtmf: digits are keys of a phone: 0-9, * and # (4 characters given)')
    expect(stub.received).toHaveLength(1)
  })

  it('keeps the older call when a new one starts; hangs up live calls at the end', async () => {
    stub.answers = [
      { status: 201, body: liveAnswer(['First.'], 1, 'sim-a') },
      { status: 201, body: liveAnswer(['Second.'], 1, 'sim-b') },
      { status: 200, body: liveAnswer(['Second, next.'], 2, 'sim-b') },
    ]
    await step('call')({ from: '8613800138000' }, context)
    await step('call')({ from: '8613800138001' }, context)
    await step('dtmf')({ digits: '1' }, context)
    await step('expect_prompt')({ matches: '^Second, next\\.$' }, context)
    expect(stub.received.map((received) => `${received.method} ${received.path}`)).toEqual([
      'POST /ivr/calls',
      'POST /ivr/calls',
      'POST /ivr/calls/sim-b/digits',
    ])
    for (const cleanup of context.cleanups.reverse()) await cleanup()
    expect(
      stub.received
        .slice(3)
        .map((received) => `${received.method} ${received.path}`)
        .sort(),
    ).toEqual(['DELETE /ivr/calls/sim-a', 'DELETE /ivr/calls/sim-b'])
  })
})

describe('the IVR steps against a fresh gateway', () => {
  const options = { target: null, smpp: null, adminToken: 'test_admin_token' }

  it('are registered, no longer planned', () => {
    for (const kind of ['call', 'dtmf', 'silence', 'hangup', 'expect_prompt', 'expect_ended']) {
      expect(stepHandlers[kind]).toBeDefined()
      expect(plannedSteps[kind]).toBeUndefined()
    }
  })

  it('fail a wrong prompt with the prompts the gateway spoke', async () => {
    const script = parseScript(
      'inline.yaml',
      `
name: wrong prompt
steps:
  - call: { from: "8613800138000" }
  - dtmf: { digits: "1" }
  - expect_prompt: { contains: "Your wallet balance is 499.00 yuan" }
`,
    )
    const outcome = await runScript(script, options)
    expect(outcome.failure).toMatch(
      pattern(
        /^step 3 \(expect_prompt\): the call's last prompts were "Your wallet balance is 500\.00 /,
        /yuan, .*press 9\.", expected prompts containing "Your wallet balance is 499\.00 yuan"$/,
      ),
    )
  })

  it('fail expect_ended on a live call, and dtmf without a call', async () => {
    const live = parseScript(
      'inline.yaml',
      'name: live\nsteps:\n  - call: { from: "8613800138000" }\n' +
        '  - dtmf: { digits: "2" }\n  - expect_ended: {}\n',
    )
    expect((await runScript(live, options)).failure).toBe(
      'step 3 (expect_ended): the call is still live (waiting for keys) after the prompts ' +
        '"Enter the order number, then press hash."',
    )
    const noCall = parseScript(
      'inline.yaml',
      'name: no call\nsteps:\n  - dtmf: { digits: "1234#" }\n',
    )
    const failure = (await runScript(noCall, options)).failure
    expect(failure).toBe(
      'step 1 (dtmf): no call before it: start one with call: { from: "8613800138000" }',
    )
  })

  it('fail a PIN the gateway refused without repeating it, and digits after goodbye', async () => {
    const script = parseScript(
      'inline.yaml',
      `
name: after goodbye
steps:
  - call: { from: "8613800138000" }
  - dtmf: { digits: "2880001#" }
  - dtmf: { digits: "1" }
  - dtmf: { digits: "1234#" }
  - expect_ended: { outcome: completed }
  - dtmf: { digits: "4321#" }
`,
    )
    const outcome = await runScript(script, options)
    expect(outcome.failure).toMatch(
      pattern(
        /^step 6 \(dtmf\): the call is over \(completed\): its last prompts were /,
        /"Paid 80\.00 yuan to Cinema Tickets .*Goodbye\."; call again to go on$/,
      ),
    )
    expect(outcome.failure).not.toContain('4321')
    expect(outcome.stepsRun).toBe(5)
  })
})
