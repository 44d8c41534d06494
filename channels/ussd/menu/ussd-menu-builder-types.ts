/**
 * ussd-menu-builder-types.ts - our own types for the parts of ussd-menu-builder@1.2.0 we use.
 * The package's index.d.ts does not compile under strict settings (startState typed void,
 * `run` required on every state, states typed as an array), so menu-builder.ts loads the
 * package untyped and gives it these. Exports the interfaces only.
 */

/** A state as the library hands it back from resolveRoute. */
export interface LibraryState {
  readonly name: string
  /** The input that led to this state. */
  readonly val: string | null
}

export interface LibraryStateOptions {
  /** Called by `run()` only; resolveRoute never calls it. */
  readonly run: (state: LibraryState) => void
  /**
   * Rule -> state name. A rule is an exact string, or `*` + a regex source (tested with
   * RegExp.test, so unanchored unless we anchor it). Rules are tried in insertion order.
   */
  readonly next?: Readonly<Record<string, string>>
  /** The state when no rule matches; the library defaults it to the state itself. */
  readonly defaultNext?: string
}

export interface LibraryMenu {
  state(name: string, options: LibraryStateOptions): LibraryMenu
  /** Registers the state named `__start__`. */
  startState(options: LibraryStateOptions): LibraryMenu
  /**
   * Walks `route` (inputs joined by `*`) from `__start__`. With string targets only, the
   * callback runs before resolveRoute returns (async@2 calls back synchronously).
   */
  resolveRoute(
    route: string,
    callback: (error: Error | null, state: LibraryState | undefined) => void,
  ): void
  on(event: 'error', listener: (error: Error) => void): LibraryMenu
}

export type LibraryMenuConstructor = new (options?: {
  readonly provider?: 'africasTalking' | 'hubtel'
}) => LibraryMenu
