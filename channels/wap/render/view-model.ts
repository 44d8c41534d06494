/**
 * view-model.ts - turns a PageModel into what the templates read: every string escaped for the
 * markup (as handlebars SafeStrings, so the templates' `{{x}}` writes it once, unescaped again by
 * nothing) and every decision the templates must not make (input masks, keys for links that name
 * none, selected options) taken here, once for the three markups.
 */
import assert from 'node:assert/strict'
import type Handlebars from 'handlebars'
import type { Markup, PageChoice, PageField, PageForm, PageLink, PageModel } from '../contract.js'
import { escapeText } from './escape.js'
import { handlebars } from './handlebars.js'
import { linkKeys } from './limits.js'
import type { Charset } from './negotiate.js'

/** Name of the hidden field (WML: postfield) that carries the form's one-time token. */
export const formTokenField = 'token'

type Safe = Handlebars.SafeString

export interface FieldView {
  readonly name: Safe
  readonly id: Safe
  readonly label: Safe
  readonly value: Safe
  readonly hasValue: boolean
  readonly lengthMax: number
  /** A PIN: password input, never echoed, cleared from the WML context after posting. */
  readonly secret: boolean
  readonly numeric: boolean
  readonly required: boolean
  /** WML input mask (also WAP CSS -wap-input-format). */
  readonly format: string
  /** XHTML: the HTML inputmode keyword a touch browser opens its keypad for; null for free text. */
  readonly inputMode: string | null
}

export interface ChoiceView {
  readonly name: Safe
  readonly id: Safe
  readonly label: Safe
  readonly selected: Safe
  readonly hasSelected: boolean
  readonly options: readonly {
    readonly value: Safe
    readonly label: Safe
    readonly selected: boolean
  }[]
}

export interface FormView {
  readonly action: Safe
  readonly token: Safe
  readonly tokenName: Safe
  readonly submitLabel: Safe
  readonly fields: readonly FieldView[]
  readonly choices: readonly ChoiceView[]
}

export interface LinkView {
  readonly label: Safe
  readonly href: Safe
  readonly key: Safe
}

export interface PageView {
  readonly page: Safe
  readonly language: Safe
  readonly charset: string
  readonly title: Safe
  readonly paragraphs: readonly Safe[]
  readonly form: FormView | null
  readonly links: readonly LinkView[]
  readonly noStore: boolean
}

/**
 * Masks by field kind. `N` is digits only (the keypad switches to numeric); `n` also allows
 * punctuation, for a decimal point in an amount and a leading '+' in an MSISDN. Lengths are
 * bounded by maxlength, not by the mask: `nf` counts only up to 9.
 */
const formats: Readonly<Record<PageField['kind'], string>> = {
  text: '*m',
  digits: '*N',
  amount: '*n',
  msisdn: '*n',
  pin: '*N',
}

/**
 * Keypads by field kind, as HTML's inputmode keywords, the ones touch browsers honour (Chromium
 * reports any other value as ""): digits only, digits with a decimal point, a phone keypad with
 * '+'. XHTML Basic 1.1 declares inputmode as CDATA (XForms tokens such as `digits`, which no
 * touch browser reads, and unknown tokens are ignored); old XHTML-MP browsers take the WCSS
 * -wap-input-format mask instead.
 */
const inputModes: Readonly<Record<PageField['kind'], string | null>> = {
  text: null,
  digits: 'numeric',
  amount: 'decimal',
  msisdn: 'tel',
  pin: 'numeric',
}

// WML variable names (WML 1.3 10.3.1); field names become variables in the deck.
const variableName = /^[A-Za-z_][A-Za-z0-9_]*$/

function assignKeys(links: readonly PageLink[]): string[] {
  const taken = new Set<string>()
  for (const link of links) {
    if (link.key === null) continue
    assert.ok(linkKeys.includes(link.key), `link key ${link.key} is not a keypad key`)
    assert.ok(!taken.has(link.key), `link key ${link.key} used twice on one page`)
    taken.add(link.key)
  }
  const free = linkKeys.filter((key) => !taken.has(key))
  return links.map((link) => {
    if (link.key !== null) return link.key
    const key = free.shift()
    assert.ok(key !== undefined, `more links (${links.length}) than keypad keys: page the list`)
    return key
  })
}

export function buildView(model: PageModel, markup: Markup, charset: Charset): PageView {
  const safe = (text: string): Safe =>
    new (handlebars().SafeString)(escapeText(text, markup, charset))
  const names = new Set<string>([formTokenField])
  const checkName = (name: string): void => {
    assert.ok(
      variableName.test(name),
      `form field name ${JSON.stringify(name)} is not a WML variable name`,
    )
    assert.ok(!names.has(name), `form field name ${name} used twice (or is the token field)`)
    names.add(name)
  }
  const field = (f: PageField): FieldView => {
    checkName(f.name)
    assert.ok(
      Number.isInteger(f.lengthMax) && f.lengthMax > 0,
      `field ${f.name}: lengthMax must be a positive integer`,
    )
    const secret = f.kind === 'pin'
    // A PIN is never written back into a page, whatever the model carries.
    const value = secret ? '' : f.value
    return {
      name: safe(f.name),
      id: safe(`f_${f.name}`),
      label: safe(f.label),
      value: safe(value),
      hasValue: value !== '',
      lengthMax: f.lengthMax,
      secret,
      numeric: f.kind !== 'text',
      required: f.kind !== 'text',
      format: formats[f.kind],
      inputMode: inputModes[f.kind],
    }
  }
  const choice = (c: PageChoice): ChoiceView => {
    checkName(c.name)
    assert.ok(c.options.length > 0, `choice ${c.name} has no options`)
    return {
      name: safe(c.name),
      id: safe(`f_${c.name}`),
      label: safe(c.label),
      selected: safe(c.selected ?? ''),
      hasSelected: c.selected !== null,
      options: c.options.map((o) => ({
        value: safe(o.value),
        label: safe(o.label),
        selected: o.value === c.selected,
      })),
    }
  }
  const form = (f: PageForm): FormView => ({
    action: safe(f.action),
    token: safe(f.token),
    tokenName: safe(formTokenField),
    submitLabel: safe(f.submitLabel),
    fields: f.fields.map(field),
    choices: f.choices.map(choice),
  })
  const keys = assignKeys(model.links)
  return {
    page: safe(model.page),
    language: safe(model.language),
    charset,
    title: safe(model.title),
    paragraphs: model.paragraphs.map(safe),
    form: model.form === null ? null : form(model.form),
    links: model.links.map((link, index) => ({
      label: safe(link.label),
      href: safe(link.href),
      key: safe(keys[index] ?? ''),
    })),
    noStore: model.noStore,
  }
}
