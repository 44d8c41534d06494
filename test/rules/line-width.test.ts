/**
 * line-width.test.ts - no line of the code is wider than 100 columns, so that a diff reads
 * without scrolling and two versions fit side by side in a review. Biome formats code to 100
 * columns (biome.jsonc) but cannot break a string literal or a comment: those are kept within
 * the width by hand (a comment rewrapped, a message split with + into the same text), and this
 * test is what holds them there. It reads every .ts file under src/, channels/, test/ and bin/
 * (and bin/'s .js entry) and counts characters, as grep '.\{101,\}' does.
 *
 * It holds with no exception: a line over 100 fails the test with its file, line and width.
 */
import { execFileSync } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'

const columnsMax = 100

const sources = execFileSync(
  'git',
  ['ls-files', '--cached', '--others', '--exclude-standard', '*.ts', 'bin/*.js'],
  { encoding: 'utf8' },
)
  .split('\n')
  .filter(
    (path) =>
      path !== '' &&
      !path.split('/').includes('node_modules') &&
      ['src/', 'channels/', 'test/', 'bin/'].some((root) => path.startsWith(root)),
  )

/** A line's width in characters (code points: a non-ASCII letter counts once). */
function columnsOf(line: string): number {
  return [...line].length
}

interface LongLine {
  readonly path: string
  readonly line: number
  readonly columns: number
}

function longLinesOf(path: string, source: string): LongLine[] {
  return source.split('\n').flatMap((text, index) => {
    const columns = columnsOf(text.replace(/\r$/, ''))
    return columns > columnsMax ? [{ path, line: index + 1, columns }] : []
  })
}

/** Every line over 100 columns, by file; files without one are left out. */
function longLinesByFile(): Map<string, LongLine[]> {
  const byFile = new Map<string, LongLine[]>()
  for (const path of sources) {
    const long = longLinesOf(path, readFileSync(path, 'utf8'))
    if (long.length > 0) byFile.set(path, long)
  }
  return byFile
}

const described = (long: LongLine): string => `${long.path}:${long.line} (${long.columns} columns)`

describe('line width', () => {
  it('keeps every line of the code within 100 columns', () => {
    expect([...longLinesByFile().values()].flat().map(described)).toEqual([])
  })

  it('counts characters, not bytes, and only past the 100th', () => {
    const text = ['a'.repeat(100), 'b'.repeat(101), '支'.repeat(100), `${'c'.repeat(101)}\r`]
    expect(longLinesOf('x.ts', text.join('\n'))).toEqual([
      { path: 'x.ts', line: 2, columns: 101 },
      { path: 'x.ts', line: 4, columns: 101 },
    ])
  })
})
