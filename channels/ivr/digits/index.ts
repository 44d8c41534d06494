/**
 * index.ts - the digit engine's import surface: the collector, its limits and the dialect profiles.
 * Re-exports only.
 */

export type { Collected, Collecting, CollectOptions, CompletionReason } from './collector.js'
export { expireTimer, pressKeys, startCollecting, timerDeadlineMs } from './collector.js'
export type { DigitLimits } from './limits.js'
export { digitLimits } from './limits.js'
export type { Dialect, DialectProfile } from './profiles.js'
export { dialectGather, dialectProfiles, dialects } from './profiles.js'
