/**
 * placeholders.ts - `{name}` placeholders in menu texts, filled from the session's values and a
 * few built-ins by the one placeholder rule of src/gateway/reply (a missing value is dropped and
 * the gap mended). Exports placeholdersOf, fillPlaceholders, builtinPlaceholders.
 */
import type { ValueLookup } from '../../../src/gateway/reply/index.js'
import { fillTemplate, placeholdersOf } from '../../../src/gateway/reply/index.js'

export { placeholdersOf }

/** Filled by the engine, not by an input: the subscriber's own number and the service code. */
export const builtinPlaceholders: readonly string[] = ['msisdn', 'service']

/** A menu text with its placeholders filled: a phone must never see the template. */
export function fillPlaceholders(text: string, lookup: ValueLookup): string {
  return fillTemplate(text, lookup)
}
