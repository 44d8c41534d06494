/**
 * webhook-destination.ts - which addresses a webhook may be delivered to. A callback URL is the
 * merchant's to choose, so in production it must not lead the gateway to the operator's own
 * network: loopback, private (RFC 1918, unique local), link-local (cloud metadata at
 * 169.254.169.254), shared (carrier-grade NAT), multicast and reserved addresses are refused. The
 * check is made on the address the connection is about to use, after DNS, so a name that
 * resolves to 10.0.0.5 is refused as the literal would be.
 */
import { BlockList, isIP } from 'node:net'

const v4 = [
  ['0.0.0.0', 8, 'unspecified'],
  ['10.0.0.0', 8, 'private'],
  ['100.64.0.0', 10, 'shared (carrier-grade NAT)'],
  ['127.0.0.0', 8, 'loopback'],
  ['169.254.0.0', 16, 'link-local'],
  ['172.16.0.0', 12, 'private'],
  ['192.0.0.0', 24, 'reserved'],
  ['192.168.0.0', 16, 'private'],
  ['198.18.0.0', 15, 'reserved (benchmarking)'],
  ['224.0.0.0', 4, 'multicast'],
  ['240.0.0.0', 4, 'reserved'],
] as const

const v6 = [
  ['::', 128, 'unspecified'],
  ['::1', 128, 'loopback'],
  ['fc00::', 7, 'private (unique local)'],
  ['fe80::', 10, 'link-local'],
  ['ff00::', 8, 'multicast'],
] as const

function listOf(entries: readonly (readonly [string, number, string])[], family: 'ipv4' | 'ipv6') {
  return entries.map(([network, prefix, kind]) => {
    const list = new BlockList()
    list.addSubnet(network, prefix, family)
    return { list, kind }
  })
}

const v4Lists = listOf(v4, 'ipv4')
const v6Lists = listOf(v6, 'ipv6')

/** An IPv6 address's eight 16-bit groups (a trailing dotted IPv4 taken as the last two). */
function groupsOf(address: string): number[] {
  let text = address.replace(/%.*$/, '')
  const dotted = /(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(text)
  if (dotted !== null) {
    const [a, b, c, d] = dotted.slice(1).map(Number) as [number, number, number, number]
    const high = ((a << 8) | b).toString(16)
    const low = ((c << 8) | d).toString(16)
    text = `${text.slice(0, dotted.index)}${high}:${low}`
  }
  const [head = '', tail] = text.split('::')
  const parse = (part: string): number[] =>
    part === '' ? [] : part.split(':').map((group) => Number.parseInt(group, 16))
  const left = parse(head)
  const right = tail === undefined ? [] : parse(tail)
  return [...left, ...new Array<number>(8 - left.length - right.length).fill(0), ...right]
}

const ipv4Of = (high: number, low: number): string =>
  `${high >> 8}.${high & 0xff}.${low >> 8}.${low & 0xff}`

/**
 * The IPv4 address an IPv6 one carries to an IPv4 host, or null: IPv4-mapped (::ffff:a.b.c.d,
 * which the URL parser writes ::ffff:7f00:1), IPv4-compatible (::a.b.c.d), NAT64
 * (64:ff9b::a.b.c.d) and 6to4 (2002:AABB:CCDD::).
 */
function embeddedIpv4(address: string): string | null {
  const g = groupsOf(address)
  const zeros = (from: number, to: number) => g.slice(from, to).every((group) => group === 0)
  if (zeros(0, 5) && g[5] === 0xffff) return ipv4Of(g[6] ?? 0, g[7] ?? 0)
  if (zeros(0, 6) && ((g[6] ?? 0) !== 0 || (g[7] ?? 0) > 1)) return ipv4Of(g[6] ?? 0, g[7] ?? 0)
  if (g[0] === 0x64 && g[1] === 0xff9b && zeros(2, 6)) return ipv4Of(g[6] ?? 0, g[7] ?? 0)
  if (g[0] === 0x2002) return ipv4Of(g[1] ?? 0, g[2] ?? 0)
  return null
}

/**
 * Why an address may not receive a webhook ("loopback", "private"...), or null when it is public.
 * An IPv6 address that carries an IPv4 one (mapped, compatible, NAT64, 6to4) is judged as that
 * IPv4 address; Teredo (2001::/32), whose client address is hidden, is refused.
 */
export function nonPublicKindOf(address: string): string | null {
  const family = isIP(address)
  if (family === 4) return v4Lists.find(({ list }) => list.check(address, 'ipv4'))?.kind ?? null
  if (family !== 6) return 'not an IP address'
  const carried = embeddedIpv4(address)
  if (carried !== null) return nonPublicKindOf(carried)
  if (groupsOf(address)[0] === 0x2001 && groupsOf(address)[1] === 0) return 'tunnelled (Teredo)'
  return v6Lists.find(({ list }) => list.check(address, 'ipv6'))?.kind ?? null
}

export class DestinationRefused extends Error {
  override readonly name = 'DestinationRefused'
  constructor(address: string, kind: string) {
    super(
      `destination refused: ${address} is a ${kind} address ` +
        '(webhooks.privateDestinations is off)',
    )
  }
}
