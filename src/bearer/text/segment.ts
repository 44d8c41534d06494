/**
 * segment.ts - splits a reply into SMS parts: a single short_message when it fits (160 GSM
 * septets / 70 UCS-2 units), else parts of at most 153 septets / 67 units, each carrying the
 * concatenation UDH `05 00 03 ref total seq` (splitText) or SAR TLV values (splitTextSar).
 * Exports splitText, splitTextSar, udhConcat8Length, SplitCoding and their result types.
 *
 * A character is the atom: an ESC + extension septet pair or a UTF-16 surrogate pair never
 * straddles two parts (the part then holds 152 septets or 66 units), because handsets show a
 * half character as garbage even when they reassemble. Text beyond segmentPartsMax parts is
 * cut, ends in "..." and `truncated` says so: the caller logs it (length, never the text).
 */
import { assert } from '../../core/index.js'
import { dataCodings } from './coding.js'
import { gsm7Septets, isGsm7 } from './gsm7.js'
import type { SmsTextLimits } from './limits.js'
import { checkSmsTextLimits, smsTextLimits } from './limits.js'

/** Octets of the 8-bit-reference concatenation UDH, including its length octet. */
export const udhConcat8Length = 6

export interface SplitText {
  readonly dataCoding: 0x00 | 0x08
  /** Each element is a whole short_message: UDH + body when several, the bare body when one. */
  readonly parts: readonly Buffer[]
  /** Set esm_class bit 0x40 on every part when true (exactly when parts.length > 1). */
  readonly esmClassUdhi: boolean
  /** The text did not fit in segmentPartsMax parts and was cut (ends in "..."). */
  readonly truncated: boolean
}

export interface SarValues {
  readonly sarMsgRefNum: number
  readonly sarTotalSegments: number
  readonly sarSegmentSeqnum: number
}

export interface SplitTextSar {
  readonly dataCoding: 0x00 | 0x08
  /** Bodies without UDH; `sar` is null when one part suffices (send no SAR TLVs then). */
  readonly parts: readonly { readonly body: Buffer; readonly sar: SarValues | null }[]
  readonly truncated: boolean
}

// One character on the wire: its octets and its width in septets or UCS-2 code units.
interface Atom {
  readonly octets: readonly number[]
  readonly width: number
}

interface Plan {
  readonly dataCoding: 0x00 | 0x08
  readonly bodies: readonly Buffer[]
  readonly truncated: boolean
}

function atomsOf(text: string, gsm: boolean): Atom[] {
  const atoms: Atom[] = []
  for (const char of text) {
    if (gsm) {
      const septets = gsm7Septets(char)
      assert(septets !== null, 'atomsOf: text was checked to be GSM-7')
      atoms.push({ octets: septets, width: septets.length })
    } else {
      const units = char.length
      const octets: number[] = []
      for (let index = 0; index < units; index++) {
        const unit = char.charCodeAt(index)
        octets.push(unit >> 8, unit & 0xff)
      }
      atoms.push({ octets, width: units })
    }
  }
  return atoms
}

function widthOf(atoms: readonly Atom[]): number {
  return atoms.reduce((sum, atom) => sum + atom.width, 0)
}

// Sized first and filled in place: a flatMap made an array per character of every reply.
function bodyOf(atoms: readonly Atom[]): Buffer {
  let length = 0
  for (const atom of atoms) length += atom.octets.length
  const body = Buffer.allocUnsafe(length)
  let offset = 0
  for (const atom of atoms) {
    for (const octet of atom.octets) body[offset++] = octet
  }
  return body
}

// Greedy fill: each part takes whole atoms while they fit.
function chunk(atoms: readonly Atom[], capacity: number): Atom[][] {
  const chunks: Atom[][] = []
  let current: Atom[] = []
  let width = 0
  for (const atom of atoms) {
    if (width + atom.width > capacity) {
      chunks.push(current)
      current = []
      width = 0
    }
    current.push(atom)
    width += atom.width
  }
  chunks.push(current)
  return chunks
}

function planParts(text: string, limits: SmsTextLimits, coding: SplitCoding): Plan {
  if (limits !== smsTextLimits) checkSmsTextLimits(limits)
  const gsm = coding === 'auto' && isGsm7(text)
  const dataCoding = gsm ? dataCodings.smscDefault : dataCodings.ucs2
  const atoms = atomsOf(text, gsm)
  const singleMax = gsm ? limits.singleSeptetsMax : limits.singleUcs2UnitsMax
  if (widthOf(atoms) <= singleMax) return { dataCoding, bodies: [bodyOf(atoms)], truncated: false }

  // With a one-part bound the cut text goes out as a single SM, so it keeps the UDH octets.
  const partMax = gsm ? limits.partSeptetsMax : limits.partUcs2UnitsMax
  const capacity = limits.segmentPartsMax === 1 ? singleMax : partMax
  const chunks = chunk(atoms, capacity)
  if (chunks.length <= limits.segmentPartsMax) {
    return { dataCoding, bodies: chunks.map(bodyOf), truncated: false }
  }
  const kept = chunks.slice(0, limits.segmentPartsMax)
  const last = kept[kept.length - 1]
  assert(last !== undefined, 'planParts: segmentPartsMax is at least 1')
  const ellipsis = atomsOf('...', gsm)
  while (widthOf(last) + widthOf(ellipsis) > capacity) last.pop()
  last.push(...ellipsis)
  return { dataCoding, bodies: kept.map(bodyOf), truncated: true }
}

function assertReference(reference: number, max: number): void {
  const valid = Number.isInteger(reference) && reference >= 0 && reference <= max
  assert(valid, `reference ${reference} out of 0..${max}`)
}

/**
 * The alphabet of a split: `auto` is GSM-7 when every character fits, else UCS-2; `ucs2` is
 * UCS-2 whatever the text (a sender that asks for it, as Kannel's sendsms `coding=2`).
 */
export type SplitCoding = 'auto' | 'ucs2'

/**
 * Splits `text` into whole short_message values. `reference` (0-255) is chosen by the caller,
 * one per reply and per destination, and goes into every part's UDH.
 */
export function splitText(
  text: string,
  reference: number,
  limits: SmsTextLimits = smsTextLimits,
  coding: SplitCoding = 'auto',
): SplitText {
  assertReference(reference, 0xff)
  const plan = planParts(text, limits, coding)
  const total = plan.bodies.length
  if (total === 1) {
    return {
      dataCoding: plan.dataCoding,
      parts: plan.bodies,
      esmClassUdhi: false,
      truncated: plan.truncated,
    }
  }
  const parts = plan.bodies.map((body, index) =>
    Buffer.concat([Buffer.from([0x05, 0x00, 0x03, reference, total, index + 1]), body]),
  )
  return { dataCoding: plan.dataCoding, parts, esmClassUdhi: true, truncated: plan.truncated }
}

/**
 * Same split, for peers that want SAR TLVs instead of a UDH. The parts keep the UDH-sized
 * budget (153 / 67) because the SMSC adds the UDH itself on the air interface.
 * `reference` is sar_msg_ref_num, 0-65535.
 */
export function splitTextSar(
  text: string,
  reference: number,
  limits: SmsTextLimits = smsTextLimits,
): SplitTextSar {
  assertReference(reference, 0xffff)
  const plan = planParts(text, limits, 'auto')
  const total = plan.bodies.length
  const parts = plan.bodies.map((body, index) => ({
    body,
    sar:
      total === 1
        ? null
        : { sarMsgRefNum: reference, sarTotalSegments: total, sarSegmentSeqnum: index + 1 },
  }))
  return { dataCoding: plan.dataCoding, parts, truncated: plan.truncated }
}
