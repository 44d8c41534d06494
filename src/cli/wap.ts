/**
 * wap.ts - `telepay wap [msisdn] [--as wml|xhtml|chtml] [--url http://127.0.0.1:8080]`: browses
 * a running gateway's WAP pages in the terminal as a handset of that markup would: prints each
 * page's text, then reads a line: a link's key or label follows it, `f` fills and sends the
 * page's form field by field (Enter keeps a field's value), `q` quits. With an MSISDN it plays an
 * operator gateway that names the phone (the enrichment header, believed from this host by
 * default); without one the login page asks for MSISDN and PIN. Stdin may be a pipe (each line
 * one input, echoed after the prompt, a PIN as ****). Exit 0 at `q` or the end of input, 1 when
 * the gateway cannot be reached, 2 for usage. Exports runWap.
 */
import { createInterface } from 'node:readline'
import type { TerminalIo } from './terminal-io.js'
import { processIo } from './terminal-io.js'
import { normalizeMsisdn } from '../core/index.js'
import type { ParsedPage, WapMarkup } from '../conformance/wap-page.js'
import { findLink, formBody } from '../conformance/wap-page.js'
import type { WapAnswer } from '../conformance/wap-steps.js'
import { wapRequest } from '../conformance/wap-steps.js'
import { UsageError, parseArgs } from './args.js'
import { gatewayUrl } from './gateway-url.js'

const usage = 'Usage: telepay wap [msisdn] [--as wml|xhtml|chtml] [--url http://127.0.0.1:8080]'
const markups: readonly WapMarkup[] = ['wml', 'xhtml', 'chtml']
/** Form fields whose typed value is never echoed. */
const secretFields = new Set(['pin'])

interface Browsing {
  readonly url: string
  readonly as: WapMarkup
  readonly msisdn: string | null
}

export async function runWap(args: string[], io: TerminalIo = processIo): Promise<number> {
  const browsing = parseBrowsing(args, io)
  if (typeof browsing === 'number') return browsing
  const lines = createInterface({ input: io.stdin, terminal: false })[Symbol.asyncIterator]()
  const ask = async (prompt: string, secret = false): Promise<string | null> => {
    io.stdout.write(prompt)
    const line = await lines.next()
    if (line.done === true) {
      io.stdout.write('\n')
      return null
    }
    const input = line.value.replace(/\r$/, '')
    if (!io.interactive) io.stdout.write(`${secret ? '*'.repeat(input.length) : input}\n`)
    return input
  }
  try {
    let page = await open(browsing, io, '/wap/')
    if (page === null) return 1
    for (;;) {
      const input = await ask(page.form === null ? '> ' : '> (f fills the form) ')
      if (input === null || input.trim() === 'q') return 0
      const wanted = input.trim()
      if (wanted === 'f' && page.form !== null) {
        const typed: Record<string, string> = {}
        for (const name of page.form.editable) {
          const current = page.form.variables.size > 0 ? valueOfVariable(page, name) : page.form.defaults.get(name) ?? ''
          const value = await ask(`  ${name}${current === '' || secretFields.has(name) ? '' : ` (${current})`}: `, secretFields.has(name))
          if (value === null) return 0
          if (value !== '') typed[name] = value
        }
        const built = formBody(page.form, typed)
        if ('unknown' in built) throw new Error(`the form has no field ${built.unknown}`)
        const next = await open(browsing, io, page.form.action, built.body.toString())
        if (next === null) return 1
        page = next
        continue
      }
      const link = findLink(page, wanted)
      if (link === null) {
        io.stdout.write(`no link "${wanted}" on this page${page.form === null ? '' : '; f fills the form'}; q quits\n`)
        continue
      }
      const next = await open(browsing, io, link.href)
      if (next === null) return 1
      page = next
    }
  } finally {
    await lines.return?.()
  }
}

/** A WML postfield's variable's current value: what the deck's input or select holds. */
function valueOfVariable(page: ParsedPage, variable: string): string {
  const form = page.form
  if (form === null) return ''
  const post = [...form.variables.entries()].find(([, name]) => name === variable)?.[0]
  return post === undefined ? '' : form.defaults.get(post) ?? ''
}

/** Fetches and prints a page; null (after saying why on stderr) when the gateway cannot be reached. */
async function open(browsing: Browsing, io: TerminalIo, path: string, body?: string): Promise<ParsedPage | null> {
  let answer: WapAnswer
  try {
    answer = await wapRequest(browsing.url, path, { as: browsing.as, msisdn: browsing.msisdn, from: null, ...(body === undefined ? {} : { method: 'POST' as const, body }) })
  } catch (error) {
    io.stderr.write(`telepay wap: cannot reach ${browsing.url}/wap/: ${error instanceof Error ? error.message : String(error)} (is the gateway running? npm start)\n`)
    return null
  }
  io.stdout.write(`\n[${answer.status} ${answer.contentType}, ${Buffer.byteLength(answer.raw)} bytes]\n`)
  if (answer.page === null) {
    io.stdout.write(`${answer.raw.slice(0, 400)}\n`)
    return { markup: browsing.as, text: '', links: [], form: null }
  }
  io.stdout.write(`${answer.page.text}\n`)
  return answer.page
}

function parseBrowsing(args: string[], io: TerminalIo): Browsing | number {
  let parsed
  try {
    parsed = parseArgs(args, ['url', 'as'], [])
  } catch (error) {
    if (!(error instanceof UsageError)) throw error
    io.stderr.write(`telepay wap: ${error.message}\n${usage}\n`)
    return 2
  }
  const [msisdnText, ...extra] = parsed.positional
  const msisdn = msisdnText === undefined ? null : normalizeMsisdn(msisdnText)
  if (extra.length > 0 || (msisdnText !== undefined && msisdn === null)) {
    io.stderr.write(`${msisdnText !== undefined && msisdn === null ? `telepay wap: "${msisdnText}" is not an MSISDN\n` : ''}${usage}\n`)
    return 2
  }
  const as = parsed.options.get('as') ?? 'xhtml'
  const markup = markups.find((name) => name === as)
  if (markup === undefined) {
    io.stderr.write(`telepay wap: --as is one of ${markups.join(', ')}\n${usage}\n`)
    return 2
  }
  return { url: gatewayUrl(parsed.options.get('url')), as: markup, msisdn }
}
