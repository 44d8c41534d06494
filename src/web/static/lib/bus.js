/**
 * bus.js - the page's one event bus. Phones and apps emit `wire` (what went over the wire, for
 * the developer drawer) and `step` (what the user did or saw, for the recorder); the drawer and
 * the recorder listen. Nothing else connects the parts, so a new app or a new kind of event
 * from the gateway adds an emitter, not a wiring change.
 */

export const bus = new EventTarget()

export function emit(type, detail) {
  bus.dispatchEvent(new CustomEvent(type, { detail }))
}

export function on(type, listener) {
  bus.addEventListener(type, (event) => listener(event.detail))
}
