/**
 * render.ts - turns the core's Message and a channel's own text keys into the text a subscriber
 * reads or hears, in their language, through the one placeholder rule of fill.ts. Exports
 * ByLanguage, inLanguage, catalogueOf, accountName, renderMessage, renderResult and renderText.
 */

import type { Catalogue } from '../../../menus/messages/catalogue.js'
import { en } from '../../../menus/messages/en.js'
import { zh } from '../../../menus/messages/zh.js'
import type { CommandResult, FundingKind, Language, Message } from '../../core/index.js'
import { assert, fundingKinds } from '../../core/index.js'
import type { Values } from './fill.js'
import { fillTemplate, lookupIn } from './fill.js'

/** A text store: one catalogue per language, so the compiler reports a language without one. */
export type ByLanguage<T> = { readonly [L in Language]: T }

/** The one catalogue lookup of every text store (the core's, SMS, USSD, IVR and WAP texts). */
export function inLanguage<T>(byLanguage: ByLanguage<T>, language: Language): T {
  const texts: T | undefined = byLanguage[language]
  // Languages are checked by the compiler; a miss means a stored row from another build.
  assert(texts !== undefined, `no texts in language ${language}`)
  return texts
}

const catalogues: ByLanguage<Catalogue> = { en, zh }

/** The core's message catalogue in `language`. */
export function catalogueOf(language: Language): Catalogue {
  return inLanguage(catalogues, language)
}

/** A funding kind by its name in the catalogue; null for anything else (an internal code). */
export function accountName(value: string, language: Language): string | null {
  return isFundingKind(value) ? catalogueOf(language)[`account.${value}`] : null
}

/**
 * Substitutes the params into the text of the message's key. `account` holds a funding kind and
 * is shown by its name in the catalogue; one outside the funding kinds is dropped like a missing
 * param rather than printed as an internal code.
 */
export function renderMessage(message: Message, language: Language): string {
  const text: string | undefined = catalogueOf(language)[message.key]
  // Keys are checked by the compiler; a miss means a stored result from another build.
  assert(text !== undefined, `no ${language} text for message key ${message.key}`)
  const lookup = lookupIn(message.params)
  return fillTemplate(text, (name) => {
    const value = lookup(name)
    return name === 'account' && value !== null ? accountName(value, language) : value
  })
}

/** Renders a command's answer in the language the core chose for it. */
export function renderResult(result: CommandResult): string {
  return renderMessage(result.message, result.language)
}

/**
 * One of a channel's own texts (a USSD screen, an IVR prompt, a WAP page line), its params
 * already formatted for the phone.
 */
export function renderText<K extends string>(
  texts: ByLanguage<Readonly<Record<K, string>>>,
  key: K,
  language: Language,
  params: Values = {},
): string {
  return fillTemplate(inLanguage(texts, language)[key], lookupIn(params))
}

function isFundingKind(value: string): value is FundingKind {
  return (fundingKinds as readonly string[]).includes(value)
}
