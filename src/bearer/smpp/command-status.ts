/**
 * command-status.ts - the SMPP 3.4 command_status codes the session layer answers or reacts
 * to, and statusName() for logs and counters (ESME_* names from the codec's table).
 */
import smpp from 'smpp'

export const smppStatus = {
  ESME_ROK: 0x00,
  ESME_RINVMSGLEN: 0x01,
  ESME_RINVCMDLEN: 0x02,
  ESME_RINVCMDID: 0x03,
  ESME_RINVBNDSTS: 0x04,
  ESME_RALYBND: 0x05,
  ESME_RSYSERR: 0x08,
  ESME_RINVSRCADR: 0x0a,
  ESME_RINVDSTADR: 0x0b,
  ESME_RINVMSGID: 0x0c,
  ESME_RBINDFAIL: 0x0d,
  ESME_RINVPASWD: 0x0e,
  ESME_RINVSYSID: 0x0f,
  ESME_RMSGQFUL: 0x14,
  ESME_RINVSERTYP: 0x15,
  ESME_RTHROTTLED: 0x58,
  ESME_RX_T_APPN: 0x64,
} as const

const namesByCode = new Map<number, string>()
for (const [name, code] of Object.entries(smpp.errors)) {
  if (!namesByCode.has(code)) namesByCode.set(code, name)
}

/** `ESME_RTHROTTLED` for 0x58; an unnamed (vendor) code as 8 hex digits. */
export function statusName(code: number): string {
  return namesByCode.get(code) ?? `0x${code.toString(16).padStart(8, '0')}`
}

/** The peer asks us to slow down: resend later instead of failing (Kannel's temporary set). */
export function isPeerThrottle(code: number): boolean {
  return code === smppStatus.ESME_RTHROTTLED || code === smppStatus.ESME_RMSGQFUL
}
