/**
 * index.ts - USSD over SMPP's import surface: startUssdOverSmpp (MI dialogues and the NI payment
 * push on the SMPP bearer's UssdLink, src/bearer/contract.ts), the push flow wrapper for the
 * engine and the reading of USSD PDUs. The TLV values are the bearer's (src/bearer/smpp/ussd-op.ts)
 * and the UssdPhone ESME a tool's (src/tools/phones). Re-exports only.
 */

export type { UssdSmppLimits } from './limits.js'
export { defaultUssdSmppLimits } from './limits.js'
export type { PushRequest } from './push-flow.js'
export { isPushState, openPush, pushBookkeeping, pushStates, withPushFlow } from './push-flow.js'
export { promptDescribes, pushedPaymentId } from './push-payment.js'
export type { ScreenPdu, UssdPdu, UssdPduRead } from './ussd-pdu.js'
export {
  dialOf,
  namesService,
  readUssdPdu,
  screenParams,
  serviceDigits,
  ussdDataCoding,
  ussdStatus,
} from './ussd-pdu.js'
export type { RunningUssdSmpp, UssdSmppDeps, UssdSmppOptions } from './ussd-smpp.js'
export { startUssdOverSmpp } from './ussd-smpp.js'
