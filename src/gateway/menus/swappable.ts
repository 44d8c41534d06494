/**
 * swappable.ts - an engine that can be replaced while dialogs run: the channel holds the proxy,
 * every call goes to the engine of the moment. A reload of the menu files (SIGHUP) swaps in the
 * new engine; sessions and calls keep their state name and walk on in the new menus (a state the
 * new files lack ends that dialog politely, as a session from an older menu would). Exports
 * swappable and Swappable.
 */

export interface Swappable<T extends object> {
  /** Calls go to the current engine. */
  readonly value: T
  replace(next: T): void
}

export function swappable<T extends object>(initial: T): Swappable<T> {
  let current = initial
  // Each method bound once per engine, not on every call: the proxy sits on every USSD hop.
  let bound = new Map<PropertyKey, unknown>()
  const value = new Proxy(initial, {
    get(_target, property) {
      if (bound.has(property)) return bound.get(property)
      const member: unknown = Reflect.get(current, property)
      if (typeof member !== 'function') return member
      const method: unknown = member.bind(current)
      bound.set(property, method)
      return method
    },
  })
  return {
    value,
    replace(next) {
      current = next
      bound = new Map()
    },
  }
}
