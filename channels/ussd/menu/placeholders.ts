/**
 * placeholders.ts - `{name}` placeholders in menu texts, filled from the session's values and a
 * few built-ins. Exports placeholdersOf, fillPlaceholders, builtinPlaceholders.
 */

// Same syntax as the message catalogue (src/gateway/reply/fill.ts): identifiers in braces.
const placeholderPattern = /\{([A-Za-z][A-Za-z0-9_]*)\}/g

/** Filled by the engine, not by an input: the subscriber's own number and the service code. */
export const builtinPlaceholders: readonly string[] = ['msisdn', 'service']

export function placeholdersOf(text: string): string[] {
  return [...text.matchAll(placeholderPattern)].map((match) => match[1] ?? '')
}

/** A placeholder without a value shows as nothing: a phone must never see the template. */
export function fillPlaceholders(text: string, lookup: (name: string) => string | null): string {
  return text.replace(placeholderPattern, (_whole, name: string) => lookup(name) ?? '')
}
