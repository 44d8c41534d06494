/**
 * channel.ts - what the gateway asks of a channel, and what a channel may count on, in Kannel's
 * manner (gw/smscconn_p.h). A channel turns what a phone did, over its own protocol, into payment
 * commands and their answers back into that protocol; the gateway starts it, asks whether it is
 * ready, sweeps it, and stops it, all by looping over the registry (registry.ts).
 *
 * A channel:
 * 1. MUST answer `ready()` at once, from what it already knows (no I/O): /healthz asks it on
 *    every probe.
 * 2. MUST make `sweep()` safe to call again before the last one ended its effects, and bounded:
 *    it does the channel's due work (expired sessions, due notices, lost parts) and returns.
 * 3. MUST, on `stopAccepting()`, refuse new input the way its protocol says "later" (HTTP 503,
 *    ESME_RTHROTTLED), not by closing what a peer already opened; it MUST NOT start a command
 *    for input that arrives after it.
 * 4. MUST resolve `settle()` once every input it accepted has its answer on the wire or kept to
 *    be sent (the SMS outbox); the gateway bounds the wait (operating.stopInFlightMs).
 * 5. MUST release its sockets, timers and files in `close()`, after which nothing of it runs.
 * 6. MUST NOT let a template, an internal error or a PIN reach a phone or a log.
 * 7. MAY NOT import another channel: what two channels share (the SMPP bearer, the dialog
 *    runner, the renderer) lives in the gateway layer or the bearer (test/rules/imports.test.ts).
 *
 * What a phone sees of this contract (a retry replays the first answer, a missed deadline
 * answers by SMS, a stale confirm touches only its own payment, no template or internal error
 * text reaches a phone, a stop with drain answers every accepted input) is checked against every
 * channel, over its own protocol, by test/gateway/channel-contract.test.ts: a new channel adds
 * its driver there.
 */

export interface Channel {
  /** The name /healthz and the metrics use: sms, ussd, ivr, wap, merchant. */
  readonly name: string
  ready(): boolean
  sweep(): Promise<void>
  stopAccepting(): void
  settle(): Promise<void>
  close(): Promise<void>
}

/**
 * The parts of a Channel a simple one need not write: it accepts until close and has nothing to
 * settle.
 */
export function channelOf(
  parts: Pick<Channel, 'name' | 'ready' | 'sweep' | 'close'> & Partial<Channel>,
): Channel {
  return {
    stopAccepting: () => undefined,
    settle: () => Promise.resolve(),
    ...parts,
  }
}
