/**
 * html.ts - HTML written as template functions, with every value escaped on its way in: a
 * `html` tagged template whose interpolations are escaped unless they are already `Html` (a
 * fragment built the same way), so a name from the ledger or a text from a menu can never open
 * a tag. Exports Html, html, escapeHtml and joinHtml.
 */

/** A fragment of HTML that is safe to put into a page as it is. */
export class Html {
  constructor(readonly text: string) {}
  toString(): string {
    return this.text
  }
}

const entities: Readonly<Record<string, string>> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
}

/** Escapes text for an element's content or a quoted attribute. */
export function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (char) => entities[char] ?? char)
}

type Value = Html | string | number | null | undefined | readonly Html[]

function render(value: Value): string {
  if (value === null || value === undefined) return ''
  if (value instanceof Html) return value.text
  if (Array.isArray(value)) return value.map((item: Html) => item.text).join('')
  return escapeHtml(String(value))
}

/** The tagged template: `html\`<p>${name}</p>\`` escapes name. */
export function html(strings: TemplateStringsArray, ...values: Value[]): Html {
  let text = strings[0] ?? ''
  values.forEach((value, index) => {
    text += render(value) + (strings[index + 1] ?? '')
  })
  return new Html(text)
}

/** Fragments one after the other. */
export function joinHtml(parts: readonly Html[]): Html {
  return new Html(parts.map((part) => part.text).join(''))
}
