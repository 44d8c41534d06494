/*
 * checkout.js - keeps the web checkout's page live: while the phone is asked it reads the
 * checkout's status once a second (GET /checkout/:id/status) and, once the payment ends, shows
 * the end and goes back to the shop with the signed result (the page's return form) after a
 * moment. Without it the page works all the same: the shopper reloads and presses the button.
 */
const card = document.querySelector('[data-checkout]')
/** A phone confirms within seconds; a second between reads shows each step as it lands. */
const pollMs = 1_000
/** Long enough to read the result before the shop's page comes. */
const returnDelayMs = 2_500

if (card !== null) {
  const id = card.dataset.checkout
  const final = card.dataset.final === 'true'
  const status = card.dataset.status
  if (!final && status !== 'open') {
    const timer = setInterval(async () => {
      // A payment request's page carries its token (?t=): the status needs it too.
      const response = await fetch(`/checkout/${encodeURIComponent(id)}/status${location.search}`, {
        headers: { accept: 'application/json' },
      })
      if (!response.ok) return
      const now = await response.json()
      if (now.status !== card.dataset.status) {
        clearInterval(timer)
        // The server draws the new state, with the way back once it is final.
        location.replace(`/checkout/${encodeURIComponent(id)}${now.final ? '?ended=1' : ''}`)
      }
    }, pollMs)
  }
  const form = document.querySelector('[data-return-form]')
  if (final && form !== null && new URLSearchParams(location.search).has('ended')) {
    const note = document.createElement('p')
    note.className = 'note'
    note.setAttribute('role', 'status')
    note.textContent = 'Returning to the shop…'
    form.after(note)
    setTimeout(() => form.requestSubmit(), returnDelayMs)
  }
}
