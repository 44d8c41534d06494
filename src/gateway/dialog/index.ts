/**
 * index.ts - the dialog layer the channels with a conversation share (USSD, IVR, WAP): the
 * runner (one chain per dialog, one idempotency key per step, one answer deadline, one
 * late-answer path) and the store (one table with compare-and-set on the step). It lives in
 * the gateway because three channels share it and a channel may not import another. This file
 * is its only import surface; it re-exports chain.ts, deadline.ts, journal.ts, runner.ts and
 * store.ts.
 */
export { KeyedChain } from './chain.js'
export { withinDeadline } from './deadline.js'
export type { Exchange, JournalLimits, JournalStep } from './journal.js'
export { DialogJournal, journalLimits } from './journal.js'
export type {
  CommandOutcome,
  DialogLimits,
  DialogRunnerDeps,
  Notify,
  StepCommand,
  StepRequest,
} from './runner.js'
export { commandKey, DialogRunner } from './runner.js'
export type { DialogRecord, DialogStore, DialogStoreLimits, DialogStoreOptions } from './store.js'
export { dialogQueries, SqliteDialogStore } from './store.js'
