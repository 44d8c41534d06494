/**
 * world-validator.test.ts - the world file's validator that `npm run build` writes as plain code
 * (no ajv at run time) finds what ajv's compiled one finds, with the same paths, words and
 * schema hints, for the shipped world and for files with problems of every kind.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { join, resolve } from 'node:path'
import { Ajv } from 'ajv'
import { afterAll, describe, expect, it } from 'vitest'
import { parse } from 'yaml'
import { hintKeyword, worldSchema } from '../../src/world/world-schema.js'
import type { WorldValidate } from '../../src/world/world-validator.js'
import { standaloneWorldValidator } from '../../src/world/world-validator.js'

// In the repository, as dist/ is: the generated code requires ajv's small run-time helpers.
const dir = mkdtempSync(join(resolve('.'), '.validator-test-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

const inputs: Record<string, unknown> = {
  'the default world': parse(readFileSync(resolve('fixtures/world/default.yaml'), 'utf8')),
  'no merchants': { subscribers: [] },
  'a bad number, PIN and amount': {
    subscribers: [{ msisdn: '1', name: 'x', pin: '1', wallet: 5 }],
    merchants: [],
  },
  'an unknown field and a bad card': {
    subscribers: [{ msisdn: '8613500135000', name: 'Wang', pin: '2468', card: { bank: 'icbc' } }],
    merchants: [{ code: '12', name: '', colour: 'red', feeBasisPoints: 20_000 }],
  },
  'a bad order': {
    subscribers: [],
    merchants: [{ code: '5001', name: 'Tea' }],
    orders: [{ orderNo: '12', merchantCode: '5001', amount: '1.234' }],
  },
}

describe("the build's world validator", () => {
  it('finds what the compiled one finds, in the same words', () => {
    const file = join(dir, 'world-validate.cjs')
    writeFileSync(file, standaloneWorldValidator())
    const generated = createRequire(import.meta.url)(file) as WorldValidate
    const ajv = new Ajv({ allErrors: true, verbose: true, strict: true })
    ajv.addKeyword({ keyword: hintKeyword, schemaType: 'string' })
    const compiled = ajv.compile(worldSchema)
    const summary = (errors: WorldValidate['errors']) =>
      (errors ?? []).map((error) => ({
        path: error.instancePath,
        keyword: error.keyword,
        hint: (error.parentSchema as Record<string, unknown> | undefined)?.[hintKeyword] ?? null,
      }))
    for (const [name, input] of Object.entries(inputs)) {
      const valid = generated(input)
      expect(valid, name).toBe(compiled(input))
      expect(summary(generated.errors), name).toEqual(summary(compiled.errors))
    }
    expect(generated(inputs['the default world'])).toBe(true)
    expect(summary(generated.errors).length).toBe(0)
    generated(inputs['a bad number, PIN and amount'])
    expect(summary(generated.errors).map((error) => error.hint)).toContain(
      'must be 4 to 6 digits written as a string, such as "1234"',
    )
  })
})
