/**
 * docs.js - the API reference's filter (/docs): typing in the sidebar's box keeps the operations
 * whose method, path, summary or operationId hold every word typed, in the sidebar and in the
 * page, and hides a group left empty. The page is whole without it: the script only hides.
 */

const input = document.querySelector('[data-op-filter]')
const operations = [...document.querySelectorAll('[data-op]')]
const links = new Map(
  [...document.querySelectorAll('[data-op-link]')].map((link) => [link.dataset.opLink, link]),
)
const groups = [...document.querySelectorAll('[data-op-group]')]
const none = document.querySelector('[data-op-none]')

function filter() {
  const words = input.value.toLowerCase().split(/\s+/).filter(Boolean)
  let shown = 0
  for (const operation of operations) {
    const match = words.every((word) => operation.dataset.search.includes(word))
    operation.hidden = !match
    const link = links.get(operation.id)
    if (link !== undefined) link.hidden = !match
    if (match) shown += 1
  }
  // A group (a tag's section, its list in the sidebar) with nothing left to show goes too.
  for (const group of groups)
    group.hidden =
      group.querySelector('[data-op]:not([hidden]), [data-op-link]:not([hidden])') === null
  none.hidden = shown > 0
}

input.addEventListener('input', filter)
// A filter kept by the browser on reload or back applies at once.
if (input.value !== '') filter()
