/** index.ts - the digit engine's import surface: the collector, its limits and the dialect profiles. Re-exports only. */
export { expireTimer, pressKeys, startCollecting, timerDeadlineMs } from './collector.js'
export type { Collected, CollectOptions, Collecting, CompletionReason } from './collector.js'
export { digitLimits } from './limits.js'
export type { DigitLimits } from './limits.js'
export { dialectGather, dialectProfiles, dialects } from './profiles.js'
export type { Dialect, DialectProfile } from './profiles.js'
