/**
 * help.test.ts - every option a command's usage line names is explained in its --help, and
 * nothing is explained that the usage does not name (bench and world have help of their own).
 */
import { describe, expect, it } from 'vitest'
import { usageLines } from '../../src/tools/cli/main.js'
import { optionLinesOf } from '../../src/tools/cli/options-help.js'

const flagsOf = (text: string): string[] => [...new Set(text.match(/--[a-z][a-z-]*/g) ?? [])]
const ownHelp = new Set(['bench', 'world'])

describe('telepay <command> --help', () => {
  const commands = Object.entries(usageLines()).filter(([name]) => !ownHelp.has(name))

  it.each(commands)('%s explains every option of its usage', (name, usage) => {
    const explained = optionLinesOf(name).map(([option]) => option.split(' ')[0])
    expect(explained.sort()).toEqual(flagsOf(usage).sort())
    for (const [, meaning] of optionLinesOf(name)) expect(meaning.length).toBeGreaterThan(5)
  })
})
