/**
 * limits.ts - every bound of the IVR call engine and its scripts in one place, each with why.
 * Exports IvrFlowLimits and ivrFlowLimits.
 */

export interface IvrFlowLimits {
  /**
   * Failures (no input or no match) on one state before the call ends politely: SPEC section 6
   * and the issue say three; a caller who failed three times is better served by calling again
   * than by a fourth re-prompt, and a stuck call holds a voice channel.
   */
  readonly failuresMax: number
  /**
   * Keys kept typed ahead (pressed while a command runs or after a completed input). The longest
   * useful run is a whole flow, "2" + order number + "#" + "1" + PIN + "#", about 25 keys.
   */
  readonly typeAheadCharsMax: number
  /** Inputs kept in the call's trail for the call record: a long call has a few dozen. */
  readonly trailEntriesMax: number
  /**
   * Requests answered in one call (the idempotency step). A caller making progress needs about
   * ten a flow; past this a call is a stuck loop or a robot, and ends politely.
   */
  readonly stepsPerCallMax: number
  /**
   * States entered while answering one event: type-ahead may carry a call through several at
   * once, each consuming at least one key, so typeAheadCharsMax plus a few bounds it; more is a
   * script loop, a programmer error.
   */
  readonly transitionsPerEventMax: number
  /**
   * Bounds on a script's timeouts: under 1 s no caller can react, over 60 s (Plum's cap) a call
   * idles.
   */
  readonly timeoutMsMin: number
  readonly timeoutMsMax: number
  /** Script files read from the folder: one per flow, a dozen at most. */
  readonly scriptFilesMax: number
  /** Bytes of one script file: a hand-written flow is a few kilobytes. */
  readonly scriptFileBytesMax: number
}

export const ivrFlowLimits: IvrFlowLimits = {
  failuresMax: 3,
  typeAheadCharsMax: 32,
  trailEntriesMax: 64,
  stepsPerCallMax: 300,
  transitionsPerEventMax: 40,
  timeoutMsMin: 1_000,
  timeoutMsMax: 60_000,
  scriptFilesMax: 64,
  scriptFileBytesMax: 256 * 1024,
}
