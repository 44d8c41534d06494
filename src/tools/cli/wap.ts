/**
 * wap.ts - `telepay wap [msisdn] [--as wml|xhtml|chtml] [--url http://127.0.0.1:8080]`: browses
 * a running gateway's WAP pages in the terminal as a handset of that markup would: prints each
 * page's text, then reads a line: a link's key or label follows it, `f` fills and sends the
 * page's form field by field (Enter keeps a field's value), `q` quits. With an MSISDN it plays an
 * operator gateway that names the phone (the enrichment header, believed from this host by
 * default); without one the login page asks for MSISDN and PIN. A PIN field shows as stars.
 * The session's idle timeout (named by the gateway's pages, else the channel's default) is said
 * and applied: no input within it ends the browsing, as the gateway ends the session. On a
 * terminal Ctrl-C and Ctrl-D quit; stdin may be a pipe (each line one input, echoed after the
 * prompt). Exit 0 at `q`, the end of input or the timeout, 130 on Ctrl-C, 1 when the gateway
 * cannot be reached, 2 for usage. Exports runWap.
 */

import { defaultWapLimits, sessionIdleHeader } from '../../../channels/wap/limits.js'
import { normalizeMsisdn } from '../../core/index.js'
import type { ParsedPage, WapMarkup } from '../conformance/wap-page.js'
import { findLink, formBody } from '../conformance/wap-page.js'
import type { WapAnswer } from '../conformance/wap-steps.js'
import { wapRequest } from '../conformance/wap-steps.js'
import type { ParsedArgs } from './args.js'
import { parseOptions, UsageError } from './args.js'
import { gatewayUrl } from './gateway-url.js'
import { optionsHelp } from './options-help.js'
import type { TerminalIo } from './terminal-io.js'
import {
  interruptedExitCode,
  openLineInput,
  processIo,
  secondsText,
  timeoutNamed,
} from './terminal-io.js'

const usage = 'Usage: telepay wap [msisdn] [--as wml|xhtml|chtml] [--url http://127.0.0.1:8080]'
const markups: readonly WapMarkup[] = ['wml', 'xhtml', 'chtml']
/** Form fields whose typed value is never echoed: the PIN, and any other PIN a form may ask for. */
const isSecretField = (name: string): boolean => /pin/i.test(name)

interface Browsing {
  readonly url: string
  readonly as: WapMarkup
  readonly msisdn: string | null
}

/** A page shown, and the session idle timeout its answer named. */
interface Shown {
  readonly page: ParsedPage
  readonly idleMs: number | null
}

export async function runWap(args: string[], io: TerminalIo = processIo): Promise<number> {
  const browsing = parseBrowsing(args, io)
  if (typeof browsing === 'number') return browsing
  const input = openLineInput(io)
  let idleMs: number = defaultWapLimits.sessionIdleMs
  /**
   * The typed line, or the exit code when the input, the user or the timeout ended the browsing.
   */
  const ask = async (prompt: string, secret = false): Promise<string | number> => {
    const read = await input.read(prompt, { secret, timeoutMs: idleMs })
    switch (read.kind) {
      case 'line':
        return read.text
      case 'end':
        return 0
      case 'interrupt':
        return interruptedExitCode
      case 'timeout':
        io.stdout.write(
          `[nothing asked for within ${secondsText(idleMs)}: the session timed out]\n`,
        )
        return 0
    }
  }
  try {
    const first = await open(browsing, io, '/wap/')
    if (first === null) return 1
    idleMs = first.idleMs ?? idleMs
    io.stdout.write(
      `[a link's key or label follows it, f fills the form, q quits; the session ends after ` +
        `${secondsText(idleMs)} without a page]\n`,
    )
    let page = first.page
    for (;;) {
      const typed = await ask(page.form === null ? '> ' : '> (f fills the form) ')
      if (typeof typed === 'number') return typed
      const wanted = typed.trim()
      if (wanted === 'q') return 0
      let next: Shown | null
      if (wanted === 'f' && page.form !== null) {
        const fields: Record<string, string> = {}
        for (const name of page.form.editable) {
          const current =
            page.form.variables.size > 0
              ? valueOfVariable(page, name)
              : (page.form.defaults.get(name) ?? '')
          const value = await ask(
            `  ${name}${current === '' || isSecretField(name) ? '' : ` (${current})`}: `,
            isSecretField(name),
          )
          if (typeof value === 'number') return value
          if (value !== '') fields[name] = value
        }
        const built = formBody(page.form, fields)
        if ('unknown' in built) throw new Error(`the form has no field ${built.unknown}`)
        next = await open(browsing, io, page.form.action, built.body.toString())
      } else {
        const link = findLink(page, wanted)
        if (link === null) {
          io.stdout.write(
            `no link "${wanted}" on this page` +
              `${page.form === null ? '' : '; f fills the form'}; q quits\n`,
          )
          continue
        }
        next = await open(browsing, io, link.href)
      }
      if (next === null) return 1
      idleMs = next.idleMs ?? idleMs
      page = next.page
    }
  } finally {
    input.close()
  }
}

/** A WML postfield's variable's current value: what the deck's input or select holds. */
function valueOfVariable(page: ParsedPage, variable: string): string {
  const form = page.form
  if (form === null) return ''
  const post = [...form.variables.entries()].find(([, name]) => name === variable)?.[0]
  return post === undefined ? '' : (form.defaults.get(post) ?? '')
}

/**
 * Fetches and prints a page; null (after saying why on stderr) when the gateway cannot be reached.
 */
async function open(
  browsing: Browsing,
  io: TerminalIo,
  path: string,
  body?: string,
): Promise<Shown | null> {
  let answer: WapAnswer
  try {
    answer = await wapRequest(browsing.url, path, {
      as: browsing.as,
      msisdn: browsing.msisdn,
      from: null,
      ...(body === undefined ? {} : { method: 'POST' as const, body }),
    })
  } catch (error) {
    io.stderr.write(
      `telepay wap: cannot reach ${browsing.url}/wap/: ` +
        `${error instanceof Error ? error.message : String(error)} ` +
        `(is the gateway running? npm start)\n`,
    )
    return null
  }
  io.stdout.write(
    `\n[${answer.status} ${answer.contentType}, ${Buffer.byteLength(answer.raw)} bytes]\n`,
  )
  const idleMs = timeoutNamed(answer.headers[sessionIdleHeader])
  if (answer.page === null) {
    io.stdout.write(`${answer.raw.slice(0, 400)}\n`)
    return { page: { markup: browsing.as, text: '', links: [], form: null }, idleMs }
  }
  io.stdout.write(`${answer.page.text}\n`)
  return { page: answer.page, idleMs }
}

function parseBrowsing(args: string[], io: TerminalIo): Browsing | number {
  let parsed: ParsedArgs
  try {
    parsed = parseOptions(args, optionsHelp.wap)
  } catch (error) {
    if (!(error instanceof UsageError)) throw error
    io.stderr.write(`telepay wap: ${error.message}\n${usage}\n`)
    return 2
  }
  const [msisdnText, ...extra] = parsed.positional
  const msisdn = msisdnText === undefined ? null : normalizeMsisdn(msisdnText)
  if (extra.length > 0 || (msisdnText !== undefined && msisdn === null)) {
    const why =
      msisdnText !== undefined && msisdn === null
        ? `telepay wap: "${msisdnText}" is not an MSISDN\n`
        : ''
    io.stderr.write(`${why}${usage}\n`)
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
