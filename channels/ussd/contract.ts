/**
 * contract.ts - the contract between the USSD menu engine (channels/ussd/menu/, driven by the menu
 * data in menus/ussd/) and the USSD channel that carries it (channels/ussd/: HTTP providers, USSD
 * over SMPP, sessions, deadlines). The engine is pure: no I/O, no clock reads, no core calls. It
 * turns (session, input) into the next screen, or into a payment command for the channel to run,
 * after which the channel hands the result back and gets the closing screen.
 *
 * The engine:
 *  1. MUST keep every fact of a session in UssdSession (plain data, JSON-serializable): the
 *     channel stores it between hops and may build a new engine for every request.
 *  2. MUST NOT put a PIN into UssdSession in clear: a PIN typed at a PIN screen travels in the
 *     `pin` / `newPin` of the UssdCommand it produces, and is masked in `UssdSession.trail`. A PIN
 *     that must outlive a hop (the current and new PIN of a PIN change) waits in `values` sealed
 *     (AES-GCM under a per-process key, menu/secrets.ts) and is dropped with the command.
 *  3. MUST answer every input with a screen or a command: invalid input re-prompts with what was
 *     wrong; `0` goes back, `00` home, `98` shows the next page of a long screen.
 *  4. MUST keep each screen's text within one USSD page: 182 GSM 03.38 characters (extension
 *     characters count two), or 80 when any character needs UCS-2. The `CON `/`END ` framing
 *     is the provider's and does not count.
 * The channel:
 *  1. MUST run a UssdCommand at most once per (sessionId, hop): the idempotency key is
 *     `${sessionId}:${hop}`, so a provider's retry of the same hop replays the first answer.
 *  2. MUST call `resume` with the command's result and show the screen it returns.
 */
import type {
  CommandResult,
  FundingKind,
  Language,
  SubscriberCommand,
} from '../../src/core/index.js'

export type ScreenType = 'CON' | 'END'

export interface Screen {
  readonly type: ScreenType
  /** Without the CON/END prefix; at most one page. */
  readonly text: string
}

export interface UssdSession {
  /**
   * The provider's session id (Africa's Talking sessionId, Hubtel SessionId, SMPP
   * its_session_info).
   */
  readonly sessionId: string
  /** Normalized MSISDN (src/core/msisdn.ts). */
  readonly msisdn: string
  readonly language: Language
  /** Menu state the user is at. */
  readonly state: string
  /** Page of the current state's screen (0 first), for 98 more. */
  readonly page: number
  /** States to go back to with 0, most recent last. */
  readonly back: readonly string[]
  /**
   * Inputs collected so far by name (merchant, amount, account, biller, ref, msisdn, order...).
   * Never a PIN in clear (see engine rule 2); names starting with `_` are the engine's own.
   */
  readonly values: Readonly<Record<string, string>>
  /** Inputs as typed, in order, with PINs masked as "****": for logs and the session record. */
  readonly trail: readonly string[]
  /** Requests answered so far in this session (the first dial is hop 0). */
  readonly hop: number
  /** The last screen sent, so that a provider's retry of the same hop gets it again. */
  readonly lastScreen: Screen | null
  readonly ended: boolean
}

/** A payment or account command the channel runs through PaymentService. */
export interface UssdCommand {
  readonly command: SubscriberCommand
  readonly pin: string | null
  readonly newPin: string | null
}

export type EngineStep =
  | { readonly kind: 'screen'; readonly session: UssdSession; readonly screen: Screen }
  | { readonly kind: 'command'; readonly session: UssdSession; readonly run: UssdCommand }

export interface UssdEngine {
  /**
   * The service code the menus serve (`*123#`): the channel routes its family here and refuses
   * to give any of it to an external app (external/routes.ts).
   */
  readonly serviceCode: string
  /**
   * A new session from a dial string: `*123#` opens the main menu; `*123*2*1001*25#` replays
   * 2, 1001, 25 as inputs and stops at the first screen they do not answer, never past a PIN.
   * A dial string of another service code gets an END saying so. `admitted`: the channel has
   * already seen that the caller is a subscriber who is not locked, so the engine need not ask
   * the core before the first screen (it asks otherwise, and ends with the core's refusal).
   */
  start(
    sessionId: string,
    msisdn: string,
    language: Language,
    dial: string,
    admitted?: boolean,
  ): EngineStep
  /** One input typed by the user in an open session. */
  input(session: UssdSession, text: string): EngineStep
  /** The result of the command of the previous step: the closing (or next) screen. */
  resume(session: UssdSession, result: CommandResult): EngineStep
  /** The END shown when the channel gives up on a slow core (the answer deadline). */
  timeoutScreen(language: Language): Screen
}

/**
 * Funding kinds in the order of the account menu of SPEC section 5 (1 wallet, 2 phone bill, 3 bank
 * card).
 */
export const accountMenuOrder: readonly FundingKind[] = ['wallet', 'phone_bill', 'bank']
