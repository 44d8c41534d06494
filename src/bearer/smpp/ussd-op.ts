/**
 * ussd-op.ts - the two SMPP TLVs that carry USSD over SMPP, named once: `ussd_service_op`
 * (0x0501, one octet, SMPP 3.4 section 5.3.2.44) and `its_session_info` (0x1383, two octets,
 * section 5.3.2.43), with what each value means to telepay. Exports ussdOp, UssdOp, ussdOpName,
 * sessionInfoKey, isSessionInfo.
 *
 * The npm `smpp` codec knows both by these names (lib/defs.js: ussd_service_op int8,
 * its_session_info buffer), so encodePdu/decodePdu carry them like any other field.
 */

/** ussd_service_op values (SMPP 3.4; 3GPP TS 29.002 operations in brackets). */
export const ussdOp = {
  /** MO, Phase 1 one-shot (processUnstructuredSS-Data): not served, refused. */
  pssdIndication: 0x00,
  /** MO: the user dialled `*123#` and opens a dialogue (processUnstructuredSS-Request). */
  pssrIndication: 0x01,
  /** MT: a screen that waits for the user's answer (unstructuredSS-Request), MI or NI. */
  ussrRequest: 0x02,
  /** MT: a screen that expects no answer (unstructuredSS-Notify); our NI END. */
  ussnRequest: 0x03,
  pssdResponse: 0x10,
  /** MT: the final answer to the user's dial; closes an MI dialogue. */
  pssrResponse: 0x11,
  /** MO: the user's answer to a USSR request. */
  ussrConfirm: 0x12,
  /** MO: the handset acknowledges a USSN; nothing to answer. */
  ussnConfirm: 0x13,
} as const

export type UssdOp = (typeof ussdOp)[keyof typeof ussdOp]

const names = new Map<number, string>(Object.entries(ussdOp).map(([name, value]) => [value, name]))

/** The op's name for logs and metrics; an unknown value as 0xNN. */
export function ussdOpName(value: number): string {
  return names.get(value) ?? `0x${value.toString(16).padStart(2, '0')}`
}

/** its_session_info is two octets; anything else is refused with ESME_RINVOPTPARAMVAL. */
export const sessionInfoOctets = 2

export function isSessionInfo(value: Buffer): boolean {
  return value.length === sessionInfoOctets
}

/**
 * The dialogue a its_session_info names, as hex for session ids. SMPP 3.4 puts an "end of
 * session" flag in bit 0 of the second octet; a phone that sets it on its last message still
 * speaks in the same dialogue, so the flag is left out of the key (replies echo the octets as
 * they came). No its_session_info (some USSDCs send none) keys as `-`: one USSD dialogue per
 * subscriber is all the network allows anyway.
 */
export function sessionInfoKey(value: Buffer | null): string {
  if (value === null) return '-'
  const first = value[0] ?? 0
  const second = (value[1] ?? 0) & 0xfe
  return `${first.toString(16).padStart(2, '0')}${second.toString(16).padStart(2, '0')}`
}
