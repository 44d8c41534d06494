/**
 * render.ts - turns the core's Message into the text a subscriber reads, in their language.
 * Exports renderMessage, renderResult and catalogueOf.
 */
import type { CommandResult, FundingKind, Language, Message } from '../core/index.js'
import { assert, assertNever, fundingKinds } from '../core/index.js'
import type { Catalogue } from '../../menus/messages/catalogue.js'
import { en } from '../../menus/messages/en.js'
import { zh } from '../../menus/messages/zh.js'

export function catalogueOf(language: Language): Catalogue {
  switch (language) {
    case 'en':
      return en
    case 'zh':
      return zh
    default:
      return assertNever(language)
  }
}

// Placeholder names are identifiers; anything else in braces is left as written.
const placeholderPattern = /\{([A-Za-z][A-Za-z0-9_]*)\}/g

/**
 * Substitutes the params into the text of the message's key. `account` holds a funding kind
 * and is shown by its name in the catalogue. A placeholder without a usable param is dropped,
 * never shown as "{x}": a phone must not see the template.
 */
export function renderMessage(message: Message, language: Language): string {
  const catalogue = catalogueOf(language)
  const text: string | undefined = catalogue[message.key]
  // Keys are checked by the compiler; a miss means a stored result from another build.
  assert(text !== undefined, `no ${language} text for message key ${message.key}`)
  let dropped = false
  const filled = text.replace(placeholderPattern, (_whole, name: string) => {
    const value = paramText(name, message.params, catalogue)
    if (value === null) dropped = true
    return value ?? ''
  })
  return dropped ? tidyAfterDrop(filled) : filled
}

/** Renders a command's answer in the language the core chose for it. */
export function renderResult(result: CommandResult): string {
  return renderMessage(result.message, result.language)
}

function paramText(name: string, params: Message['params'], catalogue: Catalogue): string | null {
  const value = Object.hasOwn(params, name) ? params[name] : undefined
  if (value === undefined || value === '') return null
  if (name !== 'account') return value
  // An account outside the funding kinds would print an internal code; leave it out instead.
  return isFundingKind(value) ? catalogue[`account.${value}`] : null
}

function isFundingKind(value: string): value is FundingKind {
  return (fundingKinds as readonly string[]).includes(value)
}

/**
 * Mends the gaps a dropped placeholder leaves: doubled spaces, a space before punctuation,
 * empty brackets. Only run after a drop so that complete texts stay exactly as written.
 */
function tidyAfterDrop(text: string): string {
  return text
    .replace(/\(\s*\)|（\s*）/g, '')
    .replace(/ {2,}/g, ' ')
    .replace(/ +([.,;:!?)。，；：！？）])/g, '$1')
    .trim()
}
