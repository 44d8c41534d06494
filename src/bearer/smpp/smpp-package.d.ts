/**
 * smpp-package.d.ts - types for the parts of npm `smpp` 0.5.1 telepay uses: the PDU codec and
 * its tables (commands, TLVs, param types, filters, error codes). The package ships no types
 * (@types/smpp does not exist); its Session/Server are deliberately left out because telepay
 * owns its sockets (they freeze on a malformed PDU and have no window, timers or bind states).
 */

declare module 'smpp' {
  /** One wire type of the codec (int8, cstring, buffer...): reads, writes and sizes a value. */
  export interface ParamType {
    read(buffer: Buffer, offset: number, length?: number): unknown
    write(value: unknown, buffer: Buffer, offset: number): void
    size(value?: unknown): number
    readonly default: unknown
  }

  /** Converts a field between its wire form and the form the codec hands out. */
  export interface Filter {
    encode: (this: PDU, value: unknown) => unknown
    decode: (this: PDU, value: unknown, skipUdh?: boolean) => unknown
  }

  export interface ParamDef {
    readonly type: ParamType
    readonly default?: unknown
    readonly filter?: Filter
  }

  export interface CommandDef {
    readonly id: number
    readonly command: string
    /** Mandatory parameters in wire order; absent for header-only PDUs. */
    readonly params?: Readonly<Record<string, ParamDef>>
    readonly tlvMap?: Readonly<Record<string, string>>
  }

  export interface TlvDef {
    readonly id: number
    readonly tag: string
    readonly type: ParamType
    readonly filter?: Filter
    readonly multiple?: boolean
  }

  export class PDU {
    /** Decodes a whole PDU; throws on some malformed input, reads past missing fields on other. */
    constructor(buffer: Buffer)
    /** Builds a PDU; a non-zero command_status makes toBuffer() emit the header only. */
    constructor(command: string, options?: Record<string, unknown>)
    /** Decoding throws above this many octets (default 16384). */
    static maxLength: number
    command: string
    command_length: number
    command_id: number
    command_status: number
    sequence_number: number;
    /** Decoded fields and TLVs by name (unknown TLVs by numeric tag, as a Buffer). */
    [field: string]: unknown
    isResponse(): boolean
    toBuffer(): Buffer
  }

  export const commands: Readonly<Record<string, CommandDef>>
  export const commandsById: Readonly<Record<number, CommandDef>>
  export const tlvs: Readonly<Record<string, TlvDef>>
  export const tlvsById: Readonly<Record<number, TlvDef>>
  export const types: {
    readonly int8: ParamType
    readonly int16: ParamType
    readonly int32: ParamType
    readonly string: ParamType
    readonly cstring: ParamType
    readonly buffer: ParamType
    readonly dest_address_array: ParamType
    readonly unsuccess_sme_array: ParamType
    readonly tlv: Readonly<
      Record<'int8' | 'int16' | 'int32' | 'cstring' | 'string' | 'buffer', ParamType>
    >
  }
  /** Mutable on purpose: telepay replaces `message.decode` (see pdu.ts). */
  export const filters: { message: Filter; time: Filter } & Record<string, Filter>
  /** command_status codes by name, 3.4 and 5.0 (`ESME_ROK: 0`, `ESME_RTHROTTLED: 0x58`...). */
  export const errors: Readonly<Record<string, number>>

  const smpp: {
    readonly PDU: typeof PDU
    readonly commands: typeof commands
    readonly commandsById: typeof commandsById
    readonly tlvs: typeof tlvs
    readonly tlvsById: typeof tlvsById
    readonly types: typeof types
    readonly filters: typeof filters
    readonly errors: typeof errors
  }
  export default smpp
}
