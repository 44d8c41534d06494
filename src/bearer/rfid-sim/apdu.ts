/**
 * apdu.ts - ISO 7816-4 command and response APDUs as the virtual card reads and writes them:
 * a command is CLA INS P1 P2, then nothing (case 1), Le (case 2), Lc and data (case 3) or Lc,
 * data and Le (case 4), short lengths only (the purse needs no extended ones). A response is the
 * data then SW1 SW2. Exports CommandApdu, parseApdu, responseApdu, statusWords, StatusWord.
 */

export interface CommandApdu {
  readonly cla: number
  readonly ins: number
  readonly p1: number
  readonly p2: number
  readonly data: Buffer
  /** The length expected back; null when the command expects nothing (0 means 256). */
  readonly le: number | null
}

/**
 * The status words the purse answers with (notes A.3): 9000 done; the purse's own 94xx and
 * 93xx; the ISO 7816-4 errors for a malformed or misplaced command.
 */
export const statusWords = {
  ok: 0x9000,
  insufficientBalance: 0x9401,
  keyIndexUnsupported: 0x9403,
  macNotAvailable: 0x9406,
  macInvalid: 0x9302,
  applicationLocked: 0x9303,
  secureMessagingMacInvalid: 0x6988,
  wrongLength: 0x6700,
  securityNotSatisfied: 0x6982,
  conditionsNotSatisfied: 0x6985,
  wrongData: 0x6a80,
  fileNotFound: 0x6a82,
  recordNotFound: 0x6a83,
  wrongP1P2: 0x6a86,
  offsetBeyondFile: 0x6b00,
  insUnsupported: 0x6d00,
  claUnsupported: 0x6e00,
} as const

export type StatusWord = (typeof statusWords)[keyof typeof statusWords]

/** A command APDU's parts; null when the bytes are not one (too short, or lengths disagree). */
export function parseApdu(bytes: Uint8Array): CommandApdu | null {
  if (bytes.length < 4) return null
  const buffer = Buffer.from(bytes)
  const [cla = 0, ins = 0, p1 = 0, p2 = 0] = buffer
  const header = { cla, ins, p1, p2 }
  if (buffer.length === 4) return { ...header, data: Buffer.alloc(0), le: null }
  if (buffer.length === 5) return { ...header, data: Buffer.alloc(0), le: buffer[4] ?? 0 }
  const lc = buffer[4] ?? 0
  if (lc === 0) return null
  if (buffer.length === 5 + lc) return { ...header, data: buffer.subarray(5, 5 + lc), le: null }
  if (buffer.length === 6 + lc)
    return { ...header, data: buffer.subarray(5, 5 + lc), le: buffer[5 + lc] ?? 0 }
  return null
}

export function responseApdu(status: StatusWord, data: Uint8Array = Buffer.alloc(0)): Buffer {
  const out = Buffer.alloc(data.length + 2)
  Buffer.from(data).copy(out)
  out.writeUInt16BE(status, data.length)
  return out
}
