/**
 * frame-reader.ts - FrameReader: splits a TCP byte stream into PDUs and judges each header
 * before the codec sees it. push(chunk) returns what to do, in order:
 *   pdu   - a decoded PDU for the session;
 *   nack  - answer generic_nack(status, sequence) and go on (unknown command_id with a sane
 *           length: exactly those octets are skipped; known command with an undecodable body);
 *   fatal - answer generic_nack(status) and close: command_length < 16 or > pduLengthMax means
 *           the stream has lost its framing and can never be resynced.
 * Partial PDUs across chunks, many PDUs in a chunk and 1-octet chunks all work; octets are
 * copied only once a whole header or PDU is present, so a slow sender costs no quadratic work.
 */
import { smppStatus } from './command-status.js'
import type { Pdu } from './pdu.js'
import { decodePdu, headerLength } from './pdu.js'

export type FrameEvent =
  | { readonly kind: 'pdu'; readonly pdu: Pdu }
  | {
      readonly kind: 'nack'
      readonly status: number
      readonly commandId: number
      readonly sequence: number
      readonly detail: string
    }
  | {
      readonly kind: 'fatal'
      readonly status: number
      readonly sequence: number
      readonly detail: string
    }

export class FrameReader {
  private chunks: Buffer[] = []
  private bufferedLength = 0
  /** command_length of the PDU being assembled, once its first 4 octets are in. */
  private expectedLength: number | null = null
  private broken = false

  constructor(private readonly pduLengthMax: number) {}

  /** Octets held for an incomplete PDU. */
  get buffered(): number {
    return this.bufferedLength
  }

  push(chunk: Buffer): FrameEvent[] {
    if (this.broken || chunk.length === 0) return []
    this.chunks.push(chunk)
    this.bufferedLength += chunk.length
    const events: FrameEvent[] = []
    for (;;) {
      if (this.expectedLength === null) {
        if (this.bufferedLength < 4) break
        const length = this.peek(4).readUInt32BE(0)
        if (length < headerLength || length > this.pduLengthMax) {
          // The header is untrusted, so no sequence_number is echoed (SMPP 5.0 uses 0 here).
          this.broken = true
          this.chunks = []
          this.bufferedLength = 0
          events.push({
            kind: 'fatal',
            status: smppStatus.ESME_RINVCMDLEN,
            sequence: 0,
            detail: `command_length ${length}`,
          })
          break
        }
        this.expectedLength = length
      }
      if (this.bufferedLength < this.expectedLength) break
      const frame = this.take(this.expectedLength)
      this.expectedLength = null
      events.push(judgeFrame(frame))
    }
    return events
  }

  /** The first n buffered octets, joining chunks into one when the first is too short. */
  private peek(n: number): Buffer {
    const first = this.chunks[0]
    if (first !== undefined && first.length >= n) return first
    const joined = Buffer.concat(this.chunks, this.bufferedLength)
    this.chunks = [joined]
    return joined
  }

  /** Removes and returns the first n buffered octets (n <= buffered). */
  private take(n: number): Buffer {
    const first = this.peek(n)
    const frame = first.subarray(0, n)
    const rest = first.subarray(n)
    if (rest.length > 0) this.chunks[0] = rest
    else this.chunks.shift()
    this.bufferedLength -= n
    return frame
  }
}

function judgeFrame(frame: Buffer): FrameEvent {
  const decoded = decodePdu(frame)
  if (decoded.ok) return { kind: 'pdu', pdu: decoded.pdu }
  const status =
    decoded.reason === 'unknown_command' ? smppStatus.ESME_RINVCMDID : smppStatus.ESME_RINVCMDLEN
  return {
    kind: 'nack',
    status,
    commandId: decoded.commandId,
    sequence: decoded.sequence,
    detail: decoded.detail,
  }
}
