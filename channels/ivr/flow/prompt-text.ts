/**
 * prompt-text.ts - fills the {placeholders} of a spoken script text: `{name}` is a value or a
 * result param, `{account}` a funding kind spoken by its catalogue name, and `{name:digits}`
 * speaks an identifier key by key ("8 8 0 0 0 1", not "eight hundred and eighty thousand").
 * Exports fillText, placeholdersOf, Lookup.
 */
import type { FundingKind, Language } from '../../../src/core/index.js'
import { fundingKinds } from '../../../src/core/index.js'
import { catalogueOf } from '../../../src/gateway/reply/index.js'

/** A placeholder's value, or null when the call has none. */
export type Lookup = (name: string) => string | null

const placeholderPattern = /\{([A-Za-z][A-Za-z0-9_]*)(?::(digits))?\}/g

/** The placeholder names of a text, for the script check. */
export function placeholdersOf(text: string): string[] {
  return [...text.matchAll(placeholderPattern)].map((match) => match[1] ?? '')
}

/**
 * The text with its placeholders filled. One without a value is dropped and the gap mended,
 * as the message renderer does: a caller must never hear "brace order brace".
 */
export function fillText(template: string, language: Language, lookup: Lookup): string {
  let dropped = false
  const filled = template.replace(placeholderPattern, (_whole, name: string, modifier: string | undefined) => {
    const value = lookup(name)
    if (value === null || value === '') {
      dropped = true
      return ''
    }
    if (name === 'account' && isFundingKind(value)) return catalogueOf(language)[`account.${value}`]
    return modifier === 'digits' ? [...value].join(' ') : value
  })
  if (!dropped) return filled
  return filled.replace(/ {2,}/g, ' ').replace(/ +([.,;:!?。，；：！？])/g, '$1').trim()
}

function isFundingKind(value: string): value is FundingKind {
  return (fundingKinds as readonly string[]).includes(value)
}
