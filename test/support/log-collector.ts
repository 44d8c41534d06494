/**
 * log-collector.ts - vitest's global setup: every log line the test run writes, whatever the
 * logger's level (silent ones included), is copied as JSON into a temporary directory
 * (TELEPAY_LOG_COPY_DIR, read by src/service/log.ts in each worker and in each gateway a test
 * starts as a child process). When the run ends, every copied line is searched for a PIN of
 * the default world (pin-search.ts); one found fails the run, with the lines that gave it away.
 */
import { createReadStream, mkdtempSync, readdirSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createInterface } from 'node:readline'
import { logCopyDirVariable } from '../../src/service/log.js'
import { pinsGivenAway, worldPins } from './pin-search.js'

/** Lines quoted in the failure; the rest are counted. */
const quotedLinesMax = 10

interface Search {
  /** Lines searched. */
  readonly read: number
  /** The first lines that give a PIN away, with the file they are in. */
  readonly lines: readonly string[]
  /** How many do. */
  readonly count: number
}

async function linesGivingPinsAway(dir: string): Promise<Search> {
  const pins = worldPins()
  const lines: string[] = []
  let read = 0
  let count = 0
  for (const name of readdirSync(dir)) {
    const input = createReadStream(join(dir, name), 'utf8')
    for await (const line of createInterface({ input, crlfDelay: Number.POSITIVE_INFINITY })) {
      read += 1
      if (pinsGivenAway(line, pins).length === 0) continue
      count += 1
      if (lines.length < quotedLinesMax) lines.push(`${name}: ${line}`)
    }
  }
  return { read, lines, count }
}

export default function setup(): () => Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'telepay-test-logs-'))
  process.env[logCopyDirVariable] = dir
  return async () => {
    const found = await linesGivingPinsAway(dir)
    if (found.count === 0) {
      console.info(`log lines searched for the world's PINs: ${found.read}, none gives one away`)
      rmSync(dir, { recursive: true, force: true })
      return
    }
    // vitest reports an error thrown here and still exits 0: the exit code is set instead.
    console.error(
      `\nFAIL log check: ${found.count} log line(s) written during the tests give a PIN away ` +
        `(all lines kept in ${dir}):\n${found.lines.join('\n')}\n`,
    )
    process.exitCode = 1
  }
}
