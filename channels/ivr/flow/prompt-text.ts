/**
 * prompt-text.ts - fills the {placeholders} of a spoken script text by the one placeholder
 * rule of src/gateway/reply: `{name}` is a value or a result param, `{account}` a funding kind
 * spoken by its catalogue name, and `{name:digits}` speaks an identifier key by key ("8 8 0 0 0
 * 1", not "eight hundred and eighty thousand"). Exports fillText, placeholdersOf, Lookup.
 */
import type { Language } from '../../../src/core/index.js'
import type { ValueLookup } from '../../../src/gateway/reply/index.js'
import { accountName, fillTemplate, placeholdersOf } from '../../../src/gateway/reply/index.js'

export { placeholdersOf }

/** A placeholder's value, or null when the call has none. */
export type Lookup = ValueLookup

/** The text with its placeholders filled: a caller must never hear "brace order brace". */
export function fillText(template: string, language: Language, lookup: Lookup): string {
  return fillTemplate(template, (name) => {
    const value = lookup(name)
    if (name !== 'account' || value === null) return value
    return accountName(value, language) ?? value
  })
}
