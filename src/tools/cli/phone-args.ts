/**
 * phone-args.ts - the command line of the programs that act as a phone against a running
 * gateway (`telepay ussd`, `telepay call`): `<msisdn> [what to dial] [--url URL]`, each refusal
 * said on stderr with the program's usage. Exports parsePhoneArgs, PhoneArgs, DialRule.
 */
import { normalizeMsisdn } from '../../core/index.js'
import type { ParsedArgs } from './args.js'
import { parseOptions, UsageError } from './args.js'
import { gatewayUrl } from './gateway-url.js'
import { optionLinesOf } from './options-help.js'
import type { TerminalIo } from './terminal-io.js'

export interface PhoneArgs {
  readonly url: string
  /** International digits, no prefix. */
  readonly msisdn: string
  /** What the phone dials: a USSD string, a number to call. */
  readonly dial: string
}

/**
 * What the phone may dial: its default, its form, and the words that name the form in a refusal.
 */
export interface DialRule {
  readonly fallback: string
  readonly pattern: RegExp
  readonly described: string
}

/** The parsed arguments, or the exit code (2) after saying what is wrong. */
export function parsePhoneArgs(
  args: string[],
  io: TerminalIo,
  program: string,
  usage: string,
  rule: DialRule,
): PhoneArgs | number {
  const refuse = (why: string): number => {
    io.stderr.write(`${why === '' ? '' : `telepay ${program}: ${why}\n`}${usage}\n`)
    return 2
  }
  let parsed: ParsedArgs
  try {
    parsed = parseOptions(args, optionLinesOf(program))
  } catch (error) {
    if (!(error instanceof UsageError)) throw error
    return refuse(error.message)
  }
  const [msisdnText, dial = rule.fallback, ...extra] = parsed.positional
  const msisdn = msisdnText === undefined ? null : normalizeMsisdn(msisdnText)
  if (msisdnText === undefined || extra.length > 0) return refuse('')
  if (msisdn === null) return refuse(`"${msisdnText}" is not an MSISDN`)
  if (!rule.pattern.test(dial)) return refuse(`"${dial}" is not ${rule.described}`)
  return { url: gatewayUrl(parsed.options.get('url')), msisdn, dial }
}
