/**
 * webhook-destination.test.ts - the addresses a webhook may not reach in production: every
 * non-public range by a member of it, IPv4 written as IPv6 judged as IPv4, public ones let through.
 */
import { describe, expect, it } from 'vitest'
import { nonPublicKindOf } from '../../src/service/webhook-destination.js'

describe('nonPublicKindOf', () => {
  it.each([
    ['127.0.0.1', 'loopback'],
    ['127.8.9.10', 'loopback'],
    ['10.1.2.3', 'private'],
    ['172.16.0.1', 'private'],
    ['172.31.255.254', 'private'],
    ['192.168.1.1', 'private'],
    ['169.254.169.254', 'link-local'],
    ['100.64.0.1', 'shared (carrier-grade NAT)'],
    ['0.0.0.0', 'unspecified'],
    ['224.0.0.251', 'multicast'],
    ['255.255.255.255', 'reserved'],
    ['::1', 'loopback'],
    ['::', 'unspecified'],
    ['fd12:3456::1', 'private (unique local)'],
    ['fe80::1', 'link-local'],
    ['::ffff:10.0.0.1', 'private'],
    ['::FFFF:127.0.0.1', 'loopback'],
    // As the URL parser writes them: http://[::ffff:127.0.0.1]/ has the hostname [::ffff:7f00:1].
    ['::ffff:7f00:1', 'loopback'],
    ['::ffff:a9fe:a9fe', 'link-local'],
    ['::ffff:a00:5', 'private'],
    ['::a00:5', 'private'],
    ['64:ff9b::7f00:1', 'loopback'],
    ['2002:a9fe:a9fe::1', 'link-local'],
    ['2001:0:4136:e378:8000:63bf:3fff:fdd2', 'tunnelled (Teredo)'],
    ['example.com', 'not an IP address'],
  ])('%s is %s', (address, kind) => {
    expect(nonPublicKindOf(address)).toBe(kind)
  })

  it.each([
    '8.8.8.8',
    '172.32.0.1',
    '100.128.0.1',
    '203.0.114.1',
    '2001:4860:4860::8888',
    '::ffff:808:808',
    '2002:808:808::1',
  ])('%s is public', (address) => {
    expect(nonPublicKindOf(address)).toBeNull()
  })
})
