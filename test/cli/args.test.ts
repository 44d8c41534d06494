/**
 * args.test.ts - the subcommands' option parser (node's util.parseArgs, strict): both spellings
 * of a value, flags, positional arguments around options and after `--`, the last of a repeated
 * option, and refusals that name the option (unknown, a value missing, a value given to a flag).
 */
import { describe, expect, it } from 'vitest'
import { optionsOf, parseArgs, parseOptions, UsageError } from '../../src/tools/cli/args.js'

const parse = (args: string[]) => parseArgs(args, ['url', 'wait'], ['json'])
const options = (args: string[]) => Object.fromEntries(parse(args).options)

describe('parseArgs', () => {
  it('takes --name value, --name=value, flags and positionals in any order', () => {
    expect(options(['--url', 'http://a', '--wait=3', '--json'])).toEqual({
      url: 'http://a',
      wait: '3',
      json: true,
    })
    expect(parse(['8613800138000', '--json', 'BAL', '--url=x']).positional).toEqual([
      '8613800138000',
      'BAL',
    ])
    expect(options(['--wait', '1', '--wait', '2'])).toEqual({ wait: '2' })
    // After `--` nothing is an option, and a value may start with a dash when written with `=`.
    expect(parse(['--', '--json']).positional).toEqual(['--json'])
    expect(options(['--wait=-1'])).toEqual({ wait: '-1' })
  })

  it('refuses what it does not know, naming the option', () => {
    const refusal = (args: string[]): string => {
      try {
        parse(args)
      } catch (error) {
        expect(error).toBeInstanceOf(UsageError)
        return (error as Error).message
      }
      return 'accepted'
    }
    expect(refusal(['--frob'])).toBe('unknown option --frob')
    expect(refusal(['-x'])).toBe('unknown option -x')
    expect(refusal(['--url'])).toBe('--url needs a value')
    expect(refusal(['--url', '--json'])).toMatch(/^--url needs a value \(.*--url=VALUE\)$/)
    expect(refusal(['--json=yes'])).toBe('--json takes no value')
  })
})

describe('parseOptions', () => {
  it('parses what the help lines name: a placeholder after the option means a value', () => {
    const lines = [
      ['--data-dir DIR', 'where'],
      ['--world default|none|FILE', 'what'],
      ['--yes', 'sure'],
    ] as const
    expect(optionsOf(lines)).toEqual({ valued: ['data-dir', 'world'], flags: ['yes'] })
    const parsed = parseOptions(['--data-dir=d', '--world', 'none', '--yes'], lines)
    expect(Object.fromEntries(parsed.options)).toEqual({
      'data-dir': 'd',
      world: 'none',
      yes: true,
    })
    expect(() => parseOptions(['--port', '1'], lines)).toThrow('unknown option --port')
  })
})
