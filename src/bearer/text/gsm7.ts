/**
 * gsm7.ts - the GSM 03.38 (3GPP TS 23.038 §6.2.1) default alphabet and its extension table as
 * UNPACKED septets, one octet per septet, which is how SMPP carries data_coding 0. Exports
 * isGsm7, gsm7Length, encodeGsm7, decodeGsm7, gsm7Septets (per-character septets, for the
 * splitter) and the escape/replacement constants.
 *
 * The table is written code point by code point because look-alikes bite here: 0x10 is Greek
 * capital DELTA (U+0394), not the Latin letter; 0x09 is capital C-cedilla (some stacks wrongly
 * decode it as small ç); `@` is 0x00, `$` 0x02 and `_` 0x11, which naive ASCII code turns into
 * NUL, STX and DC1. National single/locking shift tables are not supported: we never send them
 * and tell the caller when a peer's data_coding is one we do not understand.
 */
import { assert } from '../../core/index.js'

/** ESC: the next septet is read from the extension table. */
export const gsm7Escape = 0x1b

/** Shown for an octet that is no septet at all (high bit set): visible, never silently dropped. */
export const gsm7Replacement = '\uFFFD'

// Index = septet value. 0x1B is ESC and has no character of its own.
const basicTable: readonly string[] = [
  '@',
  '\u00A3',
  '$',
  '\u00A5',
  '\u00E8',
  '\u00E9',
  '\u00F9',
  '\u00EC', // 0x00 @ £ $ ¥ è é ù ì
  '\u00F2',
  '\u00C7',
  '\n',
  '\u00D8',
  '\u00F8',
  '\r',
  '\u00C5',
  '\u00E5', // 0x08 ò Ç LF Ø ø CR Å å
  '\u0394',
  '_',
  '\u03A6',
  '\u0393',
  '\u039B',
  '\u03A9',
  '\u03A0',
  '\u03A8', // 0x10 Δ _ Φ Γ Λ Ω Π Ψ
  '\u03A3',
  '\u0398',
  '\u039E',
  '',
  '\u00C6',
  '\u00E6',
  '\u00DF',
  '\u00C9', // 0x18 Σ Θ Ξ ESC Æ æ ß É
  ' ',
  '!',
  '"',
  '#',
  '\u00A4',
  '%',
  '&',
  "'", // 0x20 (0x24 is the currency sign ¤, not $)
  '(',
  ')',
  '*',
  '+',
  ',',
  '-',
  '.',
  '/',
  '0',
  '1',
  '2',
  '3',
  '4',
  '5',
  '6',
  '7',
  '8',
  '9',
  ':',
  ';',
  '<',
  '=',
  '>',
  '?',
  '\u00A1',
  'A',
  'B',
  'C',
  'D',
  'E',
  'F',
  'G', // 0x40 ¡ (not @)
  'H',
  'I',
  'J',
  'K',
  'L',
  'M',
  'N',
  'O',
  'P',
  'Q',
  'R',
  'S',
  'T',
  'U',
  'V',
  'W',
  'X',
  'Y',
  'Z',
  '\u00C4',
  '\u00D6',
  '\u00D1',
  '\u00DC',
  '\u00A7', // 0x58 X Y Z Ä Ö Ñ Ü §
  '\u00BF',
  'a',
  'b',
  'c',
  'd',
  'e',
  'f',
  'g', // 0x60 ¿
  'h',
  'i',
  'j',
  'k',
  'l',
  'm',
  'n',
  'o',
  'p',
  'q',
  'r',
  's',
  't',
  'u',
  'v',
  'w',
  'x',
  'y',
  'z',
  '\u00E4',
  '\u00F6',
  '\u00F1',
  '\u00FC',
  '\u00E0', // 0x78 x y z ä ö ñ ü à
]

// Septet after ESC -> character. Every other septet after ESC is undefined by 23.038.
const extensionTable: ReadonlyMap<number, string> = new Map([
  [0x0a, '\f'],
  [0x14, '^'],
  [0x28, '{'],
  [0x29, '}'],
  [0x2f, '\\'],
  [0x3c, '['],
  [0x3d, '~'],
  [0x3e, ']'],
  [0x40, '|'],
  [0x65, '\u20AC'], // €
])

assert(basicTable.length === 128, 'the GSM default alphabet has 128 septets')

const basicByChar: ReadonlyMap<string, number> = new Map(
  basicTable.flatMap((char, septet) => (char === '' ? [] : [[char, septet] as const])),
)
const extensionByChar: ReadonlyMap<string, number> = new Map(
  [...extensionTable].map(([septet, char]) => [char, septet] as const),
)

/** The septets of one character (1, or 2 for ESC + extension), or null if GSM cannot hold it. */
export function gsm7Septets(char: string): readonly number[] | null {
  const basic = basicByChar.get(char)
  if (basic !== undefined) return [basic]
  const extension = extensionByChar.get(char)
  if (extension !== undefined) return [gsm7Escape, extension]
  return null
}

/** True when every character of `text` is in the default alphabet or its extension table. */
export function isGsm7(text: string): boolean {
  for (const char of text) {
    if (gsm7Septets(char) === null) return false
  }
  return true
}

/** Length in septets (an extension character counts 2), or null if the text is not GSM-7. */
export function gsm7Length(text: string): number | null {
  let septets = 0
  for (const char of text) {
    const encoded = gsm7Septets(char)
    if (encoded === null) return null
    septets += encoded.length
  }
  return septets
}

/** Unpacked septets of `text`. The caller checks isGsm7 first: anything else is a bug. */
export function encodeGsm7(text: string): Buffer {
  const septets: number[] = []
  for (const char of text) {
    const encoded = gsm7Septets(char)
    assert(encoded !== null, `encodeGsm7: U+${char.codePointAt(0)?.toString(16)} is not GSM-7`)
    septets.push(...encoded)
  }
  return Buffer.from(septets)
}

/**
 * Text of unpacked septets. Per 23.038: ESC + a septet with no extension meaning shows the
 * basic-table character; ESC ESC (reserved for a further table) and a trailing ESC show a
 * space. An octet above 0x7F is no septet and shows gsm7Replacement.
 */
export function decodeGsm7(bytes: Uint8Array): string {
  let text = ''
  for (let index = 0; index < bytes.length; index++) {
    const septet = bytes[index] as number
    if (septet !== gsm7Escape) {
      text += basicTable[septet] ?? gsm7Replacement
      continue
    }
    const next = bytes[index + 1]
    if (next === undefined || next === gsm7Escape) {
      text += ' '
      index++
      continue
    }
    index++
    text += extensionTable.get(next) ?? basicTable[next] ?? gsm7Replacement
  }
  return text
}
