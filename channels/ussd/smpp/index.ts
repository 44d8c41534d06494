/**
 * index.ts - USSD over SMPP's import surface: startUssdOverSmpp (MI dialogues and the NI payment
 * push on the SMPP bearer's UssdLink, src/bearer/contract.ts), the push flow wrapper for the
 * engine, the TLV values and the UssdPhone ESME. Re-exports only.
 */
export { startUssdOverSmpp } from './ussd-smpp.js'
export type { RunningUssdSmpp, UssdSmppDeps, UssdSmppOptions } from './ussd-smpp.js'
export { isPushState, openPush, pushBookkeeping, pushStates, withPushFlow } from './push-flow.js'
export type { PushRequest } from './push-flow.js'
export { promptDescribes, pushedPaymentId } from './push-payment.js'
export { defaultUssdSmppLimits } from './limits.js'
export type { UssdSmppLimits } from './limits.js'
export { sessionInfoKey, ussdOp, ussdOpName } from '../../../src/bearer/smpp/ussd-op.js'
export type { UssdOp } from '../../../src/bearer/smpp/ussd-op.js'
export { dialOf, namesService, readUssdPdu, screenParams, serviceDigits, ussdDataCoding, ussdStatus } from './ussd-pdu.js'
export type { ScreenPdu, UssdPdu, UssdPduRead } from './ussd-pdu.js'
export { UssdPhone } from './ussd-phone.js'
export type { DialOptions, UssdPhoneOptions, UssdScreen, UssdSendResult } from './ussd-phone.js'
