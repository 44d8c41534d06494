/**
 * validators.test.ts - every page shape checked by tools no one here wrote: XHTML-MP pages valid
 * against the XHTML Basic 1.1 DTD (xmllint, Debian w3c-sgml-lib), WML decks compiled without a
 * warning by Kannel's WML compiler and within 1,400 bytes of WBXML (and our own size count never
 * below Kannel's), cHTML pages within 5 KB with an accesskey on every link.
 *
 * CI needs the apt packages libxml2-utils, w3c-sgml-lib and kannel-extras; a test whose tool is
 * absent is skipped, saying which package is missing.
 */
import { spawnSync } from 'node:child_process'
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import iconv from 'iconv-lite'
import { afterAll, describe, expect, it } from 'vitest'
import type { PageModel } from '../../../../channels/wap/contract.js'
import {
  defaultRenderLimits,
  measurePage,
  renderPage,
  wbxmlSize,
} from '../../../../channels/wap/render/index.js'
import { pageModels } from './pages.js'

const xhtmlBasicDtd =
  '/usr/share/xml/w3c-sgml-lib/schema/dtd/REC-xhtml-basic-20101123/xhtml-basic11.dtd'
const wmlTester = '/usr/lib/kannel/test/wml_tester'
const hasXmllint = spawnSync('xmllint', ['--version']).status === 0
const hasDtd = existsSync(xhtmlBasicDtd)
const hasWmlTester = existsSync(wmlTester)

const dir = mkdtempSync(join(tmpdir(), 'telepay-wap-render-'))
/**
 * Page shape → [WML text bytes, our WBXML count, wml_tester's compiled bytes], kept for the deck
 * sizes of docs/channels/wap.md.
 */
const sizes = new Map<string, readonly [number, number, number]>()
afterAll(() => {
  rmSync(dir, { recursive: true, force: true })
  if (sizes.size === 0) return
  mkdirSync(join('test-artifacts', 'wap'), { recursive: true })
  const rows = [...sizes].map(
    ([name, [text, counted, compiled]]) =>
      `${name.padEnd(28)} ${String(text).padStart(6)} ${String(counted).padStart(8)} ` +
      `${String(compiled).padStart(9)}`,
  )
  writeFileSync(
    join('test-artifacts', 'wap', 'wml-compiled-sizes.txt'),
    [
      `${'deck'.padEnd(28)} ${'WML'.padStart(6)} ${'counted'.padStart(8)} ` +
        `${'compiled'.padStart(9)}  (bytes; budget ${defaultRenderLimits.wbxmlBytesMax})`,
      ...rows,
      '',
    ].join('\n'),
  )
})

function xmllint(file: string): { status: number | null; errors: string } {
  // --nonet: the DTD's modules resolve through /etc/xml/catalog to w3c-sgml-lib, never the web.
  const run = spawnSync('xmllint', ['--noout', '--nonet', '--dtdvalid', xhtmlBasicDtd, file], {
    encoding: 'utf8',
  })
  return { status: run.status, errors: run.stderr }
}

interface Compiled {
  readonly status: number | null
  readonly complaints: readonly string[]
  readonly bytes: number
}

function compileWml(file: string): Compiled {
  // Kannel logs warnings only without -b, so compile twice: once for the log, once for the bytes.
  const logged = spawnSync(wmlTester, [file], { encoding: 'utf8' })
  const complaints = `${logged.stdout}\n${logged.stderr}`
    .split('\n')
    .filter((line) => /\b(WARNING|ERROR|PANIC):/.test(line))
  const output = `${file}c`
  // wml_tester -f appends to an existing file.
  rmSync(output, { force: true })
  const binary = spawnSync(wmlTester, ['-b', '-f', output, file])
  expect(binary.status).toBe(0)
  const compiled = readFileSync(output)
  // WBXML 1.1 header with the WML 1.3 public id: a real compiled deck, not a log.
  expect([...compiled.subarray(0, 2)]).toEqual([0x01, 0x0a])
  return { status: logged.status, complaints, bytes: statSync(output).size }
}

const pages = Object.entries(pageModels)

describe.skipIf(!hasXmllint || !hasDtd)(
  'XHTML-MP against the XHTML Basic 1.1 DTD (needs libxml2-utils, w3c-sgml-lib)',
  () => {
    it.each(pages)('%s validates', (name, model) => {
      const file = join(dir, `${name}.xhtml`)
      writeFileSync(file, renderPage(model, 'xhtml').body)
      expect(xmllint(file)).toEqual({ status: 0, errors: '' })
    })

    it('catches an invalid page (the check can fail)', () => {
      const file = join(dir, 'invalid.xhtml')
      const page = renderPage(pageModels['home'] as PageModel, 'xhtml')
        .body.toString('utf8')
        .replace('<h1>', '<blink>x</blink><h1>')
      writeFileSync(file, page)
      const result = xmllint(file)
      expect(result.status).not.toBe(0)
      expect(result.errors).toContain('blink')
    })
  },
)

describe.skipIf(!hasWmlTester)("WML with Kannel's compiler (needs kannel-extras)", () => {
  it.each(pages)('%s compiles without a warning within 1,400 bytes', (name, model) => {
    const file = join(dir, `${name}.wml`)
    const body = renderPage(model, 'wml').body
    writeFileSync(file, body)
    const compiled = compileWml(file)
    expect(compiled.status).toBe(0)
    expect(compiled.complaints).toEqual([])
    expect(compiled.bytes).toBeLessThanOrEqual(defaultRenderLimits.wbxmlBytesMax)
    // Our render-time count is an upper bound of Kannel's, and not a loose one.
    const counted = wbxmlSize(body.toString('utf8'))
    expect(counted).toBeGreaterThanOrEqual(compiled.bytes)
    expect(counted).toBeLessThanOrEqual(Math.ceil(compiled.bytes * 1.3))
    sizes.set(name, [body.length, counted, compiled.bytes])
  })

  it('catches a deck with an unknown tag (the check can fail)', () => {
    const file = join(dir, 'invalid.wml')
    const deck = renderPage(pageModels['home'] as PageModel, 'wml')
      .body.toString('utf8')
      .replace('<p>', '<p><blink>x</blink>')
    writeFileSync(file, deck)
    expect(compileWml(file).complaints.join('\n')).toContain('Unknown tag in WML source: <blink>')
  })

  it('compiles the largest statement our count lets pass in 1,400 bytes (safe at its edge)', () => {
    const statement = pageModels['statement'] as PageModel
    const withRows = (n: number): PageModel => ({
      ...statement,
      paragraphs: Array.from(
        { length: n },
        (_, i) =>
          `${String(i + 1)}. ${statement.paragraphs[i % statement.paragraphs.length] ?? ''}`,
      ),
    })
    let rows = 1
    while (measurePage(withRows(rows + 1), 'wml').bytes <= defaultRenderLimits.wbxmlBytesMax)
      rows += 1
    expect(() => renderPage(withRows(rows + 1), 'wml')).toThrow(/over its budget/)
    const file = join(dir, 'largest.wml')
    writeFileSync(file, renderPage(withRows(rows), 'wml').body)
    const compiled = compileWml(file)
    expect(compiled.complaints).toEqual([])
    expect(compiled.bytes).toBeLessThanOrEqual(defaultRenderLimits.wbxmlBytesMax)
    const body = renderPage(withRows(rows), 'wml').body
    sizes.set(`statement, ${String(rows)} rows (largest)`, [
      body.length,
      wbxmlSize(body.toString('utf8')),
      compiled.bytes,
    ])
  })
})

describe('cHTML budget and accesskeys', () => {
  it.each(pages)('%s stays within 5 KB with an accesskey on every link', (_name, model) => {
    for (const charset of ['utf-8', 'Shift_JIS'] as const) {
      const body = renderPage(model, 'chtml', charset).body
      expect(body.length).toBeLessThanOrEqual(5 * 1024)
      const page = charset === 'Shift_JIS' ? iconv.decode(body, 'Shift_JIS') : body.toString('utf8')
      const anchors = [...page.matchAll(/<a\s[^>]*>/g)].map((m) => m[0])
      expect(anchors).toHaveLength(model.links.length)
      for (const anchor of anchors) expect(anchor).toMatch(/accesskey="[0-9*#]"/)
      expect(page).not.toMatch(/<(table|style|link|script)\b|\sstyle=/)
    }
  })
})
