/**
 * msisdn.ts - subscriber numbers are stored as international digits without a prefix
 * ("8613800138000"); "+8613800138000" and "008613800138000" are accepted at the edge.
 */

// E.164 allows at most 15 digits; 8 is the shortest international number in use.
const msisdnPattern = /^(?:\+|00)?([1-9]\d{7,14})$/

/** Returns the stored form of an MSISDN, or null when the text is not one. */
export function normalizeMsisdn(text: string): string | null {
  const match = msisdnPattern.exec(text.trim().replace(/[\s-]/g, ''))
  return match?.[1] ?? null
}

/** Masks an MSISDN for logs: keeps the country code and the last four digits. */
export function maskMsisdn(msisdn: string): string {
  if (msisdn.length <= 6) return '****'
  return `${msisdn.slice(0, 2)}${'*'.repeat(msisdn.length - 6)}${msisdn.slice(-4)}`
}
