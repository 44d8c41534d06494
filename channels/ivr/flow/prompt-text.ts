/**
 * prompt-text.ts - fills the {placeholders} of a spoken script text by the menus' one text rule
 * (fillText of src/gateway/menus/walk.ts, over the one placeholder rule of src/gateway/reply):
 * `{name}` is a value or a result param, `{account}` a funding kind spoken by its catalogue name,
 * and `{name:digits}` speaks an identifier key by key ("8 8 0 0 0 1", not "eight hundred and
 * eighty thousand"). Exports fillText, placeholdersOf, Lookup.
 */
import type { ValueLookup } from '../../../src/gateway/reply/index.js'

export { fillText } from '../../../src/gateway/menus/index.js'
export { placeholdersOf } from '../../../src/gateway/reply/index.js'

/** A placeholder's value, or null when the call has none. */
export type Lookup = ValueLookup
