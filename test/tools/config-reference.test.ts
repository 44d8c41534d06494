/**
 * config-reference.test.ts - docs/configuration.md and telepay.config.example.json are what the
 * reader's own definitions make (regenerate them with `telepay config reference|example`), the
 * example loads as the defaults, and every key has a meaning and its variable.
 */
import { readFileSync } from 'node:fs'
import { resolve } from 'node:path'
import { describe, expect, it } from 'vitest'
import { environmentKeys, loadConfig } from '../../src/config.js'
import { defaultLimits, defaultOperatingLimits } from '../../src/core/index.js'
import { configExample, configReference } from '../../src/tools/config-reference.js'

const regenerate = 'run `npx telepay config reference > docs/configuration.md` (or example)'

describe('the configuration reference', () => {
  it('is docs/configuration.md and telepay.config.example.json as committed', () => {
    expect(readFileSync('docs/configuration.md', 'utf8'), regenerate).toBe(configReference())
    expect(readFileSync('telepay.config.example.json', 'utf8'), regenerate).toBe(configExample())
  })

  it('lists every key of limits and operating with a meaning, and every variable', () => {
    const reference = configReference()
    const rows = reference.split('\n').filter((line) => line.startsWith('| `'))
    for (const key of [
      ...Object.keys(defaultLimits)
        .filter((name) => name !== 'operatingModel')
        .map((name) => `limits.${name}`),
      ...Object.keys(defaultOperatingLimits).map((name) => `operating.${name}`),
    ]) {
      const row = rows.find((line) => line.startsWith(`| \`${key}\` |`))
      expect(row, key).toBeDefined()
      expect(row?.split(' | ')[3]?.trim().length ?? 0, `${key} has no meaning`).toBeGreaterThan(10)
    }
    for (const variable of Object.keys(environmentKeys)) expect(reference).toContain(variable)
  })

  it('gives, loaded as a configuration file, the defaults', () => {
    const cwd = resolve('.')
    const fromExample = loadConfig({
      env: { TELEPAY_CONFIG: resolve('telepay.config.example.json') },
      cwd,
    })
    expect(fromExample).toEqual(loadConfig({ env: {}, cwd }))
  })
})
