/**
 * framing.ts - ISO 8583 messages over TCP: each one after a 2-byte big-endian length, as both
 * dialects frame them. A reader collects a connection's chunks into whole messages, bounded;
 * a length of zero is a terminal's keep-alive and yields nothing. Exports frameOf, FrameReader,
 * FrameError, frameLimits.
 */

export const frameLimits = {
  /**
   * The largest message taken: a POS message is a few hundred bytes (a CUP purchase with its ICC
   * data is about 430), and the largest either dialect can carry, every field at its maximum, is
   * about 4,900 (the ASCII dialect's private fields take 999 characters each; a test holds the
   * bound above it); past this a connection is sending something else, and is closed.
   */
  messageBytesMax: 8_192,
} as const

export class FrameError extends Error {}

/** `body` after its length. */
export function frameOf(body: Buffer): Buffer {
  if (body.length > frameLimits.messageBytesMax)
    throw new FrameError(`a message of ${body.length} bytes is over ${frameLimits.messageBytesMax}`)
  const length = Buffer.alloc(2)
  length.writeUInt16BE(body.length)
  return Buffer.concat([length, body])
}

export class FrameReader {
  private pending: Buffer = Buffer.alloc(0)

  /** The whole messages `chunk` completes, in order; FrameError for a length over the bound. */
  push(chunk: Buffer): Buffer[] {
    this.pending = this.pending.length === 0 ? chunk : Buffer.concat([this.pending, chunk])
    const messages: Buffer[] = []
    while (this.pending.length >= 2) {
      const length = this.pending.readUInt16BE(0)
      if (length > frameLimits.messageBytesMax)
        throw new FrameError(`a length of ${length} bytes is over ${frameLimits.messageBytesMax}`)
      if (this.pending.length < 2 + length) break
      if (length > 0) messages.push(Buffer.from(this.pending.subarray(2, 2 + length)))
      this.pending = this.pending.subarray(2 + length)
    }
    return messages
  }

  /** Bytes of a message still to come (a connection that ends with some has cut one short). */
  get partialBytes(): number {
    return this.pending.length
  }
}
