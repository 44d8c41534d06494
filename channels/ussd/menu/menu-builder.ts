/**
 * menu-builder.ts - our adapter over ussd-menu-builder: the library decides which rule an input
 * matches (anchored rules, first match in order, an explicit defaultNext for "no match"), one
 * fresh library menu per call, never shared. Exports resolveTransition and TransitionRule.
 *
 * No longer on the engine's path: all the library did for the engine (the first anchored rule
 * that matches the whole input) is what the menus' one walk (src/gateway/menus/walk.ts) does for
 * both media, with the navigation keys checked by the engine before it. The adapter stays while
 * its differential test (test/channels/ussd/menu/transitions.test.ts) names it; with that test's
 * first part gone, this file, ussd-menu-builder-types.ts and the dependency can go.
 *
 * Why only resolveRoute and not run(): run() answers through a promise (its route lookup always
 * goes through Promise.resolve), but the engine contract (channels/ussd/contract.ts) is
 * synchronous and pure. resolveRoute is the part the library does well - matching rules in
 * order with a default - and with string targets it calls back synchronously, which this file
 * asserts. Provider formats, sessions, paging, limits and logging stay ours (the library keeps
 * shared menu state and replays a whole path): we feed the latest input only, never a whole path,
 * so a `*` typed inside an input cannot become extra hops, and nothing here has side effects.
 */
import { createRequire } from 'node:module'
import { assert } from '../../../src/core/index.js'
import type { LibraryMenu, LibraryMenuConstructor } from './ussd-menu-builder-types.js'

const require = createRequire(import.meta.url)
// The package is CommonJS without usable types: this cast is the untyped boundary.
const UssdMenu = require('ussd-menu-builder') as LibraryMenuConstructor

export interface TransitionRule<T> {
  /** Anchored regex source, `^...$`: the whole input must match. */
  readonly pattern: string
  readonly outcome: T
}

const noMatch = 'no-match'
const noop = (): void => {}

/**
 * The outcome of the first rule whose pattern matches the whole of `input`, else `otherwise`.
 * Input with `*` (the library's hop separator) or empty input matches nothing.
 */
export function resolveTransition<T>(
  rules: readonly TransitionRule<T>[],
  input: string,
  otherwise: T,
): T {
  const menu: LibraryMenu = new UssdMenu({ provider: 'africasTalking' })
  let failure: Error | null = null
  menu.on('error', (error) => {
    failure = error
  })
  const next: Record<string, string> = {}
  rules.forEach((rule, index) => {
    assert(
      rule.pattern.startsWith('^') && rule.pattern.endsWith('$'),
      `transition rule ${rule.pattern} is not anchored`,
    )
    const key = `*${rule.pattern}`
    // Two rules with one pattern: the first wins, as the library would if keys could repeat.
    if (Object.hasOwn(next, key)) return
    next[key] = `rule-${index}`
    menu.state(`rule-${index}`, { run: noop })
  })
  menu.state(noMatch, { run: noop })
  menu.startState({ run: noop, next, defaultNext: noMatch })
  // An empty route stays on the start state; a `*` would split the input into hops.
  const route = input.includes('*') ? '' : input
  let resolved: string | null = null
  menu.resolveRoute(route, (error, state) => {
    resolved = error === null && state !== undefined ? state.name : null
  })
  assert(failure === null, `ussd-menu-builder failed: ${String(failure)}`)
  assert(resolved !== null, 'ussd-menu-builder did not resolve synchronously')
  const match = /^rule-(\d+)$/.exec(resolved)
  if (match === null) return otherwise
  const rule = rules[Number(match[1])]
  assert(rule !== undefined, `ussd-menu-builder resolved an unknown state ${String(resolved)}`)
  return rule.outcome
}
