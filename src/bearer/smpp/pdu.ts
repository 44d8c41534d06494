/**
 * pdu.ts - our view of an SMPP PDU over the npm `smpp` codec: the Pdu type, encodePdu(),
 * decodePdu() (which checks a body's structure before the codec reads it), field readers
 * (pduString, pduNumber, pduBuffer) and the command table helpers (commandById, isResponseId).
 * Text fields stay raw bytes both ways: text coding belongs to src/bearer/text/.
 */

import type { ParamType } from 'smpp'
import smpp from 'smpp'

// The codec decodes short_message / message_payload into strings with its own charset guesses
// (dc 0 and 1 read as unpacked GSM, dc & 0x0F ignores the DCS groups, UDH stripped). Those
// guesses are wrong for many SMSCs, and the bytes are what src/bearer/text/ needs, so every
// decode in this process hands back the raw Buffer, UDH included. Encoding already passes a
// Buffer through untouched; encodePdu() insists on Buffers.
smpp.filters.message.decode = function keepRawBytes(value: unknown): unknown {
  return value
}

// The frame reader checks command_length against SmppLimits.pduLengthMax before any octet
// reaches the codec; the codec's own fixed ceiling (16384) would silently cap a raised limit.
smpp.PDU.maxLength = 0x7fffffff

/** A decoded PDU. `fields` holds the body by parameter name; unknown TLVs by numeric tag. */
export interface Pdu {
  readonly command: string
  readonly command_id: number
  readonly command_status: number
  readonly sequence_number: number
  readonly fields: Readonly<Record<string, unknown>>
}

/** Values encodePdu() takes: numbers, C-strings, Buffers for octet fields and text, Dates. */
export type PduValue = string | number | Buffer | Date | readonly object[]
export type PduParams = Readonly<Record<string, PduValue | undefined>>

export type DecodeResult = { readonly ok: true; readonly pdu: Pdu } | DecodeFailure

export interface DecodeFailure {
  readonly ok: false
  readonly reason: 'unknown_command' | 'bad_length' | 'bad_body'
  readonly commandId: number
  readonly sequence: number
  readonly detail: string
}

export const sequenceMax = 0x7fffffff
/**
 * A response echoes the request's sequence_number whatever it is: a peer that numbers past
 * SMPP 3.4's 0x7FFFFFFF still deserves its answer (or generic_nack), and it fits the header.
 */
const echoedSequenceMax = 0xffffffff
export const headerLength = 16
/** The interface_version we speak and announce (the codec's default is 0x50, SMPP 5.0). */
export const interfaceVersion = 0x34
const responseBit = 0x80000000
const textFields = new Set(['short_message', 'message_payload'])

export function isResponseId(commandId: number): boolean {
  return (commandId & responseBit) !== 0
}

/** The command name of a known command_id, or undefined. */
export function commandById(commandId: number): string | undefined {
  return smpp.commandsById[commandId]?.command
}

/** The response command of a request (`submit_sm` -> `submit_sm_resp`), if SMPP defines one. */
export function responseCommandOf(command: string): string | undefined {
  const name = `${command}_resp`
  return smpp.commands[name] === undefined ? undefined : name
}

/**
 * Encodes one PDU. Throws on a programmer error: unknown command or field, a request numbered
 * past 0x7FFFFFFF, a text field that is not a Buffer, text without an explicit data_coding,
 * short_message over 254 octets. A non-zero status yields the header alone (SMPP 3.4 error
 * responses carry no body).
 */
export function encodePdu(
  command: string,
  sequence: number,
  params: PduParams = {},
  status = 0,
): Buffer {
  const def = smpp.commands[command]
  if (def === undefined) throw new TypeError(`unknown SMPP command ${command}`)
  const highest = isResponseId(def.id) ? echoedSequenceMax : sequenceMax
  if (!Number.isInteger(sequence) || sequence < 0 || sequence > highest) {
    throw new RangeError(`sequence_number ${sequence} out of range`)
  }
  const options: Record<string, unknown> = {}
  for (const [name, value] of Object.entries(params)) {
    if (value === undefined) continue
    if (def.params?.[name] === undefined && smpp.tlvs[name] === undefined) {
      throw new TypeError(`${command} has no field ${name}`)
    }
    if (textFields.has(name)) encodePduCheckText(name, value, params)
    options[name] = value
  }
  if (
    command.startsWith('bind_') &&
    !command.endsWith('_resp') &&
    options['interface_version'] === undefined
  ) {
    options['interface_version'] = interfaceVersion
  }
  options['sequence_number'] = sequence
  options['command_status'] = status
  return new smpp.PDU(command, options).toBuffer()
}

function encodePduCheckText(name: string, value: PduValue, params: PduParams): void {
  if (!Buffer.isBuffer(value)) throw new TypeError(`${name} must be a Buffer of encoded text`)
  if (typeof params['data_coding'] !== 'number') {
    throw new TypeError(`${name} needs an explicit data_coding (the codec would label GSM as IA5)`)
  }
  if (name === 'short_message' && value.length > 254) {
    throw new RangeError(`short_message is ${value.length} octets; over 254 use message_payload`)
  }
}

/** Decodes one whole PDU (exactly command_length octets), checking its structure first. */
export function decodePdu(buffer: Buffer): DecodeResult {
  const fail = (
    reason: DecodeFailure['reason'],
    detail: string,
    commandId = 0,
    sequence = 0,
  ): DecodeFailure => ({ ok: false, reason, commandId, sequence, detail })
  if (buffer.length < headerLength)
    return fail('bad_length', `${buffer.length} octets is shorter than a header`)
  const length = buffer.readUInt32BE(0)
  const commandId = buffer.readUInt32BE(4)
  const sequence = buffer.readUInt32BE(12)
  if (length !== buffer.length)
    return fail(
      'bad_length',
      `command_length ${length} but ${buffer.length} octets`,
      commandId,
      sequence,
    )
  const def = smpp.commandsById[commandId]
  if (def === undefined)
    return fail('unknown_command', `command_id 0x${commandId.toString(16)}`, commandId, sequence)
  const problem = checkBody(buffer, def.params ?? {}, isResponseId(commandId))
  if (problem !== null) return fail('bad_body', `${def.command}: ${problem}`, commandId, sequence)
  let decoded: InstanceType<typeof smpp.PDU>
  try {
    decoded = new smpp.PDU(buffer)
  } catch (error) {
    return fail(
      'bad_body',
      `${def.command}: codec refused (${(error as Error).message})`,
      commandId,
      sequence,
    )
  }
  const fields: Record<string, unknown> = {}
  for (const [name, value] of Object.entries(decoded)) {
    if (
      name !== 'command' &&
      name !== 'command_length' &&
      name !== 'command_id' &&
      name !== 'command_status' &&
      name !== 'sequence_number'
    )
      fields[name] = value
  }
  return {
    ok: true,
    pdu: {
      command: def.command,
      command_id: commandId,
      command_status: decoded.command_status,
      sequence_number: sequence,
      fields,
    },
  }
}

/**
 * Walks the mandatory parameters and TLVs and returns what is wrong, or null. The codec reads
 * past a missing C-string terminator or a lying sm_length and skips trailing octets; a body
 * that does not add up exactly is refused here instead. Responses may stop at a field boundary
 * (many SMSCs send deliver_sm_resp or error responses without a body).
 */
function checkBody(
  buffer: Buffer,
  params: Readonly<Record<string, { readonly type: ParamType }>>,
  isResponse: boolean,
): string | null {
  const end = buffer.length
  let offset = headerLength
  for (const [name, param] of Object.entries(params)) {
    if (offset === end) return isResponse ? null : `body ends before ${name}`
    const size = fieldSize(param.type, buffer, offset)
    if (size === null || offset + size > end) return `${name} runs past the end of the PDU`
    offset += size
  }
  while (offset < end) {
    if (offset + 4 > end) return `${end - offset} stray octets after the last TLV`
    const tag = buffer.readUInt16BE(offset)
    const length = buffer.readUInt16BE(offset + 2)
    if (offset + 4 + length > end) return `TLV 0x${tag.toString(16)} runs past the end of the PDU`
    const fixed = fixedSize(smpp.tlvsById[tag]?.type)
    if (fixed !== null && length !== fixed)
      return `TLV 0x${tag.toString(16)} has length ${length}, not ${fixed}`
    offset += 4 + length
  }
  return null
}

function fixedSize(type: ParamType | undefined): number | null {
  if (type === smpp.types.int8) return 1
  if (type === smpp.types.int16) return 2
  if (type === smpp.types.int32) return 4
  return null
}

/** Octets a field takes at offset, or null when it cannot be read from the buffer. */
function fieldSize(type: ParamType, buffer: Buffer, offset: number): number | null {
  const fixed = fixedSize(type)
  if (fixed !== null) return fixed
  if (type === smpp.types.cstring) return cstringSize(buffer, offset)
  if (type === smpp.types.buffer || type === smpp.types.string) {
    const length = buffer[offset]
    return length === undefined ? null : 1 + length
  }
  if (type === smpp.types.dest_address_array) return listSize(buffer, offset, destAddressSize)
  if (type === smpp.types.unsuccess_sme_array) return listSize(buffer, offset, unsuccessSmeSize)
  return null
}

function cstringSize(buffer: Buffer, offset: number): number | null {
  const nul = buffer.indexOf(0, offset)
  return nul < 0 ? null : nul - offset + 1
}

function listSize(
  buffer: Buffer,
  offset: number,
  itemSize: (buffer: Buffer, offset: number) => number | null,
): number | null {
  const count = buffer[offset]
  if (count === undefined) return null
  let at = offset + 1
  for (let i = 0; i < count; i++) {
    const size = itemSize(buffer, at)
    if (size === null) return null
    at += size
  }
  return at - offset
}

function destAddressSize(buffer: Buffer, offset: number): number | null {
  const flag = buffer[offset]
  if (flag === 1) {
    const address = cstringSize(buffer, offset + 3)
    return address === null ? null : 3 + address
  }
  if (flag === 2) {
    const name = cstringSize(buffer, offset + 1)
    return name === null ? null : 1 + name
  }
  return null
}

function unsuccessSmeSize(buffer: Buffer, offset: number): number | null {
  const address = cstringSize(buffer, offset + 2)
  return address === null ? null : 2 + address + 4
}

/** A C-string field, or undefined when absent or not a string. */
export function pduString(pdu: Pdu, name: string): string | undefined {
  const value = pdu.fields[name]
  return typeof value === 'string' ? value : undefined
}

/** An integer field, or undefined when absent. */
export function pduNumber(pdu: Pdu, name: string): number | undefined {
  const value = pdu.fields[name]
  return typeof value === 'number' ? value : undefined
}

/** An octet field (short_message, message_payload, unknown TLVs), or undefined when absent. */
export function pduBuffer(pdu: Pdu, name: string): Buffer | undefined {
  const value = pdu.fields[name]
  return Buffer.isBuffer(value) ? value : undefined
}
