/**
 * yaml-text.test.ts - the build's table of parsed YAML (src/gateway/yaml-text.ts) changes what a
 * start costs, never what it reads: every shipped menu and the default world get an entry, a
 * text read through the table is the value the yaml package gives, and a text the table cannot
 * hold as it is (an infinity, a date-like value JSON would alter) or an edited one is parsed.
 */
import { describe, expect, it } from 'vitest'
import { parse } from 'yaml'
import {
  parsedYamlEntries,
  parseYamlText,
  shippedYaml,
  yamlTextKey,
} from '../../src/gateway/yaml-text.js'

const shipped = shippedYaml()
const options = { uniqueKeys: true, maxAliasCount: 100 } as const

describe('parsed YAML made by the build', () => {
  it('holds every shipped menu file and the default world', () => {
    expect(shipped.map((entry) => entry.file)).toContain('fixtures/world/default.yaml')
    expect(shipped.filter((entry) => entry.file.startsWith('menus/ussd/')).length).toBeGreaterThan(
      3,
    )
    const table = parsedYamlEntries(shipped.map((entry) => entry.text))
    for (const { file, text } of shipped) {
      const json = table[yamlTextKey(text)]
      expect(json, file).toBeDefined()
      expect(JSON.parse(json ?? 'null'), file).toEqual(parse(text, options))
    }
  })

  it('reads each shipped file as the yaml package does, through the table or not', () => {
    for (const { file, text } of shipped)
      expect(parseYamlText(text), file).toEqual(parse(text, options))
  })

  it('leaves out what JSON would change and what does not parse', () => {
    const texts = ['limit: .inf\n', 'a: 1\na: 2\n', 'states: {}\n']
    const table = parsedYamlEntries(texts)
    expect(Object.keys(table)).toEqual([yamlTextKey('states: {}\n')])
  })

  it('parses an edited text with the same options and errors', () => {
    expect(() => parseYamlText('a: 1\na: 2\n')).toThrow(/unique/i)
    const edited = `${shipped[0]?.text ?? ''}\n# edited\n`
    expect(parseYamlText(edited)).toEqual(parse(edited, options))
  })
})
