import { readdirSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { runScript } from '../../src/conformance/runner.js'
import { parseScript, readScript, ScriptError } from '../../src/conformance/script.js'

const dir = 'fixtures/conformance'
const options = { target: null, smpp: null, adminToken: 'test_admin_token' }

describe('the conformance scripts under fixtures/conformance', () => {
  for (const file of readdirSync(dir).filter((name) => name.endsWith('.yaml')).sort()) {
    it(`passes ${file} against a fresh gateway`, async () => {
      const script = readScript(join(dir, file))
      const outcome = await runScript(script, options)
      expect(outcome.failure).toBeNull()
      expect(outcome.stepsRun).toBe(script.steps.length)
    })
  }
})

describe('the conformance runner', () => {
  it('fails a script whose expectation does not hold, naming the step and what it saw', async () => {
    const script = parseScript('inline.yaml', `
name: wrong balance
steps:
  - expect_balance: { msisdn: "8613800138000", account: wallet, equals: "499.99" }
`)
    const outcome = await runScript(script, options)
    expect(outcome.ok).toBe(false)
    expect(outcome.failure).toBe('step 1 (expect_balance): 8613800138000 wallet is 500.00, expected 499.99')
  })

  it('fails a step whose channel is not built yet instead of skipping it', async () => {
    const script = parseScript('inline.yaml', 'name: sms\nsteps:\n  - sms: { from: "8613800138000", text: "BAL" }\n')
    const outcome = await runScript(script, options)
    expect(outcome.ok).toBe(false)
    expect(outcome.failure).toMatch(/step 1 \(sms\): needs the SMS channel/)
  })

  it('refuses a malformed script with the position of the bad step', () => {
    expect(() => parseScript('bad.yaml', 'name: x\nsteps:\n  - { a: 1, b: 2 }\n')).toThrow(ScriptError)
    expect(() => parseScript('bad.yaml', 'name: x\nsteps:\n  - { a: 1, b: 2 }\n')).toThrow(/step 1: a step has exactly one kind/)
    expect(() => parseScript('bad.yaml', 'steps: []')).toThrow(/name is required/)
  })
})
