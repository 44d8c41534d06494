/**
 * hub.ts - the in-process hub of live events per MSISDN: whatever reaches a phone or leaves it
 * (today the SMS of the message log; tomorrow a USSD push or a call's prompt) is published here
 * under the phone's number, and the web handsets' streams (stream-route.ts) listen to the
 * numbers they show. The SMSC simulator asks it whether a handset is open for a number, to
 * deliver an MT there when no ESME speaks for that number. Memory only: what must outlive a
 * restart is the message log's. Bounded by the number of listeners (limits.ts); a listener that
 * cannot keep up is its own business (the stream closes itself). Exports HandsetEvent,
 * HandsetListener, HandsetHub.
 */
import type { CommandJson } from './command-json.js'
import type { LoggedSms } from './messages.js'

/**
 * sms: a message recorded; sms_state: a recorded message moved on (same seq, new state);
 * command: a payment command for this number and the core's answer (command-json.ts), for the
 * handset's developer drawer; ussd_push: a network-initiated USSD dialogue opened on the handset
 * (channels/ussd/handset-push.ts); pdu: an SMPP request of the SMSC simulator for this number
 * (src/bearer/pdu-json.ts). Other channels add their kinds here.
 */
export type HandsetEvent =
  | { readonly kind: 'sms'; readonly message: LoggedSms }
  | { readonly kind: 'sms_state'; readonly message: LoggedSms }
  | { readonly kind: 'command' | 'ussd_push' | 'pdu'; readonly data: CommandJson }

export type HandsetListener = (event: HandsetEvent) => void

export class HandsetHub {
  private readonly listeners = new Map<string, Set<HandsetListener>>()
  /** Listeners that can show a network-initiated USSD dialogue (a page that handles ussd_push). */
  private readonly pushListeners = new Set<HandsetListener>()
  private count = 0

  constructor(
    private readonly bounds: {
      readonly streamsMax: number
      readonly streamsPerMsisdnMax: number
    },
  ) {}

  /** Listeners open now, over all numbers. */
  get size(): number {
    return this.count
  }

  /** Whether a handset listens to this number now. */
  isOpen(msisdn: string): boolean {
    return this.listeners.has(msisdn)
  }

  /** Whether a handset that can show a USSD push listens to this number now. */
  takesUssdPush(msisdn: string): boolean {
    const set = this.listeners.get(msisdn)
    return set !== undefined && [...set].some((listener) => this.pushListeners.has(listener))
  }

  /**
   * Listens to one number until the returned function is called; null when a bound is reached
   * (all streams, or this number's), so the caller refuses the stream.
   */
  subscribe(
    msisdn: string,
    listener: HandsetListener,
    capabilities: { readonly ussdPush?: boolean } = {},
  ): (() => void) | null {
    const set = this.listeners.get(msisdn) ?? new Set<HandsetListener>()
    if (this.count >= this.bounds.streamsMax || set.size >= this.bounds.streamsPerMsisdnMax)
      return null
    set.add(listener)
    if (capabilities.ussdPush === true) this.pushListeners.add(listener)
    this.listeners.set(msisdn, set)
    this.count += 1
    let subscribed = true
    return () => {
      if (!subscribed) return
      subscribed = false
      set.delete(listener)
      this.pushListeners.delete(listener)
      this.count -= 1
      if (set.size === 0) this.listeners.delete(msisdn)
    }
  }

  /** Tells every listener of the number; a listener that throws does not stop the others. */
  publish(msisdn: string, event: HandsetEvent): void {
    const set = this.listeners.get(msisdn)
    if (set === undefined) return
    for (const listener of [...set]) {
      try {
        listener(event)
      } catch {
        // A stream's own failure closes that stream (stream-route.ts); the others go on.
      }
    }
  }
}
