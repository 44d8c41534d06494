/**
 * coding.ts - SMPP data_coding: the values (SMPP 3.4 §5.2.19 plus the GSM 03.38 DCS groups
 * peers send in practice), the alphabet each one means, and text <-> bytes in that alphabet.
 * Exports dataCodings, alphabetOf, encodeText, decodeText, decodeInAlphabet, encodeUcs2,
 * decodeUcs2 and the types Alphabet, AlphabetInfo, DecodedText, DecodeOptions.
 *
 * Decisions the SMPP layer relies on:
 * - We always send data_coding explicitly: 0x00 when every character is GSM-7 (unpacked
 *   septets), else 0x08 UCS-2 big-endian with surrogate pairs kept (UTF-16BE), so Chinese is
 *   answered in Chinese and emoji survive. Never 0x01: npm smpp labels GSM bytes as IA5.
 * - data_coding 0 ("SMSC default alphabet") is read as GSM-7 unpacked. Some SMSCs mean ASCII
 *   or Latin-1 by it; pass { smscDefaultAlphabet } per link for those (Kannel's alt-charset).
 * - 0x01 is strict ASCII: an octet above 0x7F shows U+FFFD.
 * - 8-bit binary (0x02, 0x04, DCS 8-bit classes) decodes as Latin-1, one character per octet,
 *   so no octet is lost and Buffer.from(text, 'latin1') gives the bytes back; the alphabet
 *   'binary' tells the caller it is not text meant for a keyword parser.
 * - A value we cannot decode (JIS, Cyrillic, Hebrew, pictograms, KS C 5601, compressed DCS,
 *   reserved groups) is read as GSM-7 with known: false, so the channel can answer "please
 *   resend" instead of acting on garbage.
 */
import { decodeGsm7, encodeGsm7, isGsm7 } from './gsm7.js'

export const dataCodings = {
  /** SMSC default alphabet; GSM 03.38 for us (see smscDefaultAlphabet). */
  smscDefault: 0x00,
  ia5: 0x01,
  octetUnspecified: 0x02,
  latin1: 0x03,
  octetUnspecifiedAlt: 0x04,
  jisX0208: 0x05,
  cyrillic: 0x06,
  latinHebrew: 0x07,
  ucs2: 0x08,
  pictogram: 0x09,
  iso2022jpMusic: 0x0a,
  extendedKanji: 0x0d,
  ksc5601: 0x0e,
} as const

export type Alphabet = 'gsm7' | 'ascii' | 'latin1' | 'ucs2' | 'binary'

export interface AlphabetInfo {
  readonly alphabet: Alphabet
  /** False when we do not understand the data_coding and fell back to GSM-7. */
  readonly known: boolean
  /** GSM message class 0-3 when the DCS carries one (class 0 = flash SMS), else null. */
  readonly messageClass: number | null
}

export interface DecodedText extends AlphabetInfo {
  readonly text: string
}

export interface DecodeOptions {
  /** What data_coding 0 means on this link; GSM-7 unpacked unless the SMSC says otherwise. */
  readonly smscDefaultAlphabet?: 'gsm7' | 'ascii' | 'latin1'
}

const unknownCoding: AlphabetInfo = { alphabet: 'gsm7', known: false, messageClass: null }

// Bits 3-2 of a GSM 03.38 coding group: 00 GSM-7, 01 8-bit data, 10 UCS-2, 11 reserved.
function alphabetOfDcsBits(dataCoding: number, messageClass: number | null): AlphabetInfo {
  switch ((dataCoding >> 2) & 0x03) {
    case 0:
      return { alphabet: 'gsm7', known: true, messageClass }
    case 1:
      return { alphabet: 'binary', known: true, messageClass }
    case 2:
      return { alphabet: 'ucs2', known: true, messageClass }
    default:
      return unknownCoding
  }
}

/** The alphabet a data_coding value means (SMPP values below 0x10, GSM 03.38 DCS above). */
export function alphabetOf(dataCoding: number, options: DecodeOptions = {}): AlphabetInfo {
  switch (dataCoding) {
    case dataCodings.smscDefault:
      return { alphabet: options.smscDefaultAlphabet ?? 'gsm7', known: true, messageClass: null }
    case dataCodings.ia5:
      return { alphabet: 'ascii', known: true, messageClass: null }
    case dataCodings.octetUnspecified:
    case dataCodings.octetUnspecifiedAlt:
      return { alphabet: 'binary', known: true, messageClass: null }
    case dataCodings.latin1:
      return { alphabet: 'latin1', known: true, messageClass: null }
    case dataCodings.ucs2:
      return { alphabet: 'ucs2', known: true, messageClass: null }
  }
  const group = dataCoding >> 4
  // 00xx / 01xx general coding (01xx = marked for automatic deletion); bit 5 set = compressed,
  // which no handset or SMSC we know of uses and we cannot decompress.
  if ((group & 0x0c) === 0x00 || (group & 0x0c) === 0x04) {
    if (dataCoding < 0x10 || (dataCoding & 0x20) !== 0) return unknownCoding
    const classMeaningful = (dataCoding & 0x10) !== 0
    return alphabetOfDcsBits(dataCoding, classMeaningful ? dataCoding & 0x03 : null)
  }
  // 1100 / 1101 message waiting indication, GSM-7; 1110 the same in UCS-2.
  if (group === 0x0c || group === 0x0d) return { alphabet: 'gsm7', known: true, messageClass: null }
  if (group === 0x0e) return { alphabet: 'ucs2', known: true, messageClass: null }
  // 1111 data coding / message class: bit 2 selects 8-bit data, else GSM-7.
  if (group === 0x0f) {
    const alphabet: Alphabet = (dataCoding & 0x04) !== 0 ? 'binary' : 'gsm7'
    return { alphabet, known: true, messageClass: dataCoding & 0x03 }
  }
  return unknownCoding
}

/** GSM-7 when every character fits, else UCS-2 (UTF-16BE, surrogate pairs kept). */
export function encodeText(text: string): {
  readonly dataCoding: 0x00 | 0x08
  readonly bytes: Buffer
} {
  if (isGsm7(text)) return { dataCoding: dataCodings.smscDefault, bytes: encodeGsm7(text) }
  return { dataCoding: dataCodings.ucs2, bytes: encodeUcs2(text) }
}

/** UTF-16BE; lone surrogates pass through unchanged so a split pair re-joins as text. */
export function encodeUcs2(text: string): Buffer {
  return Buffer.from(text, 'utf16le').swap16()
}

/** UTF-16BE to text; an odd trailing octet (a truncated unit) shows U+FFFD. */
export function decodeUcs2(bytes: Uint8Array): string {
  const evenLength = bytes.length - (bytes.length % 2)
  const swapped = Buffer.from(bytes.subarray(0, evenLength)).swap16()
  const text = swapped.toString('utf16le')
  return evenLength === bytes.length ? text : `${text}\uFFFD`
}

function decodeAscii(bytes: Uint8Array): string {
  let text = ''
  for (const octet of bytes) text += octet < 0x80 ? String.fromCharCode(octet) : '\uFFFD'
  return text
}

/** Decodes the bytes of short_message or message_payload (UDH already removed). */
export function decodeText(
  dataCoding: number,
  bytes: Uint8Array,
  options: DecodeOptions = {},
): DecodedText {
  const info = alphabetOf(dataCoding, options)
  return { ...info, text: decodeInAlphabet(info.alphabet, bytes) }
}

export function decodeInAlphabet(alphabet: Alphabet, bytes: Uint8Array): string {
  switch (alphabet) {
    case 'gsm7':
      return decodeGsm7(bytes)
    case 'ascii':
      return decodeAscii(bytes)
    case 'latin1':
    case 'binary':
      return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length).toString('latin1')
    case 'ucs2':
      return decodeUcs2(bytes)
  }
}
