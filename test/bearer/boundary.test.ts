/**
 * boundary.test.ts - the SMPP bearer's place in the layers, checked on every import: the bearer
 * imports no channel and no tool, the SMS and USSD channels that ride it do not import each
 * other, and the fake phones import no channel. Reads each file's `from '...'` and `import('...')`
 * specifiers as text; type-only imports count too, since they couple the files just the same.
 */
import { readdirSync, readFileSync } from 'node:fs'
import { dirname, join, relative, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..')
const specifier = /(?:\bfrom\s*|\bimport\s*\(\s*|^\s*import\s+)['"](\.{1,2}\/[^'"]+)['"]/gm

function sourceFiles(folder: string): string[] {
  return readdirSync(join(root, folder), { recursive: true, encoding: 'utf8' })
    .filter((name) => name.endsWith('.ts'))
    .map((name) => join(folder, name))
}

/** `from -> to` for every relative import of the files under `folder` that lands under `target`. */
function importsInto(folder: string, target: string): string[] {
  const found: string[] = []
  for (const file of sourceFiles(folder)) {
    for (const match of readFileSync(join(root, file), 'utf8').matchAll(specifier)) {
      const landing = relative(root, resolve(root, dirname(file), match[1] ?? ''))
      if (landing === target || landing.startsWith(`${target}/`))
        found.push(`${file} -> ${landing}`)
    }
  }
  return found
}

describe('the SMPP bearer between the phones and the channels', () => {
  it.each([
    ['src/bearer', 'channels'],
    ['src/bearer', 'src/tools'],
    ['channels/sms', 'channels/ussd'],
    ['channels/ussd', 'channels/sms'],
    ['src/tools/phones', 'channels'],
  ])('nothing under %s imports %s', (folder, target) => {
    expect(importsInto(folder, target)).toEqual([])
  })

  it('sees the imports it is meant to forbid', () => {
    expect(importsInto('channels/sms', 'src/bearer').length).toBeGreaterThan(0)
    expect(importsInto('channels/ussd', 'src/bearer').length).toBeGreaterThan(0)
  })
})
