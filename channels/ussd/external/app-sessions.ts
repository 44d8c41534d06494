/**
 * app-sessions.ts - the hops of a session served by an external app, telepay playing the
 * aggregator: the dial opens it with a request whose `text` is '' (or what a shortcut dial
 * prefilled), every input adds itself to `text` after a `*`, exactly as Africa's Talking joins
 * them (a `*` the user types stays as typed, so the app cannot tell it from a separator, as on
 * AT), and the app's CON/END is the screen. A fault of the app (answer.ts) ends the session
 * with one polite END and a warn line naming the fault, never the inputs: a PIN may be among
 * them. For the same reason the accumulated text waits between hops sealed (AES-GCM under the
 * process's key, menu/secrets.ts), and the session's trail masks every input.
 *
 * The session rules (one session per subscriber, idle timeout, total cap, a provider's retry
 * answered from the stored screen) are UssdService's, the same as for the menus. Exports
 * ExternalApps, ExternalAppsDeps, AppSession and AppStep.
 */
import { randomBytes } from 'node:crypto'
import type { Language } from '../../../src/core/index.js'
import { maskMsisdn } from '../../../src/core/index.js'
import type { Logger } from '../../../src/service/log.js'
import type { Metrics } from '../../../src/service/metrics.js'
import type { Screen, UssdSession } from '../contract.js'
import type { UssdLimits } from '../limits.js'
import type { UssdMenuLimits } from '../menu/index.js'
import { ussdMenuLimits } from '../menu/index.js'
import { sealSecret, unsealSecret } from '../menu/secrets.js'
import type { SessionOutcome } from '../session-store.js'
import type { ChannelTextKey } from '../texts.js'
import { channelText } from '../texts.js'
import { postToApp } from './client.js'
import type { DialRoute, DialRoutes } from './routes.js'

/** What a session record keeps of an external app's session between hops. */
export interface AppSession {
  /**
   * The session id the app sees, made here: a provider's (over SMPP it holds the MSISDN and the
   * bind's name) never leaves telepay.
   */
  readonly sessionId: string
  readonly serviceCode: string
  /** Inputs so far, joined by `*`, sealed: any of them may be a PIN. */
  readonly sealedText: string
  /** How many inputs `sealedText` holds (a prefilled shortcut counts one): 0 on the dial. */
  readonly inputs: number
}

export interface AppStep {
  readonly screen: Screen
  readonly session: UssdSession
  readonly app: AppSession
  /** How the session ended when the app did not end it: a fault, or text we cannot read. */
  readonly outcome: SessionOutcome | null
}

export interface ExternalAppsDeps {
  readonly routes: DialRoutes
  readonly limits: UssdLimits
  readonly log: Logger
  readonly metrics: Metrics
}

/**
 * The network code the app is told, as AT tells MCC and MNC: the simulated network is China
 * Mobile's (MCC 460, MNC 00), whose subscribers (86 numbers) the fixture world holds.
 */
const networkCode = '46000'

/** The masked trail entry of an input: the app alone knows which one is a PIN. */
const maskedInput = '****'

export class ExternalApps {
  /** The channel's bounds of a request, and the page a screen must fit. */
  private readonly clientLimits: UssdLimits & UssdMenuLimits

  constructor(private readonly deps: ExternalAppsDeps) {
    this.clientLimits = { ...ussdMenuLimits, ...deps.limits }
  }

  route(dial: string): DialRoute {
    return this.deps.routes.route(dial)
  }

  /** The dial: the first request, `text` '' or the shortcut's prefilled inputs. */
  open(
    route: Extract<DialRoute, { kind: 'app' }>,
    who: { readonly sessionId: string; readonly msisdn: string; readonly language: Language },
  ): Promise<AppStep> {
    const prefilled = route.text !== ''
    const session: UssdSession = {
      sessionId: who.sessionId,
      msisdn: who.msisdn,
      language: who.language,
      state: `app:${route.app.serviceCode}`,
      page: 0,
      back: [],
      values: {},
      trail: prefilled ? [maskedInput] : [],
      hop: 0,
      lastScreen: null,
      ended: false,
    }
    const app: AppSession = {
      sessionId: `ATUid_${randomBytes(16).toString('hex')}`,
      serviceCode: route.app.serviceCode,
      sealedText: sealSecret(route.text),
      inputs: prefilled ? 1 : 0,
    }
    return this.ask(route.app.url, app, session, route.text)
  }

  /** One input typed in an open session: the text so far, a `*`, the input. */
  input(app: AppSession, before: UssdSession, input: string): Promise<AppStep> {
    const session: UssdSession = {
      ...before,
      hop: before.hop + 1,
      trail: [...before.trail, maskedInput].slice(-ussdMenuLimits.trailEntriesMax),
    }
    const url = this.deps.routes.apps.find((each) => each.serviceCode === app.serviceCode)?.url
    const previous = unsealSecret(app.sealedText)
    // Sealed by another process (a restart) or an app no longer configured: nothing to go on.
    if (previous === null || url === undefined)
      return Promise.resolve(this.ended(app, session, 'session_lost', 'lost_track'))
    const text = app.inputs === 0 ? input : `${previous}*${input}`
    // Our bound (the same as on AT's text coming in), not the app's fault; the user cannot tell
    // the two apart and is told the same, the log line says which.
    const textCharsMax = this.deps.limits.inputLengthMax
    if (text.length > textCharsMax) {
      this.failed(app, session, 'text_too_long', `text past ${textCharsMax} characters`)
      return Promise.resolve(this.ended(app, session, 'app_failed', 'app_failed'))
    }
    const next: AppSession = { ...app, sealedText: sealSecret(text), inputs: app.inputs + 1 }
    return this.ask(url, next, session, text)
  }

  private async ask(
    url: string,
    app: AppSession,
    session: UssdSession,
    text: string,
  ): Promise<AppStep> {
    const started = performance.now()
    const answer = await postToApp(
      url,
      {
        sessionId: app.sessionId,
        serviceCode: app.serviceCode,
        phoneNumber: `+${session.msisdn}`,
        networkCode,
        text,
      },
      this.clientLimits,
    )
    const ms = Math.round(performance.now() - started)
    if (!answer.ok) {
      this.failed(app, session, answer.fault, answer.detail, ms)
      return this.ended(app, session, 'app_failed', 'app_failed')
    }
    this.count(answer.screen.type === 'CON' ? 'con' : 'end')
    const shown: UssdSession = {
      ...session,
      lastScreen: answer.screen,
      ended: answer.screen.type === 'END',
    }
    return { screen: answer.screen, session: shown, app, outcome: null }
  }

  private ended(
    app: AppSession,
    session: UssdSession,
    key: ChannelTextKey,
    outcome: SessionOutcome,
  ): AppStep {
    const screen = channelText(key, session.language)
    return { screen, session: { ...session, lastScreen: screen, ended: true }, app, outcome }
  }

  /** The warn line of a fault: what went wrong and where, never an input nor the app's body. */
  private failed(
    app: AppSession,
    session: UssdSession,
    fault: string,
    detail: string,
    ms?: number,
  ): void {
    this.count(fault)
    this.deps.log.warn('ussd external app failed; the session ends', {
      app: app.serviceCode,
      session: session.sessionId,
      msisdn: maskMsisdn(session.msisdn),
      hop: session.hop,
      fault,
      detail,
      ...(ms === undefined ? {} : { ms }),
    })
  }

  private count(result: string): void {
    this.deps.metrics.count(
      'telepay_ussd_app_answers_total',
      'Requests to external USSD apps, by answer (con, end) or fault',
      { result },
    )
  }
}
