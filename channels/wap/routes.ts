/**
 * routes.ts - the WAP channel's express Router under /wap/: the entry (home when a trusted
 * gateway names the MSISDN, else a login), and per session (`/wap/s/<id>/...`, no cookies):
 * home, balance, statement, the SIM card's purse, the six payment forms, confirm, cancel, result,
 * login and logout. Every answer is negotiated (406 when no markup fits) and carries Vary; pages
 * with balances, results or form tokens are not cached. A form's token is claimed once; its first
 * answer is what any resubmit gets, and the command runs through the gateway's dialog runner with
 * the token as its step (key `form:<token>`, so the ledger answers a second run with the first).
 * Exports wapRouter, WapRenderer and WapRouteDeps.
 */
import type { NextFunction, Request, Response } from 'express'
import express from 'express'
import type { AccountOffer, Command, CommandResult } from '../../src/core/index.js'
import { assert, maskMsisdn, normalizeMsisdn } from '../../src/core/index.js'
import type { ChannelContext } from '../../src/gateway/context.js'
import type { DialogJournal } from '../../src/gateway/dialog/index.js'
import { DialogRunner } from '../../src/gateway/dialog/index.js'
import { requestErrorStatusOf } from '../../src/gateway/http/status.js'
import type { CommandPort } from '../../src/gateway/ports.js'
import { renderMessage } from '../../src/gateway/reply/index.js'
import type { Clock } from '../../src/service/clock.js'
import type { Logger } from '../../src/service/log.js'
import type { Metrics } from '../../src/service/metrics.js'
import type { PageModel, RenderedPage } from './contract.js'
import type { PaymentPage } from './forms.js'
import { paymentFormPage, paymentPages, readPaymentForm } from './forms.js'
import type { LoginCheck, TrustedGateways } from './identity.js'
import { headerIdentity } from './identity.js'
import type { WapLimits } from './limits.js'
import { sessionIdleHeader } from './limits.js'
import type { SessionUrls } from './pages.js'
import {
  balancePage,
  cardPage,
  confirmPage,
  confirmQuestion,
  homePage,
  loginPage,
  noticePage,
  resultPage,
  statementPage,
} from './pages.js'
import type { Negotiation, RequestHeaders } from './render/index.js'
import type { FormPurpose, WapSession, WapSessionStore } from './session-store.js'

/** The renderer's two calls (channels/wap/render), as the pages use them. */
export interface WapRenderer {
  /** The markup (and charset) for these request headers; null: none fits (406). */
  negotiate(headers: RequestHeaders): Negotiation | null
  renderPage(model: PageModel, choice: Negotiation): RenderedPage
  /** The request headers a page depends on, sent as `Vary` on every answer. */
  readonly vary: string
}

export interface WapRouteDeps {
  readonly store: WapSessionStore
  readonly service: CommandPort
  /** Who an MSISDN is (its language), from the gateway's context. */
  readonly identify: ChannelContext['identify']
  readonly clock: Clock
  readonly log: Logger
  readonly metrics: Metrics
  readonly limits: WapLimits
  readonly trusted: TrustedGateways
  /** The enrichment headers believed from a trusted gateway (wap.msisdnHeaders). */
  readonly msisdnHeaders: readonly string[]
  readonly login: LoginCheck
  readonly renderer: WapRenderer
  /** The accounts the operating model offers: the forms list no other. */
  readonly accounts: AccountOffer
  /** Where each page of a known subscriber is noted for the payments it makes. */
  readonly journal: DialogJournal
}

/** Where the router is mounted; every URL of a page is absolute. */
const entry = '/wap/'
const channel = 'wap'

/** A WAP session's key in the journal (the id rides in every URL of the visit). */
function journalKeyOf(session: WapSession): string {
  return `wap:${session.id}`
}

/** What the user gave for a page: the path asked for, or a form's fields with the PIN masked. */
function journalInputOf(request: Request): string {
  if (request.method !== 'POST') return `${request.method} ${request.path}`
  const fields = Object.entries(bodyOf(request))
    .filter(([name]) => name !== 'token')
    // A PIN field (pin, new_pin...) shows as **** whatever its length.
    .map(([name, value]) => `${name}=${/pin/i.test(name) ? '****' : value}`)
  return `POST ${request.path} ${fields.join(' ')}`.trim()
}

function send(response: Response, deps: WapRouteDeps, model: PageModel, status = 200): void {
  const session = response.locals['wapSession'] as WapSession | undefined
  if (session?.msisdn != null)
    deps.journal.step('wap', journalKeyOf(session), session.msisdn, {
      atMs: deps.clock.nowMs(),
      input: journalInputOf(response.req),
      screen: [model.title, ...model.paragraphs].join(' · '),
    })
  const choice = response.locals['wapChoice'] as Negotiation
  const page = deps.renderer.renderPage(model, choice)
  response.status(status)
  response.setHeader('Content-Type', page.contentType)
  // The session rides in the URL: no shared cache may keep any page; balances, results and
  // forms with tokens not even the handset's (Back must ask again, and gets the token's page).
  response.setHeader(
    'Cache-Control',
    model.noStore ? 'no-store, no-cache, max-age=0' : 'private, max-age=0',
  )
  if (model.noStore) response.setHeader('Pragma', 'no-cache')
  response.setHeader(sessionIdleHeader, String(deps.limits.sessionIdleMs))
  response.end(page.body)
}

function urlsOf(session: WapSession): SessionUrls {
  return { base: `/wap/s/${session.id}`, entry }
}

function bodyOf(request: Request): Record<string, string> {
  const body: unknown = request.body
  if (typeof body !== 'object' || body === null) return {}
  const fields: Record<string, string> = {}
  for (const [name, value] of Object.entries(body as Record<string, unknown>))
    if (typeof value === 'string') fields[name] = value
  return fields
}

export function wapRouter(deps: WapRouteDeps): express.Router {
  const router = express.Router()
  const { store, log } = deps
  // The form's one-time token claim (session-store.ts) already serializes a form's submits.
  const runner = new DialogRunner({
    channel,
    commands: deps.service,
    notify: null,
    log,
    metrics: deps.metrics,
    limits: { answerDeadlineMs: null, lateCommandsMax: 1 },
  })

  router.use((request: Request, response: Response, next: NextFunction) => {
    response.setHeader('Vary', deps.renderer.vary)
    const choice = deps.renderer.negotiate({
      accept: request.get('accept'),
      acceptCharset: request.get('accept-charset'),
      userAgent: request.get('user-agent'),
    })
    if (choice === null) {
      response
        .status(406)
        .type('text/plain')
        .send('None of the acceptable media types is served here: WML, XHTML-MP or cHTML.')
      return
    }
    response.locals['wapChoice'] = choice
    next()
  })
  router.use(express.urlencoded({ extended: false, limit: deps.limits.requestBodyBytesMax }))

  /**
   * The MSISDN a trusted gateway names, or null (a header from anyone else is logged and ignored).
   */
  const enriched = (request: Request, sessionId: string | null): string | null => {
    const identity = headerIdentity(
      request.headers,
      request.socket.remoteAddress,
      deps.trusted,
      deps.msisdnHeaders,
    )
    if (identity.kind === 'msisdn') return identity.msisdn
    if (identity.kind === 'ignored')
      log.warn('wap msisdn header ignored', {
        why: identity.why,
        remote: request.socket.remoteAddress,
        session: sessionId ?? undefined,
      })
    return null
  }

  const openLogin = (response: Response, notice: string | null = null): void => {
    const session = store.open(deps.clock.nowMs(), null)
    const token = store.issue(session, 'login', deps.clock.nowMs())
    send(
      response,
      deps,
      loginPage(`${urlsOf(session).base}/login`, token, session.language, '', notice),
    )
  }

  router.get('/', async (request, response) => {
    const msisdn = enriched(request, null)
    if (msisdn === null) return openLogin(response)
    const caller = await deps.identify(msisdn)
    const session = store.open(deps.clock.nowMs(), {
      msisdn,
      language: caller?.language ?? 'en',
      via: 'header',
    })
    log.info('wap session opened', {
      session: session.id.slice(0, 6),
      msisdn: maskMsisdn(msisdn),
      via: 'header',
    })
    // To the session's own URL, so that reload, Back and bookmarks stay in this session.
    response.setHeader('Cache-Control', 'no-store, no-cache, max-age=0')
    response.redirect(302, `${urlsOf(session).base}/`)
  })
  router.get('/login', (_request, response) => openLogin(response))

  const sessions = express.Router({ mergeParams: true })
  router.use('/s/:sessionId', sessions)

  // Finds the session of the URL and who it is; a page other than login needs an identity.
  sessions.use(
    async (request: Request<{ sessionId: string }>, response: Response, next: NextFunction) => {
      const nowMs = deps.clock.nowMs()
      const session = await store.find(request.params.sessionId, nowMs)
      if (session === null)
        return send(
          response,
          deps,
          noticePage('session_expired', 'en', { href: entry, label: 'link_home' }),
        )
      const msisdn = enriched(request, session.id)
      if (msisdn !== null && session.msisdn !== null && msisdn !== session.msisdn) {
        // A session URL carried to another phone (shared in a message, a proxy's log) is not
        // theirs.
        log.warn('wap session used by another msisdn', {
          session: session.id.slice(0, 6),
          msisdn: maskMsisdn(msisdn),
        })
        return send(
          response,
          deps,
          noticePage('session_other_number', session.language, { href: entry, label: 'link_home' }),
        )
      }
      if (msisdn !== null && session.msisdn === null) {
        const caller = await deps.identify(msisdn)
        store.identify(session, {
          msisdn,
          via: 'header',
          language: caller?.language ?? session.language,
        })
      }
      response.locals['wapSession'] = session
      if (session.msisdn === null && request.path !== '/login') {
        const token = store.issue(session, 'login', nowMs)
        return send(
          response,
          deps,
          loginPage(`${urlsOf(session).base}/login`, token, session.language),
        )
      }
      next()
    },
  )

  const sessionOf = (response: Response): WapSession => response.locals['wapSession'] as WapSession
  const msisdnOf = (session: WapSession): string => {
    if (session.msisdn === null) throw new Error('a page that needs an identity ran without one')
    return session.msisdn
  }
  const execute = (
    session: WapSession,
    command: Command,
    key: string | null,
    pin: string | null = null,
  ): Promise<CommandResult> => {
    // Reads (balance, statement) need no key: asking again is asking again.
    if (key === null) return deps.service.execute({ key, channel, command, pin })
    return runner
      .execute({ dialog: 'form', step: key, index: 0, run: { command, pin }, lateAnswerTo: null })
      .then((outcome) => {
        // No answer deadline on WAP (a page may wait), so no step is late or refused as busy.
        assert(outcome.kind === 'answered', `a WAP command came back ${outcome.kind}`)
        if (outcome.result.payment !== null)
          deps.journal.paid(journalKeyOf(session), outcome.result.payment.id)
        return outcome.result
      })
  }

  /**
   * Runs a form's submit once per token: the first submit's page is kept and shown to every
   * later submit of the token; an unknown or expired token moves nothing and says so.
   */
  const submit = async (
    response: Response,
    purposes: readonly FormPurpose[],
    token: string,
    run: (
      claim: Extract<ReturnType<WapSessionStore['claim']>, { kind: 'fresh' }>,
    ) => Promise<PageModel>,
  ): Promise<void> => {
    const session = sessionOf(response)
    const claim = store.claim(session, token, purposes, deps.clock.nowMs())
    if (claim.kind === 'unknown') {
      log.info('wap token unknown', {
        session: session.id.slice(0, 6),
        purposes: purposes.join(','),
      })
      return send(
        response,
        deps,
        noticePage('token_unknown', session.language, {
          href: `${urlsOf(session).base}/`,
          label: 'link_home',
        }),
      )
    }
    if (claim.kind === 'replay') {
      log.info('wap token replayed', { session: session.id.slice(0, 6) })
      return send(response, deps, await claim.page)
    }
    send(response, deps, await claim.finish(run(claim)))
  }

  sessions.get('/', (_request, response) => {
    const session = sessionOf(response)
    send(response, deps, homePage(urlsOf(session), session.language, deps.accounts))
  })

  // The reads of one page each: the balances, and the SIM card's purse.
  for (const [path, kind, page] of [
    ['/balance', 'balance', balancePage],
    ['/card', 'card_balance', cardPage],
  ] as const) {
    sessions.get(path, async (_request, response) => {
      const session = sessionOf(response)
      const result = await execute(session, { kind, msisdn: msisdnOf(session) }, null)
      store.speak(session, result.language)
      send(response, deps, page(urlsOf(session), result))
    })
  }

  sessions.get('/statement', async (request, response) => {
    const session = sessionOf(response)
    const result = await execute(session, { kind: 'statement', msisdn: msisdnOf(session) }, null)
    const page = Number.parseInt(
      typeof request.query['page'] === 'string' ? request.query['page'] : '1',
      10,
    )
    send(
      response,
      deps,
      statementPage(
        urlsOf(session),
        result,
        Number.isFinite(page) ? page : 1,
        deps.limits.statementRowsPerPage,
      ),
    )
  })

  for (const [page, spec] of Object.entries(paymentPages) as [
    PaymentPage,
    (typeof paymentPages)[PaymentPage],
  ][]) {
    const path = `/${spec.path}`
    sessions.get(path, (request, response) => {
      const session = sessionOf(response)
      const urls = urlsOf(session)
      const token = store.issue(session, page, deps.clock.nowMs())
      // Links may prefill a form (a merchant's poster: ?merchant=1001&amount=25).
      const values = Object.fromEntries(
        Object.entries(request.query).filter(
          (entry): entry is [string, string] => typeof entry[1] === 'string',
        ),
      )
      send(
        response,
        deps,
        paymentFormPage(
          page,
          session.language,
          deps.accounts,
          { action: `${urls.base}${path}`, home: `${urls.base}/` },
          token,
          values,
        ),
      )
    })
    sessions.post(path, async (request, response) => {
      const body = bodyOf(request)
      await submit(response, [page], body['token'] ?? '', async () => {
        const session = sessionOf(response)
        const urls = urlsOf(session)
        const formUrls = { action: `${urls.base}${path}`, home: `${urls.base}/` }
        const reading = readPaymentForm(
          page,
          msisdnOf(session),
          session.language,
          body,
          deps.accounts.defaultFunding,
        )
        if (!reading.ok)
          return paymentFormPage(
            page,
            session.language,
            deps.accounts,
            formUrls,
            store.issue(session, page, deps.clock.nowMs()),
            body,
            reading.notice,
          )
        const result = await execute(session, reading.command, body['token'] ?? null)
        if (
          !result.ok ||
          result.payment === null ||
          result.payment.state !== 'awaiting_authorization'
        )
          return resultPage(urls, result, `${urls.base}${path}`)
        const question = confirmQuestion(result)
        const confirm = { funding: result.payment.funding, paymentId: result.payment.id, question }
        const token = store.issue(session, 'confirm', deps.clock.nowMs(), confirm)
        return confirmPage(urls, result.language, question, confirm.funding, token)
      })
    })
  }

  sessions.post('/confirm', async (request, response) => {
    const body = bodyOf(request)
    const token = body['token'] ?? ''
    await submit(response, ['confirm'], token, async (claim) => {
      const session = sessionOf(response)
      const urls = urlsOf(session)
      const context = claim.confirm
      // Naming the payment this page showed: a newer one (an SMS, a merchant's request) that
      // replaced it meanwhile is not paid by this PIN.
      const named = context === null ? {} : { paymentId: context.paymentId }
      const result = await execute(
        session,
        { kind: 'confirm', msisdn: msisdnOf(session), ...named },
        token,
        body['pin'] ?? null,
      )
      const again = result.reason === 'pin_incorrect' || result.reason === 'pin_required'
      if (!result.ok && again && context !== null) {
        // The payment still waits: ask again with a fresh token, saying what was wrong.
        const next = store.issue(session, 'confirm', deps.clock.nowMs(), context)
        return confirmPage(
          urls,
          result.language,
          context.question,
          context.funding,
          next,
          renderMessage(result.message, result.language),
        )
      }
      return resultPage(urls, result)
    })
  })

  sessions.get(
    '/cancel/:token',
    async (request: Request<{ sessionId: string; token: string }>, response) => {
      const token = request.params.token
      await submit(response, ['confirm'], token, async (claim) => {
        const session = sessionOf(response)
        const named = claim.confirm === null ? {} : { paymentId: claim.confirm.paymentId }
        return resultPage(
          urlsOf(session),
          await execute(session, { kind: 'cancel', msisdn: msisdnOf(session), ...named }, token),
        )
      })
    },
  )

  // The first answer of a used token, again (a bookmark of a result, a reload after a lost answer).
  sessions.get(
    '/result/:token',
    async (request: Request<{ sessionId: string; token: string }>, response) => {
      const session = sessionOf(response)
      const claim = store.claim(
        session,
        request.params.token,
        ['pay_merchant', 'pay_bill', 'airtime', 'send_money', 'pay_order', 'confirm'],
        deps.clock.nowMs(),
      )
      if (claim.kind === 'replay') return send(response, deps, await claim.page)
      send(
        response,
        deps,
        noticePage('token_unknown', session.language, {
          href: `${urlsOf(session).base}/`,
          label: 'link_home',
        }),
      )
    },
  )

  sessions.post('/login', async (request, response) => {
    const body = bodyOf(request)
    await submit(response, ['login'], body['token'] ?? '', async () => {
      const session = sessionOf(response)
      const urls = urlsOf(session)
      const action = `${urls.base}/login`
      const typed = body['msisdn'] ?? ''
      const msisdn = normalizeMsisdn(typed)
      const retry = (notice: string, language = session.language): PageModel =>
        loginPage(
          action,
          store.issue(session, 'login', deps.clock.nowMs()),
          language,
          typed.slice(0, 16),
          notice,
        )
      if (msisdn === null)
        return retry(renderMessage({ key: 'refusal.msisdn_invalid', params: {} }, session.language))
      const outcome = await deps.login(msisdn, body['pin'] ?? '', deps.clock.nowMs())
      if (!outcome.ok) {
        log.info('wap login refused', {
          session: session.id.slice(0, 6),
          msisdn: maskMsisdn(msisdn),
          reason: outcome.reason,
        })
        return retry(
          renderMessage(
            { key: `refusal.${outcome.reason}`, params: outcome.params },
            outcome.language,
          ),
          outcome.language,
        )
      }
      store.identify(session, { msisdn, via: 'login', language: outcome.language })
      log.info('wap session opened', {
        session: session.id.slice(0, 6),
        msisdn: maskMsisdn(msisdn),
        via: 'login',
      })
      return homePage(urls, session.language, deps.accounts)
    })
  })

  sessions.get('/logout', (_request, response) => {
    const session = sessionOf(response)
    store.close(session.id, deps.clock.nowMs())
    send(
      response,
      deps,
      noticePage(
        'logged_out',
        session.language,
        { href: entry, label: 'link_login' },
        'title_logged_out',
      ),
    )
  })

  router.use((_request: Request, response: Response) => {
    const session = response.locals['wapSession'] as WapSession | undefined
    send(
      response,
      deps,
      noticePage('not_found', session?.language ?? 'en', {
        href: session === undefined ? entry : `${urlsOf(session).base}/`,
        label: 'link_home',
      }),
      404,
    )
  })
  router.use((error: unknown, _request: Request, response: Response, next: NextFunction) => {
    if (response.headersSent || response.locals['wapChoice'] === undefined) return next(error)
    const session = response.locals['wapSession'] as WapSession | undefined
    // A form the parser refuses (over requestBodyBytesMax, a charset it cannot read) or a path
    // that does not decode is the sender's mistake: its 4xx and a page that says nothing was
    // paid, and no error log line.
    const refused = requestErrorStatusOf(error)
    if (refused !== null) {
      const text = refused === 413 ? 'form_too_large' : 'request_unreadable'
      send(
        response,
        deps,
        noticePage(text, session?.language ?? 'en', { href: entry, label: 'link_home' }),
        refused,
      )
      return
    }
    log.error('wap page failed', { error: error instanceof Error ? error.message : String(error) })
    send(
      response,
      deps,
      noticePage('unavailable', session?.language ?? 'en', { href: entry, label: 'link_home' }),
      500,
    )
  })
  return router
}
