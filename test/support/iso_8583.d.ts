/**
 * iso_8583.d.ts - the little of the npm iso_8583 package (2.6.7, ISC) that the interop test uses:
 * it builds a message from field values and reads one back. The package ships no types.
 */
declare module 'iso_8583' {
  /** A field's format as the package takes custom ones. */
  interface Iso8583Format {
    readonly ContentType: string
    readonly Label: string
    readonly LenType: 'fixed' | 'llvar' | 'lllvar'
    readonly MaxLen: number
    readonly MinLen?: number
  }

  class Iso8583 {
    constructor(message?: Record<string, string>, customFormats?: Record<string, Iso8583Format>)
    validateMessage(): true | { error: string }
    getBufferMessage(): Buffer | { error: string }
    getIsoJSON(
      buffer: Buffer,
      config: Record<string, unknown>,
    ): Record<string, string> | { error: string }
  }
  export = Iso8583
}
