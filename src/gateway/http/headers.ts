/**
 * headers.ts - what the web channels and the configuration reader check of HTTP header names
 * (the WAP channel's MSISDN enrichment headers are configurable). Exports isHeaderName.
 */

/** An HTTP header name (an RFC 9110 token). */
export function isHeaderName(name: string): boolean {
  return /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/.test(name)
}
