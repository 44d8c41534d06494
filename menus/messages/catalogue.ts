/**
 * catalogue.ts - the shape of a message catalogue: one text per MessageKey plus the names of the
 * funding accounts, so the compiler reports a language that lacks a text. Exports Catalogue,
 * CatalogueKey and AccountNameKey.
 */
import type { FundingKind, MessageKey } from '../../src/core/index.js'

/** The renderer translates the `account` param (a FundingKind) through these keys. */
export type AccountNameKey = `account.${FundingKind}`

export type CatalogueKey = MessageKey | AccountNameKey

/**
 * Texts with `{param}` placeholders. Every param is already formatted by the core except
 * `account`, which the renderer replaces with the text of `account.<kind>`.
 */
export type Catalogue = { readonly [K in CatalogueKey]: string }
