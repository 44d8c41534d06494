/**
 * wap-page.ts - reads a WAP page as a handset would, to follow its links and submit its form:
 * one small parser per markup (regular expressions over the markup the renderer writes, not a
 * general HTML parser). WML: `<a href>` / `<anchor><go href>` links, a `<go method="post">` with
 * `<postfield>`s whose `$(var)` values come from `<input>`/`<select>` variables. XHTML-MP and
 * cHTML: `<a href accesskey>` links and a `<form>` with `<input>` and `<select>` fields.
 * Exports WapMarkup, ParsedPage, ParsedLink, ParsedForm, markupOf, decodeBody, parsePage, formBody,
 * findLink.
 */
export type WapMarkup = 'wml' | 'xhtml' | 'chtml'

export interface ParsedLink {
  /** The visible text, tags stripped ("1 Balance"). */
  readonly label: string
  readonly href: string
  readonly key: string | null
}

export interface ParsedForm {
  readonly action: string
  readonly method: 'get' | 'post'
  /** Names and values sent as the page stands (WML: postfields with variables already filled). */
  readonly defaults: ReadonlyMap<string, string>
  /** Names a user may type or choose (inputs and selects; hidden fields excluded). */
  readonly editable: ReadonlySet<string>
  /** WML postfields: name -> the variable its value reads, for user fields by variable name. */
  readonly variables: ReadonlyMap<string, string>
}

export interface ParsedPage {
  readonly markup: WapMarkup
  /** What a user reads: tags dropped, entities decoded, whitespace collapsed. */
  readonly text: string
  readonly links: readonly ParsedLink[]
  readonly form: ParsedForm | null
}

/** The markup a Content-Type names; null for anything that is not a WAP page. */
export function markupOf(contentType: string): WapMarkup | null {
  const type = contentType.split(';')[0]?.trim().toLowerCase() ?? ''
  if (type === 'text/vnd.wap.wml') return 'wml'
  if (type === 'application/vnd.wap.xhtml+xml' || type === 'application/xhtml+xml') return 'xhtml'
  if (type === 'text/html') return 'chtml'
  return null
}

/** Decodes a body in the charset its Content-Type names (cHTML may be Shift_JIS). */
export function decodeBody(body: Uint8Array, contentType: string): string {
  const charset = /charset=([^;\s]+)/i.exec(contentType)?.[1]?.toLowerCase() ?? 'utf-8'
  return new TextDecoder(
    charset === 'shift_jis' || charset === 'sjis' ? 'shift_jis' : charset,
  ).decode(body)
}

function decodeEntities(text: string, markup: WapMarkup): string {
  const decoded = text
    .replace(/&#x([0-9a-f]+);/gi, (_whole, hex: string) =>
      String.fromCodePoint(Number.parseInt(hex, 16)),
    )
    .replace(/&#(\d+);/g, (_whole, decimal: string) => String.fromCodePoint(Number(decimal)))
    .replace(/&quot;/g, '"')
    .replace(/&apos;/g, "'")
    .replace(/&#39;/g, "'")
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&nbsp;/g, ' ')
    .replace(/&amp;/g, '&')
  return markup === 'wml' ? decoded.replace(/\$\$/g, '$') : decoded
}

function attribute(tag: string, name: string, markup: WapMarkup): string | null {
  const match = new RegExp(`\\s${name}\\s*=\\s*(?:"([^"]*)"|'([^']*)'|([^\\s>]+))`, 'i').exec(tag)
  if (match === null) return null
  return decodeEntities(match[1] ?? match[2] ?? match[3] ?? '', markup)
}

function visibleText(markup: string, kind: WapMarkup): string {
  const withoutHidden = markup
    .replace(/<(style|script|head)\b[\s\S]*?<\/\1>/gi, ' ')
    .replace(/<!DOCTYPE[^>]*>|<\?xml[^>]*\?>/gi, ' ')
  return decodeEntities(withoutHidden.replace(/<br\s*\/?>/gi, '\n').replace(/<[^>]+>/g, ' '), kind)
    .replace(/[ \t\r]+/g, ' ')
    .replace(/ *\n */g, '\n')
    .replace(/\n+/g, '\n')
    .trim()
}

function parseLinks(text: string, markup: WapMarkup): ParsedLink[] {
  const links: ParsedLink[] = []
  for (const match of text.matchAll(/<a\b([^>]*)>([\s\S]*?)<\/a>/gi)) {
    const tag = match[1] ?? ''
    const href = attribute(` ${tag}`, 'href', markup)
    if (href === null) continue
    links.push({
      label: visibleText(match[2] ?? '', markup),
      href,
      key: attribute(` ${tag}`, 'accesskey', markup),
    })
  }
  if (markup === 'wml') {
    for (const match of text.matchAll(/<anchor\b[^>]*>([\s\S]*?)<\/anchor>/gi)) {
      const inner = match[1] ?? ''
      const go = /<go\b([^>]*)>/i.exec(inner)
      const href = go === null ? null : attribute(` ${go[1] ?? ''}`, 'href', markup)
      if (href === null || /method\s*=\s*"post"/i.test(go?.[1] ?? '')) continue
      links.push({
        label: visibleText(inner.replace(/<go\b[\s\S]*?(\/>|<\/go>)/i, ''), markup),
        href,
        key: null,
      })
    }
  }
  return links
}

/** Inputs' and selects' values as the page stands: WML variables, or HTML form fields. */
function fieldValues(
  text: string,
  markup: WapMarkup,
): { values: Map<string, string>; editable: Set<string> } {
  const values = new Map<string, string>()
  const editable = new Set<string>()
  for (const match of text.matchAll(/<input\b([^>]*)>/gi)) {
    const tag = ` ${match[1] ?? ''}`
    const name = attribute(tag, 'name', markup)
    if (name === null) continue
    const type = (attribute(tag, 'type', markup) ?? 'text').toLowerCase()
    if (type === 'submit' || type === 'reset') continue
    values.set(name, attribute(tag, 'value', markup) ?? '')
    if (type !== 'hidden') editable.add(name)
  }
  for (const match of text.matchAll(/<select\b([^>]*)>([\s\S]*?)<\/select>/gi)) {
    const tag = ` ${match[1] ?? ''}`
    const name = attribute(tag, 'name', markup)
    if (name === null) continue
    const options = [...(match[2] ?? '').matchAll(/<option\b([^>]*)>/gi)].map(
      (option) => ` ${option[1] ?? ''}`,
    )
    const selected = options.find((option) => /\sselected\b/i.test(option)) ?? options[0]
    const value =
      markup === 'wml'
        ? (attribute(tag, 'value', markup) ??
          (selected === undefined ? '' : (attribute(selected, 'value', markup) ?? '')))
        : selected === undefined
          ? ''
          : (attribute(selected, 'value', markup) ?? '')
    values.set(name, value)
    editable.add(name)
  }
  return { values, editable }
}

function parseForm(text: string, markup: WapMarkup): ParsedForm | null {
  const { values, editable } = fieldValues(text, markup)
  if (markup === 'wml') {
    const go = /<go\b([^>]*method\s*=\s*"post"[^>]*)>([\s\S]*?)<\/go>/i.exec(text)
    if (go === null) return null
    const action = attribute(` ${go[1] ?? ''}`, 'href', markup) ?? ''
    const defaults = new Map<string, string>()
    const variables = new Map<string, string>()
    for (const field of (go[2] ?? '').matchAll(/<postfield\b([^>]*)>/gi)) {
      const tag = ` ${field[1] ?? ''}`
      const name = attribute(tag, 'name', markup)
      if (name === null) continue
      const raw = /\svalue\s*=\s*"([^"]*)"/i.exec(tag)?.[1] ?? ''
      // A reference to a variable: $(name), $(name:e) or $name; `$$` is a literal dollar.
      const reference = /^\$\((\w+)(?::\w+)?\)$|^\$(\w+)$/.exec(raw)
      const variable = reference?.[1] ?? reference?.[2]
      if (variable !== undefined) {
        variables.set(name, variable)
        defaults.set(name, values.get(variable) ?? '')
      } else {
        defaults.set(name, decodeEntities(raw, markup))
      }
    }
    return {
      action,
      method: 'post',
      defaults,
      editable: new Set([...variables.values()].filter((name) => editable.has(name))),
      variables,
    }
  }
  const form = /<form\b([^>]*)>([\s\S]*?)<\/form>/i.exec(text)
  if (form === null) return null
  const tag = ` ${form[1] ?? ''}`
  const inner = fieldValues(form[2] ?? '', markup)
  return {
    action: attribute(tag, 'action', markup) ?? '',
    method: (attribute(tag, 'method', markup) ?? 'get').toLowerCase() === 'post' ? 'post' : 'get',
    defaults: inner.values,
    editable: inner.editable,
    variables: new Map(),
  }
}

export function parsePage(text: string, markup: WapMarkup): ParsedPage {
  return {
    markup,
    text: visibleText(text, markup),
    links: parseLinks(text, markup),
    form: parseForm(text, markup),
  }
}

/**
 * The fields a submit sends: the form's own values with the user's typed over them. A user
 * field the form does not have is an error (the script names a field the page does not show).
 */
export function formBody(
  form: ParsedForm,
  typed: Readonly<Record<string, string>>,
): { body: URLSearchParams } | { unknown: string } {
  const sent = new Map(form.defaults)
  for (const [name, value] of Object.entries(typed)) {
    if (form.variables.size > 0) {
      const posts = [...form.variables.entries()]
        .filter(([, variable]) => variable === name)
        .map(([post]) => post)
      if (posts.length === 0 && !sent.has(name)) return { unknown: name }
      if (posts.length === 0) sent.set(name, value)
      for (const post of posts) sent.set(post, value)
      continue
    }
    if (!sent.has(name)) return { unknown: name }
    sent.set(name, value)
  }
  return { body: new URLSearchParams([...sent.entries()]) }
}

/** A link by its key (exactly) or its label (case-insensitive, with or without the key prefix). */
export function findLink(page: ParsedPage, wanted: string): ParsedLink | null {
  const byKey = page.links.find((link) => link.key === wanted)
  if (byKey !== undefined) return byKey
  const needle = wanted.trim().toLowerCase()
  const label = (link: ParsedLink): string => link.label.toLowerCase().replace(/^[0-9*#]\s+/, '')
  return (
    page.links.find((link) => label(link) === needle) ??
    page.links.find((link) => link.label.toLowerCase().includes(needle)) ??
    null
  )
}
