/**
 * driver.ts - what the channel contract suite (test/gateway/channel-contract.test.ts) asks of
 * a channel: a driver opens a phone on a real gateway and speaks only the channel's public
 * protocol to it (HTTP callbacks, form posts, SMPP sessions), so that every row runs the same
 * steps on every channel and the channels' insides may change under it. Every phone walks the
 * same payment: Li Lei pays 25.00 to Ringtone Store (1001) from the wallet with PIN 1234.
 * Exports RowId, Answer, ChannelPhone, ChannelDriver, payer, payerPin, payee, amount, quietMs and
 * noAnswer.
 */
import type { GatewayFixture } from '../../support/gateway-fixture.js'
import { LI, LI_PIN, RINGTONES } from '../../support/gateway-fixture.js'

/**
 * The rows of the contract (channel-contract.test.ts); a driver skips one by its id, saying why.
 */
export type RowId = 'retry' | 'deadline' | 'stale' | 'no_internal_text' | 'drain'

export const payer = LI
export const payerPin = LI_PIN
export const payee = RINGTONES
/** The payment every phone makes, as a phone types it and as every answer shows it. */
export const amount = { typed: '25', shown: '25.00' } as const

/**
 * How long a phone waits for an SMS that should not come (a retry's second reply): the SMSC
 * simulator delivers an MT within milliseconds of the submit_sm_resp it follows.
 */
export const quietMs = 400

/** What a protocol answered to one input. */
export interface Answer {
  /**
   * The answer as the protocol's peer would compare a retry's with the first: the USSD body, the
   * Hubtel JSON, the screen PDU's op and text, the IVR JSON or document, the WAP page's markup,
   * the merchant API's status and body, the SMSC's message ids.
   */
  readonly wire: string
  /** What the phone showed, read or heard because of the input, in order (SMS included). */
  readonly shown: readonly string[]
}

export const noAnswer: Answer = { wire: '', shown: [] }

/** One subscriber's conversation with a channel, on one gateway. */
export interface ChannelPhone {
  /**
   * Starts a new conversation (a dial, a call, a form, an MO) and brings the payer to the input
   * that moves the payment on (the PIN screen, the YES prompt, the confirm page), the payment
   * waiting for it. The merchant API has nothing to do here: its request is that input.
   */
  toConfirm(): Promise<Answer>
  /** The input that moves the payment on: the PIN, YES with the PIN, the merchant's request. */
  act(): Promise<Answer>
  /** The same input again, as the protocol retries it (a lost answer, a duplicate). */
  retry(): Promise<Answer>
  /** The next SMS to the payer within `timeoutMs`, or null. */
  nextSms(timeoutMs: number): Promise<string | null>
  close(): Promise<void>
}

export interface ChannelDriver {
  /** The channel and the face of it driven: "USSD via Hubtel". */
  readonly name: string
  /**
   * What the phone is shown once the payment went through (or, for the merchant API, was asked).
   */
  readonly done: RegExp
  /** The rows this channel cannot take, each with the reason its skip states. */
  readonly skip: Partial<Readonly<Record<RowId, string>>>
  /**
   * The rows this channel breaks today, each with what goes wrong: they run and must fail
   * (it.fails), so that a fix makes its entry go rather than hide behind a skip.
   */
  readonly breaches?: Partial<Readonly<Record<RowId, string>>>
  open(gw: GatewayFixture): Promise<ChannelPhone>
}
