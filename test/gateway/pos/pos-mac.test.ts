/**
 * pos-mac.test.ts - the MAC of a POS message (ISO 9797-1 algorithm 3, padding method 1) against
 * two published vectors: BouncyCastle's ISO9797Alg3MacTest (key 7CA1…376E, "Hello World !!!!",
 * a whole number of blocks) and pyemv's test_mac_iso9797_3 (keys AAAA…/BBBB…, "hello world",
 * zero-padded); and a changed byte changes it.
 */
import { describe, expect, it } from 'vitest'
import { posMac } from '../../../src/gateway/pos/pos-mac.js'

const hex = (text: string) => Buffer.from(text, 'hex')

describe('posMac', () => {
  it('gives the published MACs', () => {
    const bouncy = posMac(hex('7CA110454A1A6E570131D9619DC1376E'), Buffer.from('Hello World !!!!'))
    expect(bouncy.toString('hex').toUpperCase()).toBe('F09B856213BAB83B')
    const pyemv = posMac(hex(`${'AA'.repeat(8)}${'BB'.repeat(8)}`), Buffer.from('hello world'))
    expect(pyemv.toString('hex').toUpperCase()).toBe('78DA3D3DEB48FD4D')
  })

  it('changes with any byte of the message, and refuses a short key', () => {
    const key = hex('7CA110454A1A6E570131D9619DC1376E')
    const mac = posMac(key, Buffer.from('0200 purchase 100'))
    expect(posMac(key, Buffer.from('0200 purchase 900'))).not.toEqual(mac)
    expect(() => posMac(key.subarray(0, 8), Buffer.from('x'))).toThrow('16 bytes')
  })
})
