/**
 * limits.ts - every bound of USSD over SMPP in one object, each with why. The session timers
 * (idle, total, answer deadline) are the USSD channel's (channels/ussd/limits.ts) and apply here
 * unchanged. Exports UssdSmppLimits and defaultUssdSmppLimits.
 */

export interface UssdSmppLimits {
  /**
   * USSD PDUs being answered at once (acknowledged, screen not sent yet). Each holds a hop that
   * may wait up to the answer deadline for the core; past this the PDU is refused with
   * ESME_RTHROTTLED so the USSDC or ESME retries, instead of queueing without end.
   */
  readonly hopsInFlightMax: number
  /**
   * Octets of the text of a USSD PDU (short_message or message_payload). A USSD string is at
   * most 160 octets on the air (TS 29.002 maxUSSD-StringLength), 182 when its GSM septets come
   * one per octet as over SMPP; anything longer is not a USSD string (ESME_RINVMSGLEN).
   */
  readonly textOctetsMax: number
  /**
   * Dialogues remembered after their last hop, by phone and its_session_info, so that a PDU the
   * USSDC sends again after the END (its answer was lost) finds the ended dialogue and gets the
   * same END back instead of "lost track". One per phone that used USSD in the last moments is
   * enough: 10,000 covers a busy minute, the oldest forgotten first.
   */
  readonly recentDialoguesMax: number
}

export const defaultUssdSmppLimits: UssdSmppLimits = {
  hopsInFlightMax: 1_000,
  textOctetsMax: 182,
  recentDialoguesMax: 10_000,
}
