/**
 * online-terminals.ts - the default world's shop terminals that pay online over ISO 8583
 * (contract section 11): the till POS10011, which also takes the e-purse offline, in the ASCII
 * dialect; and POS10012, an online-only terminal of the same shop in China UnionPay's dialect
 * (TPDU, header, BCD), as the terminals of the seeds' pilots speak. Exports
 * defaultOnlineTerminals, OnlineTerminal.
 */
import type { DialectName } from '../../bearer/iso8583/dialects.js'

export interface OnlineTerminal {
  /** Field 41. */
  readonly terminalId: string
  readonly merchantCode: string
  readonly dialect: DialectName
}

export const defaultOnlineTerminals: readonly OnlineTerminal[] = [
  { terminalId: 'POS10011', merchantCode: '1001', dialect: 'ascii' },
  { terminalId: 'POS10012', merchantCode: '1001', dialect: 'cup' },
]
