/**
 * field-limits.ts - the SMPP 3.4 sizes of the C-string fields in an ESME's requests (section
 * 5.2, counted with the terminating NUL) and fieldRefusal(): the status answering a request whose
 * field breaks them, e.g. ESME_RINVSRCADR for a 40-digit source_addr. The codec reads a C-string
 * of any length; unchecked, such a "number" would reach the payment core as a phone and be
 * answered with deliver_sm that other SMSCs and ESMEs cannot take. Binds are not checked here:
 * an over-long system_id or password simply fails authentication (and counts as a failed bind).
 */
import { smppStatus } from './command-status.js'
import type { Pdu } from './pdu.js'

interface FieldRule {
  /** Largest size in octets, the NUL included. */
  readonly octetsMax: number
  readonly status: number
}

const address: FieldRule = { octetsMax: 21, status: smppStatus.ESME_RINVSRCADR }

/**
 * Section 5.2: service_type 6, source/destination_addr 21, message_id 65. The time fields are
 * not here: the codec turns them into Dates (an unreadable one is refused as a body it cannot
 * decode), and the simulator schedules nothing.
 */
const rules: Readonly<Record<string, FieldRule>> = {
  service_type: { octetsMax: 6, status: smppStatus.ESME_RINVSERTYP },
  source_addr: address,
  destination_addr: { ...address, status: smppStatus.ESME_RINVDSTADR },
  message_id: { octetsMax: 65, status: smppStatus.ESME_RINVMSGID },
}

/** data_sm (section 4.7.1) allows addresses of 65 octets. */
const rulesByCommand: Readonly<Record<string, Readonly<Record<string, FieldRule>>>> = {
  data_sm: {
    ...rules,
    source_addr: { ...address, octetsMax: 65 },
    destination_addr: { ...address, octetsMax: 65, status: smppStatus.ESME_RINVDSTADR },
  },
}

/** The first field of a request that breaks its size, with the status to answer; else null. */
export function fieldRefusal(pdu: Pdu): { readonly field: string; readonly status: number } | null {
  for (const [field, rule] of Object.entries(rulesByCommand[pdu.command] ?? rules)) {
    const value = pdu.fields[field]
    if (typeof value !== 'string') continue
    // The codec reads C-strings as ASCII, one character per octet.
    const octets = value.length + 1
    if (octets > rule.octetsMax) return { field, status: rule.status }
  }
  return null
}
