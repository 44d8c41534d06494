/**
 * limits.ts - the bounds of the digit collector, each with why. Exports digitLimits, DigitLimits.
 */

export interface DigitLimits {
  /**
   * Keys one gather holds when neither digitsMax nor a terminator ends it sooner. Asterisk's
   * Read stops at 255 and FreeSWITCH at 128; no telepay input (an MSISDN is the longest, 15
   * digits) comes near 32, so more is a stuck key or a caller playing.
   */
  readonly keysPerGatherMax: number
}

export const digitLimits: DigitLimits = {
  keysPerGatherMax: 32,
}
