/**
 * trail-steps.test.ts - the conformance step `expect_trail`: which scripts validation refuses
 * before anything runs, how a recorded trail matches the steps expected (codes in order, status,
 * actor, a substring of the detail) and how a mismatch reads, and the step against a stub of the
 * admin API's trail endpoint on a real socket: the last payment or a saved one, `complete`, a
 * trail that becomes right while the step waits, an unknown payment and a failing gateway.
 */
import type { IncomingMessage, ServerResponse } from 'node:http'
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import type { TrailAnswerStep } from '../../src/tools/cli/trail-answer.js'
import { readTrailAnswer } from '../../src/tools/cli/trail-answer.js'
import type { ScriptContext } from '../../src/tools/conformance/context.js'
import { runScript } from '../../src/tools/conformance/runner.js'
import { parseScript, ScriptError } from '../../src/tools/conformance/script.js'
import { readExpectedSteps, trailMismatch } from '../../src/tools/conformance/trail-expectation.js'
import { expectTrailWithin } from '../../src/tools/conformance/trail-steps.js'
import {
  cardWithBank,
  declinedByBank,
  phoneBillMicro,
  refundedNextDay,
  walletBySms,
} from '../support/trails.js'

function recordedOf(json: unknown): readonly TrailAnswerStep[] {
  const answer = readTrailAnswer(json)
  if (typeof answer === 'string') throw new Error(answer)
  return answer.steps
}

function mismatch(expected: unknown, json: unknown): string | null {
  const { steps, problems } = readExpectedSteps(expected)
  expect(problems).toEqual([])
  return trailMismatch(steps, recordedOf(json))
}

function problemsOf(yaml: string): readonly string[] {
  try {
    parseScript('inline.yaml', `name: x\nsteps:\n${yaml}`)
  } catch (error) {
    if (error instanceof ScriptError) return error.problems
    throw error
  }
  return []
}

const branches = '(declined | cancelled | expired | failed | refund)'

describe('validating expect_trail before the script runs', () => {
  it('accepts codes, branch names, maps with status, actor and contains, payment, complete', () => {
    expect(
      problemsOf(`  - expect_trail: { steps: [1, 2, 5, 6, 3, 4, 7, 8] }
  - expect_trail: { complete: false }
  - expect_trail:
      payment: "{{payment}}"
      complete: true
      steps: [1, 2, { step: 5, contains: "PIN" }, 6, { step: 3, status: skipped }, 4, declined]
  - expect_trail: { steps: [{ step: 4, status: done, actor: ICBC }, refund] }
`),
    ).toEqual([])
  })

  it('refuses, each with its item, an unknown code, a quoted number, wrong keys and types', () => {
    expect(
      problemsOf(`  - expect_trail: { steps: [1, 10, "3", declind, [1], { stp: 3, status: skip }] }
  - expect_trail: { steps: [{ step: 3, actor: 5, contains: "" }] }
`),
    ).toEqual([
      `step 1 (expect_trail): steps item 2 must be a step 1-9 or a branch ${branches}, ` +
        'got the number 10',
      `step 1 (expect_trail): steps item 3 must be a step 1-9 or a branch ${branches}, ` +
        'got "3" (write a step number unquoted)',
      `step 1 (expect_trail): steps item 4 must be a step 1-9 or a branch ${branches}, ` +
        'got "declind"',
      'step 1 (expect_trail): steps item 5 must be a step code or a map such as ' +
        '{ step: 3, status: skipped }, got a list',
      'step 1 (expect_trail): steps item 6: unknown key "stp"; known keys: actor, contains, ' +
        'status, step',
      'step 1 (expect_trail): steps item 6: step is required',
      'step 1 (expect_trail): steps item 6: status must be done | skipped, got "skip"',
      'step 2 (expect_trail): steps item 1: actor must be a quoted string, got the number 5',
      'step 2 (expect_trail): steps item 1: contains must be a quoted string, got ""',
    ])
  })

  it('refuses an expectation that checks nothing, steps that are no list, wrong types', () => {
    expect(
      problemsOf(`  - expect_trail: {}
  - expect_trail: { steps: [] }
  - expect_trail: { steps: 1 }
  - expect_trail: { complete: "yes", payment: 12, step: [1] }
`),
    ).toEqual([
      'step 1 (expect_trail): checks nothing: give steps or complete',
      'step 2 (expect_trail): steps must list at least one step',
      'step 3 (expect_trail): steps must be a list of trail steps such as ' +
        '[1, 2, 5, 6, 3, 4, 7, 8], got the number 1',
      'step 4 (expect_trail): complete must be true or false, got "yes"',
      'step 4 (expect_trail): payment must be a quoted string, got the number 12 ' +
        '(YAML reads an unquoted 00 as 0 and 25.50 as 25.5: write it in quotes)',
      'step 4 (expect_trail): unknown key "step"; known keys: complete, payment, steps',
    ])
  })
})

describe('matching a recorded trail', () => {
  const walletExpected = [1, 2, 5, 6, { step: 3, status: 'skipped' }, 4, 7, 8]

  it('passes the recorded codes in recorded order, each with its status', () => {
    expect(mismatch([1, 2, 5, 6, 3, 4, 7, 8], cardWithBank)).toBeNull()
    expect(
      mismatch(
        [1, 2, { step: 5, status: 'skipped' }, { step: 6, status: 'skipped' }]
          .concat([
            { step: 3, status: 'skipped' },
            { step: 4, status: 'skipped' },
          ])
          .concat([7, 8]),
        phoneBillMicro,
      ),
    ).toBeNull()
    expect(
      mismatch(
        [1, 2, 5, 6, { step: 3, actor: 'ICBC' }, { step: 4, contains: 'insufficient' }, 'declined'],
        declinedByBank,
      ),
    ).toBeNull()
  })

  it('fails a skipped step expected done, with both lists side by side', () => {
    expect(mismatch(walletExpected, walletBySms)).toBe(
      [
        'item 6 is 4 skipped, expected 4 done',
        '            expected   recorded',
        '         1  1 done     1 done (8613800138000: PAY 1001 25.00 by sms)',
        '         2  2 done     2 done (1001: serial S000123, 25.00 to Ringtone Store)',
        '         3  5 done     5 done (platform: 25.00 to Ringtone Store: reply YES and ...',
        '         4  6 done     6 done (8613800138000: YES by sms)',
        '         5  3 skipped  3 skipped (platform: wallet: held by the platform, no cre...',
        '      >  6  4 done     4 skipped (platform: wallet: held by the platform, no cre...',
        '         7  7 done     7 done (platform: transfer T000456, 25.00 to 1001)',
        '         8  8 done     8 done (platform: receipt by sms: paid 25.00, wallet 475.00)',
      ].join('\n'),
    )
  })

  it('says the first difference: order, a step missing or beyond, actor, detail', () => {
    const first = (expected: unknown, json: unknown): string | undefined =>
      mismatch(expected, json)?.split('\n')[0]
    expect(first([1, 2, 3, 4, 5, 6, 7, 8], cardWithBank)).toBe('item 3 is 5 done, expected 3 done')
    expect(first([1, 2, 5, 6, 3, 4, 7, 8, 9], cardWithBank)).toBe(
      'item 9 is not recorded, expected 9 done (8 recorded, 9 expected)',
    )
    expect(first([1, 2, 5, 6, 3, 4], cardWithBank)).toBe(
      'item 7 is 7 done, beyond the steps expected (8 recorded, 6 expected)',
    )
    expect(first([1, 2, 5, 6, { step: 3, actor: 'CCB' }, 4, 7, 8], cardWithBank)).toBe(
      'item 5 (3) is by "ICBC", expected "CCB"',
    )
    expect(
      first([1, 2, 5, 6, 3, { step: 4, contains: 'declined' }, 'declined'], declinedByBank),
    ).toBe('item 6 (4) says "refused: insufficient funds", expected it to contain "declined"')
    const walletThenRefund = [...walletExpected.slice(0, 5), { step: 4, status: 'skipped' }]
    expect(first([...walletThenRefund, 7, 8], refundedNextDay)).toBe(
      'item 9 is refund done, beyond the steps expected (9 recorded, 8 expected)',
    )
  })
})

/** A stand-in for the admin API's trail endpoint: answers from a queue per id, the last kept. */
const answers = new Map<string, { status: number; json: unknown }[]>()
const asked: string[] = []

function serve(request: IncomingMessage, response: ServerResponse): void {
  asked.push(`${request.headers.authorization ?? ''} ${request.url ?? ''}`)
  const id = decodeURIComponent(
    /^\/admin\/api\/payments\/([^/]+)\/trail$/.exec(request.url ?? '')?.[1] ?? '',
  )
  const queue = answers.get(id) ?? []
  const answer = (queue.length > 1 ? queue.shift() : queue[0]) ?? {
    status: 404,
    json: { error: 'payment_not_found' },
  }
  response.writeHead(answer.status, { 'content-type': 'application/json' })
  response.end(JSON.stringify(answer.json))
}

const server = createServer(serve)
let target = ''
beforeAll(async () => {
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done))
  target = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
})
afterAll(() => new Promise<void>((done) => server.close(() => done())))
beforeEach(() => {
  answers.clear()
  asked.length = 0
})

function contextFor(vars: Record<string, string> = {}): ScriptContext {
  return {
    target,
    smpp: { host: '127.0.0.1', port: 1 },
    pos: null,
    smppSystemId: 'telepay',
    smppPassword: 'telepay',
    adminToken: 'admin-token',
    runId: 'run42',
    scriptName: 'expect_trail test',
    vars: new Map(Object.entries(vars)),
    lastHttp: null,
    channelState: new Map(),
    cleanups: [],
  }
}

/** The step, failing after 300 ms instead of 5 s. */
const expectTrail = expectTrailWithin(300)

async function failureOf(args: unknown, vars: Record<string, string> = {}): Promise<string> {
  try {
    await expectTrail(args, contextFor(vars))
  } catch (error) {
    return error instanceof Error ? error.message : String(error)
  }
  return 'passed'
}

describe('expect_trail against the trail endpoint', () => {
  it('reads the last payment by default, a saved one by payment:, as admin', async () => {
    answers.set('last', [{ status: 200, json: cardWithBank }])
    answers.set('P000126', [{ status: 200, json: declinedByBank }])
    expect(await failureOf({ steps: [1, 2, 5, 6, 3, 4, 7, 8], complete: true })).toBe('passed')
    expect(
      await failureOf({ payment: '{{payment}}', complete: false }, { payment: 'P000126' }),
    ).toBe('passed')
    expect(asked).toEqual([
      'Bearer admin-token /admin/api/payments/last/trail',
      'Bearer admin-token /admin/api/payments/P000126/trail',
    ])
  })

  it('fails with the diff, or on complete, once the wait is over', async () => {
    answers.set('last', [{ status: 200, json: walletBySms }])
    answers.set('P000126', [{ status: 200, json: declinedByBank }])
    const started = Date.now()
    const failure = await failureOf({ steps: [1, 2, 5, 6, 3, 4, 7, 8] })
    expect(Date.now() - started).toBeGreaterThanOrEqual(300)
    expect(failure.split('\n')[0]).toBe(
      'expect_trail: the trail of P000123 does not match: item 5 is 3 skipped, expected 3 done',
    )
    expect(await failureOf({ payment: 'P000126', complete: true })).toBe(
      'expect_trail: the trail of P000126 is not complete (missing 7, 8), expected complete',
    )
  })

  it('passes once a payment on its way has the trail expected', async () => {
    const partial = { ...cardWithBank, complete: false, steps: cardWithBank.steps.slice(0, 4) }
    answers.set('last', [
      { status: 404, json: { error: 'payment_not_found' } },
      { status: 200, json: partial },
      { status: 200, json: cardWithBank },
    ])
    expect(await failureOf({ steps: [1, 2, 5, 6, 3, 4, 7, 8], complete: true })).toBe('passed')
    expect(asked).toHaveLength(3)
  })

  it('names an unknown payment; fails at once on any other refusal', async () => {
    expect(await failureOf({ payment: 'P999999', complete: true })).toBe(
      'expect_trail: no payment P999999',
    )
    expect(await failureOf({ complete: true })).toBe('expect_trail: no payment yet')
    answers.set('last', [{ status: 401, json: { error: 'unauthorized' } }])
    const started = Date.now()
    expect(await failureOf({ complete: true })).toBe(
      'expect_trail: GET /admin/api/payments/last/trail answered 401: {"error":"unauthorized"}',
    )
    expect(Date.now() - started).toBeLessThan(300)
    answers.set('last', [{ status: 200, json: { payment: { id: 'P1' } } }])
    expect(await failureOf({ complete: true })).toBe(
      'expect_trail: GET /admin/api/payments/last/trail: the answer is not a trail: ' +
        'the answer has no list of steps',
    )
  })

  it('runs in a script, its failure naming the step', async () => {
    answers.set('last', [{ status: 200, json: phoneBillMicro }])
    const script = parseScript(
      'inline.yaml',
      'name: trail\nsteps:\n  - expect_trail: { complete: true }\n' +
        '  - expect_trail: { steps: [1, 2, { step: 5, status: skipped }] }\n',
    )
    const outcome = await runScript(script, { target, smpp: null, adminToken: 'admin-token' })
    expect(outcome.stepsRun).toBe(1)
    expect(outcome.failure?.split('\n')[0]).toBe(
      'step 2 (expect_trail): the trail of P000125 does not match: item 4 is 6 skipped, ' +
        'beyond the steps expected (8 recorded, 3 expected)',
    )
  })
})
