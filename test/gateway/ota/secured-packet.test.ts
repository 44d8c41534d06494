/**
 * secured-packet.test.ts - SIM OTA secured packets: the command packet pySim builds for a real
 * card (checksum and ciphering with two-key triple DES, notes D.5) comes out byte for byte, the
 * card opens what the platform sends, refuses a packet changed on the way or for another
 * application, and the platform opens the card's proof of receipt.
 */
import { describe, expect, it } from 'vitest'
import {
  commandPacket,
  openCommandPacket,
  openResponsePacket,
  otaProfile,
  porStatus,
  responsePacket,
} from '../../../src/gateway/ota/secured-packet.js'

const pySimKeys = {
  cipher: Buffer.from('300102030405060708090a0b0c0d0e0f', 'hex'),
  checksum: Buffer.from('301102030405060708090a0b0c0d0e0f', 'hex'),
}

describe('an OTA command packet', () => {
  it("matches pySim's SPI 0619 vector (CC, ciphered, PoR)", () => {
    const packet = commandPacket(pySimKeys, 0n, Buffer.from('00a40004023f00', 'hex'), {
      spi1: 0x06,
      spi2: 0x19,
      kic: 0x35,
      kid: 0x35,
      tar: Buffer.from('b00011', 'hex'),
    })
    expect(packet.toString('hex')).toBe(
      '00201506193535b00011ae733256918d050b87c94fbfe12e4dc402f262c41cf67f2f',
    )
  })

  it('opens on the card with its counter and data, and refuses a changed one', () => {
    const data = Buffer.from('80500002 0b 01 00001388 860100000001 10'.replaceAll(' ', ''), 'hex')
    const packet = commandPacket(pySimKeys, 42n, data)
    expect(openCommandPacket(pySimKeys, packet)).toEqual({
      ok: true,
      counter: 42n,
      tar: otaProfile.tar,
      data,
    })
    const changed = Buffer.from(packet)
    changed.writeUInt8((changed.at(-1) ?? 0) ^ 0x01, changed.length - 1)
    expect(openCommandPacket(pySimKeys, changed)).toMatchObject({
      ok: false,
      status: porStatus.checksumFailed,
    })
    const otherTar = Buffer.from(packet)
    otherTar[8] = 0x00
    expect(openCommandPacket(pySimKeys, otherTar)).toMatchObject({
      ok: false,
      status: porStatus.tarUnknown,
    })
  })
})

describe('a proof of receipt', () => {
  it('opens at the platform with the status and the data, and not under other keys', () => {
    const data = Buffer.from('0112345678 9000'.replaceAll(' ', ''), 'hex')
    const por = responsePacket(pySimKeys, otaProfile.tar, 7n, porStatus.ok, data)
    expect(openResponsePacket(pySimKeys, por)).toEqual({
      ok: true,
      counter: 7n,
      status: porStatus.ok,
      data,
    })
    const otherKeys = { cipher: pySimKeys.checksum, checksum: pySimKeys.cipher }
    expect(openResponsePacket(otherKeys, por).ok).toBe(false)
  })
})
