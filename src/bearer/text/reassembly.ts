/**
 * reassembly.ts - long MO messages: finds the concatenation data of one deliver_sm (UDH IEI
 * 0x00 with an 8-bit reference, IEI 0x08 with a 16-bit one, possibly among other IEs, or the
 * SAR TLVs) and joins parts that arrive in any order, once each, into the text. Pure: time is
 * passed in. Exports userDataOf, concatInfo, Reassembler and their types.
 *
 * Parts of one message share (sender, receiver, ref, total); the reference kind is not part of
 * the key so a message whose parts come partly with UDH and partly with SAR (seen from SMSCs
 * re-sending) still joins. When all parts share an alphabet the BYTES are joined before
 * decoding, because sloppy senders cut between ESC and its extension septet or between the two
 * halves of a surrogate pair; only parts in different alphabets are decoded one by one and
 * their texts joined (a split surrogate pair still re-joins as JS text).
 *
 * Ownership: add() keeps the part's body Buffer until the message completes, expires or is
 * evicted; the caller must not reuse that memory (npm smpp allocates a fresh one per PDU).
 */
import { assert } from '../../core/index.js'
import type { Alphabet, DecodeOptions } from './coding.js'
import { alphabetOf, decodeInAlphabet } from './coding.js'
import type { SmsTextLimits } from './limits.js'
import { checkSmsTextLimits, smsTextLimits } from './limits.js'

export const esmClassUdhi = 0x40

export interface UdhElement {
  readonly iei: number
  readonly data: Buffer
}

export interface UserData {
  /** Information elements of the UDH, in order; empty without UDHI. */
  readonly elements: readonly UdhElement[]
  /** The message bytes after the UDH. */
  readonly body: Buffer
  /** UDHI was set but the UDH overruns the message: body is then the whole user data. */
  readonly udhMalformed: boolean
}

/** What the SMPP layer hands over of one deliver_sm (or data_sm). */
export interface ConcatInput {
  readonly esmClass: number
  readonly shortMessage: Uint8Array
  /** TLV 0x0424; used instead of short_message when present and not empty. */
  readonly messagePayload?: Uint8Array | undefined
  readonly sarMsgRefNum?: number | undefined
  readonly sarTotalSegments?: number | undefined
  readonly sarSegmentSeqnum?: number | undefined
}

export interface ConcatInfo {
  readonly ref: number
  readonly total: number
  readonly seq: number
  /** The part's bytes without UDH. */
  readonly body: Buffer
  readonly scheme: 'udh8' | 'udh16' | 'sar'
}

function userDataBytes(input: ConcatInput): Buffer {
  const payload = input.messagePayload
  const bytes = payload !== undefined && payload.length > 0 ? payload : input.shortMessage
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length)
}

/** Splits user data into UDH elements and body (GSM 03.40 §9.2.3.24). */
export function userDataOf(input: ConcatInput): UserData {
  const bytes = userDataBytes(input)
  if ((input.esmClass & esmClassUdhi) === 0)
    return { elements: [], body: bytes, udhMalformed: false }
  const headerLength = bytes[0]
  if (headerLength === undefined || 1 + headerLength > bytes.length) {
    return { elements: [], body: bytes, udhMalformed: true }
  }
  const end = 1 + headerLength
  const elements: UdhElement[] = []
  let index = 1
  while (index < end) {
    const iei = bytes[index]
    const length = bytes[index + 1]
    if (iei === undefined || length === undefined || index + 2 + length > end) {
      return { elements: [], body: bytes, udhMalformed: true }
    }
    elements.push({ iei, data: bytes.subarray(index + 2, index + 2 + length) })
    index += 2 + length
  }
  return { elements, body: bytes.subarray(end), udhMalformed: false }
}

// 23.040 §9.2.3.24.1: total 0, seq 0 or seq > total make the element void.
function validParts(total: number, seq: number): boolean {
  return Number.isInteger(total) && Number.isInteger(seq) && total >= 1 && seq >= 1 && seq <= total
}

function concatFromElement(element: UdhElement, body: Buffer): ConcatInfo | null {
  const data = element.data
  if (element.iei === 0x00 && data.length === 3) {
    const [ref, total, seq] = [data[0] as number, data[1] as number, data[2] as number]
    return validParts(total, seq) ? { ref, total, seq, body, scheme: 'udh8' } : null
  }
  if (element.iei === 0x08 && data.length === 4) {
    const [ref, total, seq] = [data.readUInt16BE(0), data[2] as number, data[3] as number]
    return validParts(total, seq) ? { ref, total, seq, body, scheme: 'udh16' } : null
  }
  return null
}

/**
 * The concatenation data of one part, or null when the message is not a (valid) part of a
 * longer one: then it is a whole message and userDataOf(input).body is its text bytes.
 * A UDH concatenation element wins over SAR TLVs; of repeated elements the last counts.
 */
export function concatInfo(input: ConcatInput): ConcatInfo | null {
  const userData = userDataOf(input)
  let fromUdh: ConcatInfo | null = null
  for (const element of userData.elements) {
    fromUdh = concatFromElement(element, userData.body) ?? fromUdh
  }
  if (fromUdh !== null) return fromUdh
  const { sarMsgRefNum: ref, sarTotalSegments: total, sarSegmentSeqnum: seq } = input
  if (ref === undefined || total === undefined || seq === undefined) return null
  if (!Number.isInteger(ref) || ref < 0 || ref > 0xffff || !validParts(total, seq)) return null
  return { ref, total, seq, body: userData.body, scheme: 'sar' }
}

/** One part as the Reassembler takes it: concatInfo() plus who sent it and its coding. */
export interface ReassemblyPart extends ConcatInfo {
  readonly sender: string
  readonly receiver: string
  readonly dataCoding: number
}

export interface ReassembledMessage {
  readonly sender: string
  readonly receiver: string
  readonly ref: number
  readonly total: number
  readonly text: string
  /** The first part's data_coding and alphabet; `known` is false if any part's coding was not. */
  readonly dataCoding: number
  readonly alphabet: Alphabet
  readonly known: boolean
  readonly firstPartAtMs: number
}

export interface IncompleteMessage {
  readonly sender: string
  readonly receiver: string
  readonly ref: number
  readonly total: number
  /** Sequence numbers that did arrive, ascending. */
  readonly receivedSeqs: readonly number[]
  /** The parts that arrived, joined in order (for a "partial delivery" policy; may hold PINs). */
  readonly partialText: string
  readonly firstPartAtMs: number
  readonly reason: 'timeout' | 'evicted'
}

export type AddOutcome =
  | { readonly status: 'complete'; readonly message: ReassembledMessage }
  | {
      readonly status: 'pending'
      readonly receivedParts: number
      readonly total: number
      /** Set when holding this part dropped the oldest incomplete message (pending was full). */
      readonly evicted: IncompleteMessage | null
    }
  | { readonly status: 'duplicate' }
  | { readonly status: 'rejected'; readonly reason: 'too_many_parts' }

interface Pending {
  readonly sender: string
  readonly receiver: string
  readonly ref: number
  readonly total: number
  readonly firstPartAtMs: number
  readonly parts: Map<number, ReassemblyPart>
}

interface Recent {
  readonly completedAtMs: number
  readonly bodies: ReadonlyMap<number, Buffer>
}

function keyOf(part: { sender: string; receiver: string; ref: number; total: number }): string {
  return JSON.stringify([part.sender, part.receiver, part.ref, part.total])
}

interface Joined {
  readonly text: string
  readonly alphabet: Alphabet
  readonly known: boolean
}

function joinParts(parts: readonly ReassemblyPart[], options: DecodeOptions): Joined {
  const first = parts[0]
  assert(first !== undefined, 'joinParts: at least one part')
  const infos = parts.map((part) => alphabetOf(part.dataCoding, options))
  const firstInfo = infos[0] as (typeof infos)[number]
  const known = infos.every((info) => info.known)
  if (infos.every((info) => info.alphabet === firstInfo.alphabet)) {
    const bytes = Buffer.concat(parts.map((part) => part.body))
    return {
      text: decodeInAlphabet(firstInfo.alphabet, bytes),
      alphabet: firstInfo.alphabet,
      known,
    }
  }
  const texts = parts.map((part, index) =>
    decodeInAlphabet((infos[index] ?? firstInfo).alphabet, part.body),
  )
  const text = texts.join('')
  return { text, alphabet: firstInfo.alphabet, known }
}

/**
 * Holds incomplete MO messages, bounded by limits.reassemblyPendingMax (oldest dropped first,
 * reported by add) and limits.reassemblyTimeoutMs (reported by expire, which the channel calls
 * on its own timer). One instance per gateway or per bind, driven from one event loop.
 */
export class Reassembler {
  private readonly pending = new Map<string, Pending>()
  private readonly recent = new Map<string, Recent>()

  constructor(
    private readonly limits: SmsTextLimits = smsTextLimits,
    private readonly decodeOptions: DecodeOptions = {},
  ) {
    checkSmsTextLimits(limits)
  }

  /** Incomplete messages held now. */
  get pendingCount(): number {
    return this.pending.size
  }

  add(part: ReassemblyPart, nowMs: number): AddOutcome {
    assert(validParts(part.total, part.seq), `Reassembler.add: seq ${part.seq} of ${part.total}`)
    if (part.total > this.limits.reassemblyPartsMax)
      return { status: 'rejected', reason: 'too_many_parts' }
    const key = keyOf(part)
    if (this.isLateDuplicate(key, part, nowMs)) return { status: 'duplicate' }

    const { sender, receiver, ref, total } = part
    let entry = this.pending.get(key)
    let evicted: IncompleteMessage | null = null
    if (entry === undefined && total === 1) {
      // A one-part "concatenated" message needs no slot, so it must not evict anyone.
      const single: Pending = {
        sender,
        receiver,
        ref,
        total,
        firstPartAtMs: nowMs,
        parts: new Map([[1, part]]),
      }
      return { status: 'complete', message: this.complete(key, single, nowMs) }
    }
    if (entry === undefined) {
      evicted = this.evictIfFull()
      entry = { sender, receiver, ref, total, firstPartAtMs: nowMs, parts: new Map() }
      this.pending.set(key, entry)
    } else if (entry.parts.has(part.seq)) {
      return { status: 'duplicate' }
    }
    entry.parts.set(part.seq, part)
    if (entry.parts.size < entry.total) {
      return { status: 'pending', receivedParts: entry.parts.size, total: entry.total, evicted }
    }
    this.pending.delete(key)
    return { status: 'complete', message: this.complete(key, entry, nowMs) }
  }

  /** Removes and returns the incomplete messages whose first part is older than the timeout. */
  expire(nowMs: number): IncompleteMessage[] {
    const expired: IncompleteMessage[] = []
    for (const [key, entry] of this.pending) {
      if (nowMs - entry.firstPartAtMs < this.limits.reassemblyTimeoutMs) continue
      this.pending.delete(key)
      expired.push(this.incomplete(entry, 'timeout'))
    }
    for (const [key, recent] of this.recent) {
      if (nowMs - recent.completedAtMs >= this.limits.reassemblyDuplicateWindowMs)
        this.recent.delete(key)
    }
    return expired
  }

  private complete(key: string, entry: Pending, nowMs: number): ReassembledMessage {
    const parts = [...entry.parts.values()].sort((a, b) => a.seq - b.seq)
    this.remember(key, parts, nowMs)
    const joined = joinParts(parts, this.decodeOptions)
    const first = parts[0] as ReassemblyPart
    return {
      sender: entry.sender,
      receiver: entry.receiver,
      ref: entry.ref,
      total: entry.total,
      text: joined.text,
      dataCoding: first.dataCoding,
      alphabet: joined.alphabet,
      known: joined.known,
      firstPartAtMs: entry.firstPartAtMs,
    }
  }

  private incomplete(entry: Pending, reason: IncompleteMessage['reason']): IncompleteMessage {
    const parts = [...entry.parts.values()].sort((a, b) => a.seq - b.seq)
    return {
      sender: entry.sender,
      receiver: entry.receiver,
      ref: entry.ref,
      total: entry.total,
      receivedSeqs: parts.map((part) => part.seq),
      partialText: parts.length === 0 ? '' : joinParts(parts, this.decodeOptions).text,
      firstPartAtMs: entry.firstPartAtMs,
      reason,
    }
  }

  private evictIfFull(): IncompleteMessage | null {
    if (this.pending.size < this.limits.reassemblyPendingMax) return null
    // Map iteration order is insertion order, so the first entry is the oldest message.
    const oldest = this.pending.entries().next()
    if (oldest.done === true) return null
    const [key, entry] = oldest.value
    this.pending.delete(key)
    return this.incomplete(entry, 'evicted')
  }

  private remember(key: string, parts: readonly ReassemblyPart[], nowMs: number): void {
    if (this.limits.reassemblyRecentMax === 0) return
    this.recent.delete(key)
    while (this.recent.size >= this.limits.reassemblyRecentMax) {
      const oldestKey = this.recent.keys().next()
      if (oldestKey.done === true) break
      this.recent.delete(oldestKey.value)
    }
    this.recent.set(key, {
      completedAtMs: nowMs,
      bodies: new Map(parts.map((part) => [part.seq, part.body])),
    })
  }

  // A part equal to one of a message completed within the duplicate window is a re-send; a
  // different part under the same key is a new message reusing the reference.
  private isLateDuplicate(key: string, part: ReassemblyPart, nowMs: number): boolean {
    const recent = this.recent.get(key)
    if (recent === undefined) return false
    const body = recent.bodies.get(part.seq)
    const fresh = nowMs - recent.completedAtMs < this.limits.reassemblyDuplicateWindowMs
    if (fresh && body?.equals(part.body)) return true
    this.recent.delete(key)
    return false
  }
}
