/**
 * markdown-links.test.ts - every link from one of the project's markdown files to another file of
 * the repository (README.md, docs/**) points at a file or folder that exists, and a link to a
 * heading (`payments.md#idempotency`, `#storage-bytes-a-payment`) at a heading that exists, with
 * GitHub's spelling of the anchor. The README and the documents under docs/ link to each other
 * by path and by heading; a moved file or a renamed heading would otherwise leave a link that
 * opens nothing, and nobody notices until a reader follows it.
 *
 * Links to the web (http:, https:, mailto:) are not followed. Code (fenced blocks, `spans`) and
 * HTML comments are not read: a path written there is an example, not a link.
 */
import { execFileSync } from 'node:child_process'
import { existsSync, readFileSync, statSync } from 'node:fs'
import { dirname, join, normalize } from 'node:path'
import { describe, expect, it } from 'vitest'

/**
 * Documents a link may name before work in progress adds them (none now). A link to one is let
 * through only while the file does not exist; once it does, its links and headings are checked
 * like any other. Take a name off this list when its document has arrived.
 */
const arrivingDocuments = new Set<string>()

const documents = execFileSync(
  'git',
  ['ls-files', '--cached', '--others', '--exclude-standard', '*.md'],
  { encoding: 'utf8' },
)
  .split('\n')
  .filter((path) => path !== '' && !path.split('/').includes('node_modules'))

/** A markdown text without what is not read as links: fenced code, code spans, HTML comments. */
function readable(markdown: string): string {
  let fenced = false
  const lines = markdown.split('\n').map((line) => {
    if (/^\s*(```|~~~)/.test(line)) {
      fenced = !fenced
      return ''
    }
    return fenced ? '' : line
  })
  return lines
    .join('\n')
    .replace(/<!--[\s\S]*?-->/g, '')
    .replace(/(`+)[\s\S]*?\1/g, '')
}

/** Every link target of a markdown text: inline links, images and reference definitions. */
function linkTargets(markdown: string): string[] {
  const text = readable(markdown)
  const inline = [...text.matchAll(/\]\(\s*<?([^)\s>]+)>?(?:\s+"[^"]*")?\s*\)/g)]
  const defined = [...text.matchAll(/^\s{0,3}\[[^\]]+\]:\s*<?(\S+?)>?(?:\s|$)/gm)]
  return [...inline, ...defined].map((match) => match[1] ?? '')
}

/** The anchor GitHub gives a heading: lower case, punctuation dropped, spaces as hyphens. */
function anchorOf(heading: string): string {
  return heading
    .replace(/\[([^\]]*)\]\([^)]*\)/g, '$1')
    .replace(/<[^>]+>/g, '')
    .replace(/[`*]/g, '')
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{M}\p{N}\p{Pc} -]/gu, '')
    .replace(/ /g, '-')
}

/** The anchors of a markdown text's headings, a repeated one numbered as GitHub does (-1, -2). */
function anchorsOf(markdown: string): Set<string> {
  const anchors = new Set<string>()
  const seen = new Map<string, number>()
  let fenced = false
  for (const line of markdown.split('\n')) {
    if (/^\s*(```|~~~)/.test(line)) fenced = !fenced
    const heading = fenced ? null : /^\s{0,3}#{1,6}\s+(.*?)\s*#*\s*$/.exec(line)
    if (!heading) continue
    const anchor = anchorOf(heading[1] ?? '')
    const times = seen.get(anchor) ?? 0
    anchors.add(times === 0 ? anchor : `${anchor}-${times}`)
    seen.set(anchor, times + 1)
  }
  return anchors
}

/** What is wrong with one link of a document, or null when it opens what it names. */
function brokenLink(from: string, target: string): string | null {
  if (/^[a-z][a-z0-9+.-]*:/i.test(target)) return null
  const [pathPart = '', anchor] = target.split('#', 2)
  const path = pathPart === '' ? from : normalize(join(dirname(from), decodeURI(pathPart)))
  if (!existsSync(path)) {
    return arrivingDocuments.has(path) ? null : `${from}: ${target}: no such file (${path})`
  }
  if (anchor === undefined || anchor === '' || !path.endsWith('.md')) return null
  if (statSync(path).isDirectory()) return null
  return anchorsOf(readFileSync(path, 'utf8')).has(decodeURIComponent(anchor))
    ? null
    : `${from}: ${target}: no heading #${anchor} in ${path}`
}

describe('markdown links', () => {
  it('reads the README and the documents under docs/', () => {
    expect(documents).toContain('README.md')
    expect(documents).toContain('docs/contract.md')
  })

  it('open a file that exists and, with #anchor, a heading it has', () => {
    const broken = documents.flatMap((from) =>
      linkTargets(readFileSync(from, 'utf8')).flatMap((target) => {
        const problem = brokenLink(from, target)
        return problem === null ? [] : [problem]
      }),
    )
    expect(broken).toEqual([])
  })

  it('spells anchors as GitHub does', () => {
    expect(anchorOf('3. Payment rules (defaults)')).toBe('3-payment-rules-defaults')
    expect(anchorOf('Scale: a million subscribers and 100,000 open sessions')).toBe(
      'scale-a-million-subscribers-and-100000-open-sessions',
    )
    expect(anchorOf('`expect_trail`')).toBe('expect_trail')
    expect(anchorOf("A payment's trail in the terminal")).toBe('a-payments-trail-in-the-terminal')
    expect([...anchorsOf('# A\n## A\n```\n# not a heading\n```\n### A')]).toEqual([
      'a',
      'a-1',
      'a-2',
    ])
  })

  it('finds links across lines and skips code, comments and the web', () => {
    const text = [
      'See [the\nledger](payments.md#idempotency) and ![a picture](img/a.png "title").',
      '`[not](a-link.md)` <!-- [nor](this.md) --> [web](https://example.com)',
      '```',
      '[inside](code.md)',
      '```',
      '[ref]: docs/world.md',
    ].join('\n')
    expect(linkTargets(text)).toEqual([
      'payments.md#idempotency',
      'img/a.png',
      'https://example.com',
      'docs/world.md',
    ])
  })
})
