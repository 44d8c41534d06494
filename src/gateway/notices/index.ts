/**
 * index.ts - the gateway's notices outbox, src/gateway/notices: one outbox of notices to phones
 * (merchants' payment requests, expiries, kept SMS replies, late USSD and IVR answers) that the
 * gateway drives, and the routes (route.ts) the channels offer it: the USSD push and SMS. A
 * channel imports the route contract from here; only the gateway runs the outbox. Re-exports
 * only.
 */
export type { NoticeOutboxDeps } from './outbox.js'
export { NoticeOutbox } from './outbox.js'
export type {
  HeldNotices,
  KeptReply,
  Notice,
  NoticeRoute,
  QueuedNotice,
  ReplyKeeper,
  RouteAnswer,
} from './route.js'
