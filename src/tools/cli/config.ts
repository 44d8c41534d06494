/**
 * config.ts - `telepay config reference | example`: the configuration reference (Markdown, as
 * docs/configuration.md) or a configuration file with every key at its default (as
 * telepay.config.example.json), both made from the reader's own definitions. Exports runConfig.
 */
import { configExample, configReference } from '../config-reference.js'

const usage = 'Usage: telepay config reference | example'

export function runConfig(args: string[]): Promise<number> {
  const [what, ...rest] = args
  if (rest.length > 0 || (what !== 'reference' && what !== 'example')) {
    const help = what === '--help' || what === '-h'
    ;(help ? process.stdout : process.stderr).write(`${usage}\n`)
    return Promise.resolve(help ? 0 : 2)
  }
  process.stdout.write(what === 'reference' ? configReference() : configExample())
  return Promise.resolve(0)
}
