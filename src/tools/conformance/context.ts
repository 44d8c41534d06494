/**
 * context.ts - what a running conformance script carries from step to step: where the gateway
 * is, the last answer of each channel, and variables saved from earlier answers.
 */

export interface HttpAnswer {
  readonly status: number
  readonly json: unknown
  readonly text: string
}

export interface ScriptContext {
  readonly target: string
  readonly smpp: { readonly host: string; readonly port: number }
  /** The ISO 8583 host; null when the gateway runs none. */
  readonly pos: { readonly host: string; readonly port: number } | null
  /** The credentials the runner binds with as the phones' ESME. */
  readonly smppSystemId: string
  readonly smppPassword: string
  readonly adminToken: string
  /** A nonce of this run, so generated idempotency keys never collide with an earlier run. */
  readonly runId: string
  readonly scriptName: string
  readonly vars: Map<string, string>
  lastHttp: HttpAnswer | null
  /** Per-channel state a channel's steps keep (an SMPP bind, a USSD session...). */
  readonly channelState: Map<string, unknown>
  /** Resources to release when the script ends, last first. */
  readonly cleanups: (() => Promise<void>)[]
}

/** A step that did not see what it expected: the script fails with this message. */
export class StepFailure extends Error {
  override readonly name = 'StepFailure'
}

/** Replaces `{{name}}` with a saved variable; an unknown name fails the step. */
export function interpolate(value: unknown, vars: ReadonlyMap<string, string>): unknown {
  if (typeof value === 'string') {
    return value.replace(/\{\{\s*([\w.-]+)\s*\}\}/g, (_match, name: string) => {
      const saved = vars.get(name)
      if (saved === undefined)
        throw new StepFailure(
          `no saved variable "${name}" (save it with expect_http: { save: { ${name}: field } })`,
        )
      return saved
    })
  }
  if (Array.isArray(value)) return value.map((item) => interpolate(item, vars))
  if (typeof value === 'object' && value !== null) {
    return Object.fromEntries(
      Object.entries(value).map(([key, item]) => [key, interpolate(item, vars)]),
    )
  }
  return value
}
