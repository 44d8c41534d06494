/**
 * batch-totals.ts - a terminal batch's totals and field 48 of a settlement as CUP lays it out,
 * which both the host and the terminal simulator write and read: for domestic cards the debit
 * amount (12 digits of fen), debit count (3), credit amount (12), credit count (3) and the
 * reconciliation code (1: balanced, 2: not); then the same for foreign cards, which telepay's
 * phones never are (zeros). Exports BatchTotals, totalsField, totalsOfField, reconciliation.
 */

export interface BatchTotals {
  readonly debitCount: number
  readonly debitMinor: bigint
  readonly creditCount: number
  readonly creditMinor: bigint
}

/** The reconciliation codes of field 48 (a terminal's request carries 0). */
export const reconciliation = { asked: '0', balanced: '1', unbalanced: '2' } as const

export function totalsField(totals: BatchTotals, code: string): string {
  const part = (amount: bigint, count: number) =>
    `${amount.toString().padStart(12, '0')}${String(count).padStart(3, '0')}`
  const debits = part(totals.debitMinor, totals.debitCount)
  const credits = part(totals.creditMinor, totals.creditCount)
  return `${debits}${credits}${code}${'0'.repeat(30)}${code}`
}

/** The domestic totals a field 48 carries; null when it is not CUP's layout. */
export function totalsOfField(field: string | null): BatchTotals | null {
  if (field === null || !/^[0-9]{31}/.test(field)) return null
  return {
    debitMinor: BigInt(field.slice(0, 12)),
    debitCount: Number(field.slice(12, 15)),
    creditMinor: BigInt(field.slice(15, 27)),
    creditCount: Number(field.slice(27, 30)),
  }
}
