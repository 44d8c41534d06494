/**
 * wml.js - draws a WML 1.3 deck as HTML, since browsers stopped rendering WML: the first card
 * (or the one a `#id` names) with its paragraphs, links (`<a href>`, `<anchor><go/></anchor>`),
 * inputs and selects kept as WML variables, and its `<do>` softkeys whose `<go>` sends
 * `<postfield>`s with `$(var)` filled in (`$$` is a dollar sign). Every text is set as text.
 */
import { h } from '../lib/dom.js'

/** `$(name)`, `$name` and `$$` of WML's variable syntax, filled from the card's fields. */
function substitute(value, variables) {
  return value.replace(/\$\$|\$\((\w+)(?::\w+)?\)|\$(\w+)/g, (whole, a, b) => {
    if (whole === '$$') return '$'
    return variables.get(a ?? b) ?? ''
  })
}

/**
 * Renders a deck into `target`. `actions.follow(href, label)` opens a link; `actions.submit(
 * href, method, body, fields)` sends a go (body: URLSearchParams; fields: what the user typed,
 * by name, for the recorder).
 */
export function renderWml(text, fragment, target, actions) {
  const deck = new DOMParser().parseFromString(text, 'application/xml')
  const cards = [...deck.getElementsByTagName('card')]
  const card = cards.find((item) => item.getAttribute('id') === fragment) ?? cards[0]
  if (!card) {
    target.append(h('pre', {}, text))
    return
  }
  const variables = new Map()
  const fields = new Map()
  const softkeys = []
  // WML writes a field's caption as the text before it: the field's accessible name.
  let caption = ''
  const box = h('div', { class: 'wml-card' })
  const title = card.getAttribute('title')
  if (title) box.append(h('h3', { class: 'wml-title' }, title))

  const goOf = (go, label) => () => {
    const href = substitute(go.getAttribute('href') ?? '', variables)
    const method = (go.getAttribute('method') ?? 'get').toLowerCase()
    const body = new URLSearchParams()
    for (const field of go.getElementsByTagName('postfield'))
      body.append(
        field.getAttribute('name'),
        substitute(field.getAttribute('value') ?? '', variables),
      )
    const typed = {}
    for (const [name, input] of fields) typed[name] = input.value
    if (method === 'post') actions.submit(href, 'POST', body, typed)
    else actions.follow(href, label)
  }

  const walk = (node, into) => {
    for (const child of node.childNodes) {
      if (child.nodeType === Node.TEXT_NODE) {
        if (child.textContent.trim() !== '') {
          caption = child.textContent.trim()
          into.append(child.textContent)
        }
        continue
      }
      if (child.nodeType !== Node.ELEMENT_NODE) continue
      const name = child.localName
      if (name === 'p') {
        const paragraph = h('p', {})
        walk(child, paragraph)
        into.append(paragraph)
      } else if (name === 'br') into.append(h('br'))
      else if (name === 'b' || name === 'strong' || name === 'big') {
        const strong = h('strong', {})
        walk(child, strong)
        into.append(strong)
      } else if (name === 'a') {
        const label = child.textContent.trim()
        const href = child.getAttribute('href') ?? ''
        into.append(
          h(
            'a',
            {
              href: '#',
              accesskey: child.getAttribute('accesskey'),
              onclick: (event) => {
                event.preventDefault()
                actions.follow(substitute(href, variables), label)
              },
            },
            label,
          ),
        )
      } else if (name === 'anchor') {
        const go = child.getElementsByTagName('go')[0]
        const label = child.textContent.trim()
        if (go)
          into.append(
            h(
              'a',
              {
                href: '#',
                onclick: (event) => {
                  event.preventDefault()
                  goOf(go, label)()
                },
              },
              label,
            ),
          )
      } else if (name === 'input') {
        const variable = child.getAttribute('name')
        const format = child.getAttribute('format') ?? ''
        const input = h('input', {
          type: child.getAttribute('type') === 'password' ? 'password' : 'text',
          name: variable,
          value: child.getAttribute('value') ?? '',
          inputmode: /N/.test(format) ? 'numeric' : undefined,
          autocomplete: 'off',
        })
        variables.set(variable, input.value)
        fields.set(variable, input)
        input.addEventListener('input', () => variables.set(variable, input.value))
        input.setAttribute('aria-label', child.getAttribute('title') ?? caption ?? variable)
        into.append(input)
      } else if (name === 'select') {
        const variable = child.getAttribute('name')
        const select = h('select', { name: variable })
        for (const option of child.getElementsByTagName('option'))
          select.append(
            h('option', { value: option.getAttribute('value') ?? '' }, option.textContent.trim()),
          )
        if (child.getAttribute('value')) select.value = child.getAttribute('value')
        variables.set(variable, select.value)
        fields.set(variable, select)
        select.addEventListener('change', () => variables.set(variable, select.value))
        select.setAttribute('aria-label', child.getAttribute('title') ?? caption ?? variable)
        into.append(select)
      } else if (name === 'do') {
        const go = child.getElementsByTagName('go')[0]
        const prev = child.getElementsByTagName('prev')[0]
        const label = child.getAttribute('label') ?? child.getAttribute('type') ?? 'OK'
        // Softkeys sit under the card, where a phone shows them over its soft buttons.
        if (go)
          softkeys.push(
            h(
              'button',
              { type: 'button', class: 'primary softkey', onclick: goOf(go, label) },
              label,
            ),
          )
        else if (prev)
          softkeys.push(
            h('button', { type: 'button', class: 'softkey', onclick: () => actions.back() }, label),
          )
      } else walk(child, into)
    }
  }
  walk(card, box)
  box.append(...softkeys)
  target.append(box)
}
