/**
 * help.test.ts - every option a command takes is explained in its --help, and every option its
 * help explains is one it takes. The commands on args.ts parse exactly the option lines their
 * help prints (options-help.ts, world.ts's worldOptions), so their usage line is held to those
 * lines and back; `world <sub> --help` and `bench <name> --help` print their own help, whose
 * synopsis is held to its explained options and back, and whose parser must know each of them.
 */
import { afterEach, describe, expect, it, vi } from 'vitest'
import { parseOnsiteBenchArgs } from '../../src/tools/bench/onsite-bench.js'
import { parseBenchArgs } from '../../src/tools/bench/run-bench.js'
import { parseScaleBenchArgs } from '../../src/tools/bench/scale-bench.js'
import { parseSmsBenchArgs } from '../../src/tools/bench/sms/args.js'
import { parseStartupBenchArgs } from '../../src/tools/bench/startup-bench.js'
import { parseStorageBenchArgs } from '../../src/tools/bench/storage-bench.js'
import { parseUssdBenchArgs } from '../../src/tools/bench/ussd/args.js'
import { parseOptions } from '../../src/tools/cli/args.js'
import { main, usageLines } from '../../src/tools/cli/main.js'
import { optionLinesOf } from '../../src/tools/cli/options-help.js'
import { worldOptions } from '../../src/tools/cli/world.js'

const flagsOf = (text: string): string[] =>
  [...new Set(text.match(/--[a-z][a-z-]*/g) ?? [])].filter((flag) => flag !== '--help').sort()
const ownHelp = new Set(['bench', 'world'])

/** What `telepay ...args` prints on stdout, run in this process. */
async function helpOf(args: readonly string[]): Promise<{ code: number; text: string }> {
  let text = ''
  vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    text += String(chunk)
    return true
  })
  const code = await main([...args])
  vi.restoreAllMocks()
  return { code, text }
}
afterEach(() => vi.restoreAllMocks())

/** The options a help explains: each on a line of its own, indented, the option first. */
const explainedIn = (help: string): string[] =>
  [...new Set([...help.matchAll(/^\s+(--[a-z][a-z-]*)/gm)].map((match) => match[1] ?? ''))].sort()

describe('telepay <command> --help', () => {
  const commands = Object.entries(usageLines()).filter(([name]) => !ownHelp.has(name))

  it.each(commands)(
    '%s explains every option of its usage and parses those',
    async (name, usage) => {
      const lines = optionLinesOf(name)
      const explained = lines.map(([option]) => option.split(' ')[0] ?? '')
      expect(explained.sort()).toEqual(flagsOf(usage))
      for (const [, meaning] of lines) expect(meaning.length).toBeGreaterThan(5)
      const { code, text } = await helpOf([name, '--help'])
      expect(code).toBe(0)
      expect(explainedIn(text)).toEqual(flagsOf(usage))
      // Each explained option is taken, with a value where its line names one.
      for (const [option] of lines) {
        const [flag = '', value] = option.split(' ')
        expect(() => parseOptions(value === undefined ? [flag] : [flag, 'x'], lines)).not.toThrow()
      }
      expect(() => parseOptions(['--frobnicate'], lines)).toThrow('unknown option --frobnicate')
    },
  )
})

describe('telepay world <sub> --help', () => {
  it.each(Object.entries(worldOptions))('world %s explains what it parses', async (sub, lines) => {
    const { code, text } = await helpOf(['world', sub, '--help'])
    expect(code).toBe(0)
    const synopsis = text.slice(0, text.indexOf('\n\n'))
    const parsed = lines.map(([option]) => option.split(' ')[0] ?? '').sort()
    expect(flagsOf(synopsis)).toEqual(parsed)
    expect(explainedIn(text)).toEqual(parsed)
  })
})

const benchParsers: Readonly<Record<string, (args: string[]) => { ok: boolean }>> = {
  ledger: parseBenchArgs,
  sms: parseSmsBenchArgs,
  ussd: parseUssdBenchArgs,
  storage: parseStorageBenchArgs,
  scale: parseScaleBenchArgs,
  startup: parseStartupBenchArgs,
  onsite: parseOnsiteBenchArgs,
}

describe('telepay bench <name> --help', () => {
  it.each(Object.entries(benchParsers))('bench %s explains what it parses', async (name, parse) => {
    const { code, text } = await helpOf(['bench', name, '--help'])
    expect(code).toBe(0)
    const explained = explainedIn(text)
    const synopsis = text.slice(0, text.search(/^\s+--/m))
    expect(flagsOf(synopsis)).toEqual(explained)
    for (const option of explained) {
      // A value after the option on its help line (N, PATH, LIST...) says it takes one.
      const line = new RegExp(`^\\s+${option}( [A-Z|,a-z]+)?\\s`, 'm').exec(text)
      const args = line?.[1] === undefined ? [option] : [option, '1']
      const parsed = parse(args) as { ok: boolean; error?: string }
      expect(parsed.ok ? '' : parsed.error, `${name} ${option}`).not.toMatch(/unknown option/)
    }
    expect(parse(['--frobnicate']).ok).toBe(false)
  })
})
