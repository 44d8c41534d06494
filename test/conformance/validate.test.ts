/**
 * validate.test.ts - the conformance runner validates a whole script before it runs a step:
 * misspelled keys are refused with the known ones, several problems of one file come together,
 * enumerations name their values, wrong types and money are refused, an expectation that checks
 * nothing is refused, a PIN is never quoted, and `telepay conformance` prints every problem and
 * exits 2 without running anything. Every script under fixtures/conformance passes validation.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { parse } from 'yaml'
import { runConformance } from '../../src/tools/conformance/cli.js'
import { parseScript, ScriptError } from '../../src/tools/conformance/script.js'
import { stepSchemas } from '../../src/tools/conformance/step-schemas.js'
import { stepHandlers } from '../../src/tools/conformance/steps.js'
import { validateScript } from '../../src/tools/conformance/validate.js'
import { pattern } from '../support/pattern.js'

const dir = 'fixtures/conformance'

function problemsOf(yaml: string): readonly string[] {
  try {
    parseScript('inline.yaml', yaml)
  } catch (error) {
    if (error instanceof ScriptError) return error.problems
    throw error
  }
  return []
}

describe('validating a conformance script before it runs', () => {
  it('accepts every script under fixtures/conformance', () => {
    const files = readdirSync(dir).filter((name) => /\.ya?ml$/.test(name))
    expect(files.length).toBeGreaterThan(0)
    for (const file of files)
      expect({
        file,
        problems: validateScript(parse(readFileSync(join(dir, file), 'utf8'))),
      }).toEqual({ file, problems: [] })
  })

  it('has a schema for every step kind the runner can run, and no more', () => {
    expect(Object.keys(stepSchemas).sort()).toEqual(Object.keys(stepHandlers).sort())
  })

  it('refuses a misspelled argument key, naming the keys the step knows', () => {
    expect(
      problemsOf('name: x\nsteps:\n  - expect_sms: { to: "8613800138000", contain: "25.00" }\n'),
    ).toEqual(['step 1 (expect_sms): unknown key "contain"; known keys: contains, matches, to'])
    expect(
      problemsOf(
        'name: x\nsteps:\n  - merchant: { as: "1001", get: "orders" }\n' +
          '  - expect_http: { status: 200, jsn: { ok: true } }\n',
      ),
    ).toEqual(['step 2 (expect_http): unknown key "jsn"; known keys: json, save, status'])
  })

  it('refuses an unknown step kind and top-level key, naming the known ones', () => {
    const problems = problemsOf(
      'name: x\nstep_delay: 5\nsteps:\n  - mms_send: { to: "8613800138000" }\n',
    )
    expect(problems[0]).toBe(
      'unknown key "step_delay" at the top; known keys: name, operating_model, steps',
    )
    expect(problems[1]).toMatch(
      pattern(
        /^step 1 \(mms_send\): unknown step kind; known kinds: /,
        /advance_clock, blacklist, call, dtmf, /,
        /expect_balance, .*wap_submit$/,
      ),
    )
  })

  it('takes operating_model at the top, one of the four models', () => {
    const steps = 'steps:\n  - expect_ledger: balanced\n'
    expect(problemsOf(`name: x\noperating_model: bank\n${steps}`)).toEqual([])
    expect(parseScript('inline.yaml', `name: x\n${steps}`).operatingModel).toBeNull()
    expect(
      parseScript('inline.yaml', `name: x\noperating_model: third_party\n${steps}`).operatingModel,
    ).toBe('third_party')
    expect(problemsOf(`name: x\noperating_model: telco\n${steps}`)).toEqual([
      'operating_model must be operator | bank | third_party | cooperative, got "telco"',
    ])
  })

  it('names the values of an enumeration', () => {
    expect(
      problemsOf(
        'name: x\nsteps:\n' +
          '  - expect_balance: { msisdn: "8613800138000", account: walet, equals: "500.00" }\n',
      ),
    ).toEqual(['step 1 (expect_balance): account must be wallet | phone_bill | bank, got "walet"'])
    expect(
      problemsOf(
        'name: x\nsteps:\n  - wap_get: { path: /wap/, as: html }\n  - expect_ussd: { type: con }\n',
      ),
    ).toEqual([
      'step 1 (wap_get): as must be wml | xhtml | chtml, got "html"',
      'step 2 (expect_ussd): type must be CON | END, got "con"',
    ])
  })

  it('refuses wrong types: a number for a string, an amount not money, a bad pattern', () => {
    expect(
      problemsOf(`name: x
steps:
  - sms: { from: 008613800138000, text: "BAL" }
  - expect_balance: { msisdn: "8613800138000", account: wallet, equals: 475 }
  - expect_balance: { msisdn: "8613800138000", account: wallet, equals: "475.5" }
  - expect_sms: { to: "8613800138000", matches: "(unclosed" }
  - advance_clock: { seconds: "ten" }
  - expect_http: { status: "200" }
`),
    ).toEqual([
      'step 1 (sms): from must be a quoted string, got the number 8613800138000 ' +
        '(YAML reads an unquoted 00 as 0 and 25.50 as 25.5: write it in quotes)',
      'step 2 (expect_balance): equals must be money such as "475.00" (quoted, ' +
        'two decimals), got the number 475 (YAML reads an unquoted 00 as 0 and 25.50 as ' +
        '25.5: write it in quotes)',
      'step 3 (expect_balance): equals must be money such as "475.00" (two decimals), got "475.5"',
      'step 4 (expect_sms): matches is not a valid regular expression: ' +
        'Invalid regular expression: /(unclosed/: Unterminated group',
      'step 5 (advance_clock): seconds must be a number from 0 up, got "ten"',
      'step 6 (expect_http): status must be a whole number from 100 to 599, got "200"',
    ])
  })

  it('refuses an expectation that checks nothing, and keys that exclude each other', () => {
    expect(
      problemsOf(`name: x
steps:
  - expect_prompt: {}
  - expect_page: {}
  - expect_http: { save: { id: payment.id } }
  - expect_sms: { to: "8613800138000", contains: "a", matches: "b" }
  - ussd: { from: "8613800138000" }
  - expect_ledger: balance
`),
    ).toEqual([
      'step 1 (expect_prompt): checks nothing: give contains or matches',
      'step 2 (expect_page): checks nothing: give contains or matches or content_type or status',
      'step 3 (expect_http): checks nothing: give status or json',
      'step 4 (expect_sms): give only one of contains, matches',
      'step 5 (ussd): give dial (open a session) or input (type into the open one)',
      'step 6 (expect_ledger): the only expectation is balanced (expect_ledger: balanced), ' +
        'got "balance"',
    ])
  })

  it('reports every problem of a file together, in step order, and never quotes a PIN', () => {
    const problems = problemsOf(`name: several
steps:
  - sms: { from: "8613800138000", txt: "PAY 1001 25" }
  - expect_sms: { to: "8613800138000", contain: "25.00" }
  - dtmf: { digits: 4321 }
  - wap_submit: { fields: { pin: 1234 } }
  - expect_balance: { msisdn: "8613800138000", account: walet, equals: "475.00" }
`)
    expect(problems).toEqual([
      'step 1 (sms): unknown key "txt"; known keys: from, text, to',
      'step 1 (sms): text is required',
      'step 2 (expect_sms): unknown key "contain"; known keys: contains, matches, to',
      'step 3 (dtmf): digits must be a quoted string of keys of a phone: 0-9, * and #, ' +
        'got a number (YAML reads an unquoted 00 as 0 and 25.50 as 25.5: write it in quotes)',
      'step 4 (wap_submit): fields.pin must be a quoted string, got a number ' +
        '(YAML reads an unquoted 00 as 0 and 25.50 as 25.5: write it in quotes)',
      'step 5 (expect_balance): account must be wallet | phone_bill | bank, got "walet"',
    ])
    expect(problems.join('\n')).not.toMatch(/1234|4321/)
  })

  it('checks only the type of a value filled in later from a saved variable', () => {
    expect(
      problemsOf(
        'name: x\nsteps:\n  - expect_balance: { msisdn: "8613800138000", account: wallet,' +
          ' equals: "{{before}}" }\n',
      ),
    ).toEqual([])
  })
})

describe('telepay conformance with a script that is not valid', () => {
  const written: string[] = []
  afterEach(() => {
    vi.restoreAllMocks()
    for (const path of written.splice(0)) rmSync(path, { recursive: true, force: true })
  })

  it('prints every problem of every file, runs nothing and exits 2', async () => {
    const scratch = mkdtempSync(join(tmpdir(), 'telepay-validate-'))
    written.push(scratch)
    const good = join(scratch, 'a-good.yaml')
    const bad = join(scratch, 'b-bad.yaml')
    writeFileSync(good, 'name: good\nsteps:\n  - expect_ledger: balanced\n')
    writeFileSync(
      bad,
      'name: bad\nsteps:\n  - expect_sms: { to: "8613800138000", contain: "x" }\n' +
        '  - expect_balance: { msisdn: "8613800138000", account: walet, equals: "1.00" }\n',
    )
    let out = ''
    vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
      out += String(chunk)
      return true
    })
    const code = await runConformance([good, bad])
    vi.restoreAllMocks()
    expect(code).toBe(2)
    expect(out).toBe(
      [
        `ERROR ${bad}: 2 problems`,
        '      step 1 (expect_sms): unknown key "contain"; known keys: contains, matches, to',
        '      step 2 (expect_balance): account must be wallet | phone_bill | bank, got "walet"',
        '1 of 2 scripts are not valid; nothing was run',
        '',
      ].join('\n'),
    )
  })
})
