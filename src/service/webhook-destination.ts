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

/**
 * Why an address may not receive a webhook ("loopback", "private"...), or null when it is public.
 * An IPv4 address written as IPv6 (::ffff:10.0.0.1) is judged as the IPv4 address it is.
 */
export function nonPublicKindOf(address: string): string | null {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address)
  const plain = mapped?.[1] ?? address
  const family = isIP(plain)
  if (family === 4) return v4Lists.find(({ list }) => list.check(plain, 'ipv4'))?.kind ?? null
  if (family === 6) return v6Lists.find(({ list }) => list.check(plain, 'ipv6'))?.kind ?? null
  return 'not an IP address'
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
