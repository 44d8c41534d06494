import { readdirSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { runScript } from '../../src/tools/conformance/runner.js'
import { parseScript, readScript, ScriptError } from '../../src/tools/conformance/script.js'
import { startTestGateway } from '../support/gateway-fixture.js'
import { pattern } from '../support/pattern.js'

const dir = 'fixtures/conformance'
const options = { target: null, smpp: null, adminToken: 'test_admin_token' }

describe('the conformance scripts under fixtures/conformance', () => {
  for (const file of readdirSync(dir)
    .filter((name) => name.endsWith('.yaml'))
    .sort()) {
    it(`passes ${file} against a fresh gateway`, async () => {
      const script = readScript(join(dir, file))
      const outcome = await runScript(script, options)
      expect(outcome.failure).toBeNull()
      expect(outcome.stepsRun).toBe(script.steps.length)
    })
  }
})

describe('the conformance runner', () => {
  it('fails a script whose expectation fails, naming the step and what it saw', async () => {
    const script = parseScript(
      'inline.yaml',
      `
name: wrong balance
steps:
  - expect_balance: { msisdn: "8613800138000", account: wallet, equals: "499.99" }
`,
    )
    const outcome = await runScript(script, options)
    expect(outcome.ok).toBe(false)
    expect(outcome.failure).toBe(
      'step 1 (expect_balance): 8613800138000 wallet is 500.00, expected 499.99',
    )
  })

  it('starts the fresh gateway in the operating model a script names', async () => {
    const script = parseScript(
      'inline.yaml',
      `
name: the bank model takes no wallet payment
operating_model: bank
steps:
  - sms: { from: "8613800138000", text: "PAY 1001 25 W" }
  - expect_sms: { to: "8613800138000", contains: "offers no payments with your wallet" }
`,
    )
    expect((await runScript(script, options)).failure).toBeNull()
  })

  it('runs no step of a script whose model a target does not run; runs one it does', async () => {
    const fresh = await startTestGateway()
    try {
      const script = parseScript(
        'inline.yaml',
        'name: x\noperating_model: bank\nsteps:\n  - expect_ledger: balanced\n',
      )
      const outcome = await runScript(script, { ...options, target: fresh.url })
      expect(outcome.stepsRun).toBe(0)
      expect(outcome.failure).toBe(
        'the target runs operating model cooperative; this script needs bank ' +
          '(telepay start --operating-model bank)',
      )
      // The model it runs: the script runs, `{{today}}` read from the target's test clock.
      const today = parseScript(
        'inline.yaml',
        `
name: today's settlement on a target
operating_model: cooperative
steps:
  - merchant: { as: "1001", get: "/api/v1/settlements?date={{today}}" }
  - expect_http: { status: 200, json: { date: "${fresh.localDate()}", payments: 0 } }
`,
      )
      expect((await runScript(today, { ...options, target: fresh.url })).failure).toBeNull()
    } finally {
      await fresh.close()
    }
  })

  it('refuses a step of an unknown kind before running, instead of skipping it', () => {
    expect(() =>
      parseScript('inline.yaml', 'name: mms\nsteps:\n  - mms_send: { to: "8613800138000" }\n'),
    ).toThrow(/step 1 \(mms_send\): unknown step kind; known kinds: /)
  })

  it('fails expect_pos with the code the host answered and what it means', async () => {
    const script = parseScript(
      'inline.yaml',
      `
name: wrong pin expected approved
steps:
  - pos:
      terminal: POS10011
      mti: "0200"
      msisdn: "8613800138000"
      pin: "0000"
      fields: { "3": "001000", "4": "000000000100", "11": "000001" }
  - expect_pos: { field39: "00" }
`,
    )
    expect((await runScript(script, options)).failure).toBe(
      'step 2 (expect_pos): the host answered 55 (wrong PIN), expected 00 (approved)',
    )
  })

  it('fails expect_sms with what the SMS said, and when no SMS comes', async () => {
    const wrong = parseScript(
      'inline.yaml',
      `
name: wrong sms
steps:
  - sms: { from: "8613800138000", text: "BAL" }
  - expect_sms: { to: "8613800138000", matches: "(?i)PAID" }
`,
    )
    const outcome = await runScript(wrong, options)
    expect(outcome.failure).toMatch(
      pattern(
        /^step 2 \(expect_sms\): the SMS to 8613800138000 was "Balance: wallet CNY 500\.00.*", /,
        /expected one matching \/PAID\/i$/,
      ),
    )
    const silent = parseScript(
      'inline.yaml',
      `
name: no sms
steps:
  - expect_sms: { to: "8613800138000", contains: "anything" }
`,
    )
    expect((await runScript(silent, options)).failure).toBe(
      'step 1 (expect_sms): no SMS to 8613800138000 within 5 s (expected one containing ' +
        '"anything")',
    )
  })

  it('fails an sms step the SMSC refuses, naming the status', async () => {
    const script = parseScript(
      'inline.yaml',
      'name: wrong number\nsteps:\n  - sms: { from: "8613800138000", to: "10086", text: "BAL" }\n',
    )
    expect((await runScript(script, options)).failure).toBe(
      'step 1 (sms): the SMSC refused the MO from 8613800138000: refused with status 0xb',
    )
  })

  it('refuses a malformed script with the position of the bad step', () => {
    expect(() => parseScript('bad.yaml', 'name: x\nsteps:\n  - { a: 1, b: 2 }\n')).toThrow(
      ScriptError,
    )
    expect(() => parseScript('bad.yaml', 'name: x\nsteps:\n  - { a: 1, b: 2 }\n')).toThrow(
      /step 1: a step has exactly one kind/,
    )
    expect(() => parseScript('bad.yaml', 'steps: []')).toThrow(/name is required/)
  })
})
