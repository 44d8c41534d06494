/**
 * tshark.test.ts - an independent oracle: parts made by splitText are wrapped by hand into
 * SMPP deliver_sm PDUs on TCP port 2775, written to a pcap with text2pcap, and Wireshark's
 * GSM SMS dissector must reassemble them to the original text's bytes without expert errors.
 * Skipped (with the reason in the test name) when tshark or text2pcap is not installed.
 */
import { spawnSync } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { decodeText, encodeText } from '../../../src/bearer/text/coding.js'
import { splitText } from '../../../src/bearer/text/segment.js'

const toolsPresent = ['tshark', 'text2pcap'].every(
  (tool) => spawnSync(tool, ['--version'], { encoding: 'utf8' }).status === 0,
)
const directory = toolsPresent ? mkdtempSync(join(tmpdir(), 'telepay-sms-text-')) : ''

afterAll(() => {
  if (directory !== '') rmSync(directory, { recursive: true, force: true })
})

function cString(text: string): Buffer {
  return Buffer.from(`${text}\0`, 'latin1')
}

// SMPP 3.4 §4.6.1 deliver_sm, mandatory parameters only.
function deliverSm(
  sequenceNumber: number,
  esmClass: number,
  dataCoding: number,
  shortMessage: Buffer,
): Buffer {
  const body = Buffer.concat([
    cString(''), // service_type
    Buffer.from([0x01, 0x01]), // source TON international, NPI E.164
    cString('8613800000001'),
    Buffer.from([0x00, 0x00]),
    cString('10086'),
    Buffer.from([esmClass, 0x00, 0x00]), // esm_class, protocol_id, priority_flag
    cString(''), // schedule_delivery_time
    cString(''), // validity_period
    Buffer.from([0x00, 0x00, dataCoding, 0x00, shortMessage.length]),
    shortMessage,
  ])
  const header = Buffer.alloc(16)
  header.writeUInt32BE(16 + body.length, 0)
  header.writeUInt32BE(0x00000005, 4)
  header.writeUInt32BE(0, 8)
  header.writeUInt32BE(sequenceNumber, 12)
  return Buffer.concat([header, body])
}

// text2pcap's input: one packet per block, each line "offset hex-octets", offsets from 0.
function hexDump(packet: Buffer): string {
  const lines: string[] = []
  for (let offset = 0; offset < packet.length; offset += 16) {
    const octets = [...packet.subarray(offset, offset + 16)].map((octet) =>
      octet.toString(16).padStart(2, '0'),
    )
    lines.push(`${offset.toString(16).padStart(6, '0')} ${octets.join(' ')}`)
  }
  return `${lines.join('\n')}\n`
}

function run(command: string, args: readonly string[]): string {
  const result = spawnSync(command, args, { encoding: 'utf8' })
  expect(result.status, `${command} ${args.join(' ')}: ${result.stderr}`).toBe(0)
  return result.stdout
}

function capture(name: string, text: string, reference: number): string {
  const split = splitText(text, reference)
  const dump = split.parts.map((part, index) =>
    hexDump(deliverSm(index + 1, split.esmClassUdhi ? 0x40 : 0x00, split.dataCoding, part)),
  )
  const dumpPath = join(directory, `${name}.txt`)
  const pcapPath = join(directory, `${name}.pcap`)
  writeFileSync(dumpPath, dump.join(''))
  run('text2pcap', ['-q', '-T', '40000,2775', dumpPath, pcapPath])
  return pcapPath
}

const tsharkSmpp = ['-d', 'tcp.port==2775,smpp', '-o', 'smpp.gsm7_unpacked:TRUE']

describe.skipIf(!toolsPresent)(
  'tshark reassembles our parts (skipped if tshark/text2pcap are not installed)',
  () => {
    it.each([
      ['gsm', `PAY 1001 25.00 @shop_x $5 {ref} [€] ~^|\\ ${'0123456789'.repeat(30)}`, 42],
      ['ucs2', `查询余额 😀 ${'转账给朋友🎉'.repeat(30)} 完`, 200],
    ])('%s: reassembled length and bytes match the text', (name, text, reference) => {
      const pcap = capture(name, text, reference)
      const expected = encodeText(text)
      const rows = run('tshark', [
        '-r',
        pcap,
        ...tsharkSmpp,
        '-T',
        'fields',
        '-E',
        'separator=/t',
        '-e',
        'smpp.data_coding',
        '-e',
        'gsm_sms.udh.mm.msg_id',
        '-e',
        'gsm_sms.udh.mm.msg_parts',
        '-e',
        'gsm_sms_ud.reassembled.length',
        '-e',
        'gsm_sms_ud.short_msg',
      ])
        .trim()
        .split('\n')
        .map((line) => line.split('\t'))
      const parts = splitText(text, reference).parts.length
      expect(parts).toBeGreaterThan(1)
      expect(rows).toHaveLength(parts)
      for (const [dataCoding, msgId, msgParts] of rows) {
        expect([Number(dataCoding), Number(msgId), Number(msgParts)]).toEqual([
          expected.dataCoding,
          reference,
          parts,
        ])
      }
      const last = rows.at(-1) ?? []
      expect(Number(last[3])).toBe(expected.bytes.length)
      expect(decodeText(expected.dataCoding, Buffer.from(last[4] ?? '', 'hex')).text).toBe(text)
    })

    it('finds no malformed packet in the capture', () => {
      const pcap = capture('expert', `余额 ${'abc€'.repeat(60)}`, 7)
      expect(run('tshark', ['-r', pcap, ...tsharkSmpp, '-q', '-z', 'expert'])).not.toMatch(
        /Malformed/,
      )
    })
  },
)
