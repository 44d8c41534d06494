/**
 * fill.ts - the one placeholder rule of every text a phone is given: `{name}` is replaced by its
 * value, `{name:digits}` by the value key by key ("8 8 0 0 0 1", how IVR speaks an identifier),
 * and a placeholder without a value is dropped and the gap mended, because a phone must never see
 * the template ("{payee}") or an internal value ("undefined"). Exports fillTemplate,
 * placeholdersOf, lookupIn, ValueLookup and Values.
 */

/** A placeholder's value; null (or '') when there is none, and the placeholder is dropped. */
export type ValueLookup = (name: string) => string | null

/** Values by placeholder name; a name without one (undefined) is missing. */
export type Values = Readonly<Record<string, string | undefined>>

/** Looks names up in `values`, own properties only: `{constructor}` is no value. */
export function lookupIn(values: Values): ValueLookup {
  return (name) => (Object.hasOwn(values, name) ? (values[name] ?? null) : null)
}

// Placeholder names are identifiers; anything else in braces is left as written.
const placeholderPattern = /\{([A-Za-z][A-Za-z0-9_]*)(?::(digits))?\}/g

/** The placeholder names of a text, for the checks of the catalogues, menus and scripts. */
export function placeholdersOf(template: string): string[] {
  return [...template.matchAll(placeholderPattern)].map((match) => match[1] ?? '')
}

/** The template with its placeholders filled; a complete text stays exactly as written. */
export function fillTemplate(template: string, lookup: ValueLookup): string {
  let dropped = false
  const filled = template.replace(
    placeholderPattern,
    (_whole, name: string, modifier: string | undefined) => {
      const value = lookup(name)
      if (value === null || value === '') {
        dropped = true
        return ''
      }
      return modifier === 'digits' ? [...value].join(' ') : value
    },
  )
  return dropped ? fillTemplateMendGaps(filled) : filled
}

/**
 * Mends the gaps a dropped placeholder leaves: empty brackets, doubled spaces, a space before
 * punctuation. Only run after a drop, so that complete texts stay exactly as written.
 */
function fillTemplateMendGaps(text: string): string {
  return text
    .replace(/\(\s*\)|（\s*）/g, '')
    .replace(/ {2,}/g, ' ')
    .replace(/ +([.,;:!?)。，；：！？）])/g, '$1')
    .trim()
}
