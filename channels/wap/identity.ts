/**
 * identity.ts - who is browsing. Operator WAP gateways add the subscriber's MSISDN as a request
 * header (header enrichment); anyone can send that header, so it counts only from the
 * allow-listed gateway addresses (default: this host's loopback, 127.0.0.1 and ::1 - not all of
 * 127/8, so a test can play an outsider from 127.0.0.2). From anywhere else the header is ignored
 * (and logged), and the user logs in with MSISDN and PIN (see LoginCheck).
 * Exports defaultMsisdnHeaders, defaultTrustedGateways, TrustedGateways, headerIdentity,
 * LoginCheck,
 * LoginOutcome and coreLoginCheck.
 */
import { BlockList, isIP } from 'node:net'
import type { Language, Reason } from '../../src/core/index.js'
import { normalizeMsisdn } from '../../src/core/index.js'
import type { CommandPort } from '../../src/gateway/ports.js'

/**
 * The enrichment headers believed by default: only the WAP Forum's name. A gateway overwrites
 * the header it writes itself but may pass the handset's other headers through as they came:
 * Kannel's wapbox drops a handset's X-WAP-Network-Client-MSISDN yet forwards its X-MSISDN
 * (test/channels/wap/kannel-wapbox.test.ts), so believing every known name would let a handset
 * behind a trusted gateway name any number. An operator whose gateway writes another header
 * (X-MSISDN, Openwave's X-Up-Calling-Line-Id, X-Nokia-MSISDN) names it in wap.msisdnHeaders.
 */
export const defaultMsisdnHeaders: readonly string[] = ['x-wap-network-client-msisdn']

export const defaultTrustedGateways: readonly string[] = ['127.0.0.1', '::1']

export interface TrustedGateways {
  has(remoteAddress: string | undefined): boolean
}

/**
 * Builds the allow-list from addresses and CIDR ranges ("10.1.0.0/16"); throws on a bad entry (a
 * config error).
 */
export function trustedGateways(entries: readonly string[]): TrustedGateways {
  const list = new BlockList()
  for (const entry of entries) {
    const [address = '', prefix] = entry.split('/')
    const family = isIP(address)
    if (family === 0)
      throw new Error(`wap trusted gateway ${JSON.stringify(entry)} is not an IP address or range`)
    const type = family === 4 ? 'ipv4' : 'ipv6'
    if (prefix === undefined) list.addAddress(address, type)
    else list.addSubnet(address, Number(prefix), type)
  }
  return {
    has(remoteAddress) {
      if (remoteAddress === undefined) return false
      // A dual-stack socket reports an IPv4 peer as ::ffff:a.b.c.d.
      const plain =
        remoteAddress.startsWith('::ffff:') && isIP(remoteAddress.slice(7)) === 4
          ? remoteAddress.slice(7)
          : remoteAddress
      const family = isIP(plain)
      return family !== 0 && list.check(plain, family === 4 ? 'ipv4' : 'ipv6')
    },
  }
}

/** What the enrichment headers say: nothing, one MSISDN, or something not to be believed. */
export type HeaderIdentity =
  | { readonly kind: 'none' }
  | { readonly kind: 'msisdn'; readonly msisdn: string }
  | { readonly kind: 'ignored'; readonly why: 'untrusted_address' | 'malformed' | 'conflicting' }

export function headerIdentity(
  headers: Readonly<Record<string, string | string[] | undefined>>,
  remoteAddress: string | undefined,
  trusted: TrustedGateways,
  msisdnHeaders: readonly string[] = defaultMsisdnHeaders,
): HeaderIdentity {
  const values = msisdnHeaders
    .map((name) => headers[name.toLowerCase()])
    .filter((value): value is string | string[] => value !== undefined)
  if (values.length === 0) return { kind: 'none' }
  if (!trusted.has(remoteAddress)) return { kind: 'ignored', why: 'untrusted_address' }
  const numbers = new Set<string>()
  for (const value of values) {
    const msisdn = typeof value === 'string' ? normalizeMsisdn(value) : null
    if (msisdn === null) return { kind: 'ignored', why: 'malformed' }
    numbers.add(msisdn)
  }
  const [msisdn] = [...numbers]
  if (numbers.size !== 1 || msisdn === undefined) return { kind: 'ignored', why: 'conflicting' }
  return { kind: 'msisdn', msisdn }
}

export type LoginOutcome =
  | { readonly ok: true; readonly language: Language }
  | {
      readonly ok: false
      readonly reason: Reason
      readonly language: Language
      readonly params: Readonly<Record<string, string>>
    }

/** Checks a login's MSISDN and PIN; a wrong PIN counts toward the lock. */
export type LoginCheck = (msisdn: string, pin: string, nowMs: number) => Promise<LoginOutcome>

/**
 * A login checks MSISDN and PIN through the core (`verify_pin`), so a wrong PIN here counts
 * toward the same three-strikes lock as on every other channel, and a locked subscriber is
 * refused. Nothing moves; the PIN is checked by the payment service and never stored.
 */
export function coreLoginCheck(service: CommandPort): LoginCheck {
  return async (msisdn, pin) => {
    const result = await service.execute({
      key: null,
      channel: 'wap',
      command: { kind: 'verify_pin', msisdn },
      pin: pin === '' ? null : pin,
    })
    if (result.ok) return { ok: true, language: result.language }
    return {
      ok: false,
      reason: result.reason ?? 'pin_incorrect',
      language: result.language,
      params: result.message.params,
    }
  }
}
