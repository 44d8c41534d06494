/**
 * file-headers.test.ts - every file's header that says what it exports ("Exports a, B and c")
 * names only what the file does export. The lists are kept by hand and had rotted: they named
 * functions renamed long ago (percentOf, percentileMs). A name is checked when it is written as
 * code is (camelCase or PascalCase); prose words around the list are not.
 */
import { execFileSync } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { pattern } from '../support/pattern.js'

const sources = execFileSync(
  'git',
  ['ls-files', '--cached', '--others', '--exclude-standard', '*.ts'],
  { encoding: 'utf8' },
)
  .split('\n')
  .filter((path) => path !== '' && !path.endsWith('.d.ts'))

/** The names an "Exports …" sentence of the header lists; empty when it lists none. */
function listedExports(source: string): string[] {
  const header = /^\/\*\*([\s\S]*?)\*\//.exec(source)?.[1]
  if (header === undefined) return []
  const flat = header.replace(/\n\s*\*\s?/g, ' ')
  const sentence = /\bExports?\s+([^.]*(?:\.[A-Za-z][^.]*)*)\./.exec(flat)?.[1]
  if (sentence === undefined) return []
  return [...sentence.matchAll(/`?\b([A-Za-z_$][\w$]*)\b`?/g)]
    .map((match) => match[1] ?? '')
    .filter(
      (name) =>
        /^[a-z]+[A-Z]/.test(name) ||
        /^[A-Z][a-z]+[A-Z]/.test(name) ||
        (/^[A-Z][a-z]+$/.test(name) && name.length > 3),
    )
}

function exportedNames(source: string): Set<string> {
  const names = new Set<string>()
  for (const match of source.matchAll(
    pattern(
      /export\s+(?:declare\s+)?(?:default\s+)?(?:async\s+)?(?:abstract\s+)?/,
      /(?:function\*?|class|const|let|var|interface|type|enum)\s+([\w$]+)/g,
    ),
  )) {
    names.add(match[1] ?? '')
  }
  for (const match of source.matchAll(/export\s+(?:type\s+)?\{([^}]*)\}/g)) {
    for (const part of (match[1] ?? '').split(','))
      names.add(
        part
          .trim()
          .split(/\s+as\s+/)
          .pop() ?? '',
      )
  }
  return names
}

describe('file headers', () => {
  it('name only what their file exports', () => {
    const stale: string[] = []
    for (const path of sources) {
      const source = readFileSync(path, 'utf8')
      const exported = exportedNames(source)
      // A capitalised prose word ("Tests", "Exports") is no claim about the code.
      const missing = listedExports(source).filter(
        (name) => !exported.has(name) && /[a-z][A-Z]|^[a-z]/.test(name),
      )
      if (missing.length > 0) stale.push(`${path}: ${missing.join(', ')}`)
    }
    expect(stale).toEqual([])
  })

  it('catches a header that names a function the file no longer has', () => {
    const source =
      '/**\n * money.ts - amounts. Exports parseAmount,\n * percentOf.\n */\nexport ' +
      'function parseAmount(): void {}\n'
    expect(listedExports(source).filter((name) => !exportedNames(source).has(name))).toEqual([
      'percentOf',
    ])
  })
})
