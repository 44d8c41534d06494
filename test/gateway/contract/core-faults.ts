/**
 * core-faults.ts - the payment core's faults the contract rows need on demand and the real core
 * cannot produce when asked: an answer held until the test lets it go (a core slower than any
 * answer deadline), answers that lost their values, an internal error. They wrap the execute of
 * the gateway's payment service, the one CommandPort every channel hands its commands to, and
 * count what they touched, so that a row whose fault never reached a channel's commands fails
 * instead of passing. Exports CoreFaults, HeldAnswer, coreFaults and internalErrorText.
 */
import type { GatewayFixture } from '../../support/gateway-fixture.js'

type Execute = GatewayFixture['gateway']['context']['service']['execute']
type Request = Parameters<Execute>[0]

/** The message of the internal error: a phone that shows any of it shows an internal error. */
export const internalErrorText =
  'SQLITE_IOERR: disk I/O error at SqliteLedger.commit (ledger.sqlite) {payee}'

/**
 * An answer held at the core: `entered` when its command reached the core, `release` to let it go.
 */
export interface HeldAnswer {
  readonly entered: Promise<Request>
  release(): void
}

export interface CoreFaults {
  /**
   * Holds the answer of the next command (which the core still runs at once) until release(), or
   * until `heldMaxMs`, so that a channel without a deadline gets its answer late instead of never.
   */
  holdNext(heldMaxMs: number): HeldAnswer
  /** From now on every answer comes without its message's values ({payee}, {amount}...). */
  loseValues(): void
  /** The next command fails with an internal error instead of an answer. */
  failNext(): void
  /** Commands a fault touched since it was set. */
  readonly touched: number
  /** The real core again. */
  restore(): void
}

export function coreFaults(gw: GatewayFixture): CoreFaults {
  const service = gw.gateway.context.service
  const real: Execute = service.execute.bind(service)
  let fault: ((request: Request) => ReturnType<Execute>) | null = null
  let touched = 0
  service.execute = (request) => {
    if (fault === null) return real(request)
    touched += 1
    return fault(request)
  }
  const once = (run: (request: Request) => ReturnType<Execute>): void => {
    touched = 0
    fault = (request) => {
      fault = null
      return run(request)
    }
  }
  return {
    holdNext(heldMaxMs) {
      let release = (): void => undefined
      const gate = new Promise<void>((resolve) => {
        release = resolve
        setTimeout(resolve, heldMaxMs).unref()
      })
      let entered: (request: Request) => void = () => undefined
      const reached = new Promise<Request>((resolve) => {
        entered = resolve
      })
      once(async (request) => {
        const answer = real(request)
        entered(request)
        await gate
        return answer
      })
      return { entered: reached, release }
    },
    loseValues() {
      touched = 0
      fault = async (request) => {
        const answer = await real(request)
        return { ...answer, message: { key: answer.message.key, params: {} } }
      }
    },
    failNext() {
      once(() => Promise.reject(new Error(internalErrorText)))
    },
    get touched() {
      return touched
    },
    restore() {
      fault = null
    },
  }
}
