/**
 * dom.js - builds elements from plain values: `h('button', { class: 'x', onclick }, 'text')`.
 * Text is always set as text, never parsed as HTML, so a message or a page from the gateway
 * cannot become markup here.
 */

export function h(tag, attributes = {}, ...children) {
  const element = document.createElement(tag)
  for (const [name, value] of Object.entries(attributes)) {
    if (value === undefined || value === null || value === false) continue
    if (name.startsWith('on') && typeof value === 'function')
      element.addEventListener(name.slice(2), value)
    else if (name === 'class') element.className = value
    else element.setAttribute(name, value === true ? '' : String(value))
  }
  for (const child of children.flat()) {
    if (child === null || child === undefined || child === false) continue
    element.append(child instanceof Node ? child : document.createTextNode(String(child)))
  }
  return element
}

/** Removes every child of an element. */
export function clear(element) {
  while (element.firstChild) element.firstChild.remove()
}
