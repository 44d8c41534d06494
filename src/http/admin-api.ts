/**
 * admin-api.ts - the operations API of SPEC section 9: subscribers and balances, the ledger
 * check, recent transactions, the test clock; plus the simulated bank's behaviour, the running
 * operating model, the party settlement of a day and the notification outbox, which operators of
 * the simulator need; registering a subscriber (POST /subscribers); the message log of one
 * phone's SMS (GET /messages); the search of payments by what they are, and one payment with the
 * ledger transfers and legs that moved its money.
 */
import type { NextFunction, Request, Response, Router } from 'express'
import express from 'express'
import { bankModes } from '../bank/gateway-bank.js'
import type { Message, PaymentState } from '../core/index.js'
import {
  dayOf,
  formatAmount,
  fundingKinds,
  localDateOf,
  merchantStatusOf,
  normalizeMsisdn,
  paymentStates,
  transferRef,
} from '../core/index.js'
import type { Exchange } from '../gateway/dialog/index.js'
import { handsetLimits, smsJson } from '../gateway/handset/index.js'
import { consoleCookieName } from '../gateway/http/cookie-names.js'
import { dayOfQuery } from '../gateway/http/day.js'
import { paymentJson, sendError } from '../gateway/http/json.js'
import { operatingModelJson, partyFeesJson, partyNamesJson } from '../gateway/http/parties.js'
import { bearerToken, httpStatusOf } from '../gateway/http/status.js'
import { trailJson } from '../gateway/http/trail-json.js'
import { cookieOf, csrfTokenOf, isSafeMethod, sameSecret } from '../gateway/http/web-session.js'
import { renderMessage } from '../gateway/reply/index.js'
import { decodeJson } from '../ledger/codec.js'
import { paymentIdOfSeq, seqOfPaymentId } from '../ledger/rows.js'
import type { PaymentSearch } from '../ledger/store.js'
import { fieldFormats } from '../world/field-formats.js'
import { onsiteAdminRoutes } from './admin-onsite.js'
import { operationsRoutes } from './admin-operations.js'
import { subscriberNameCharsMax, worldRoutes } from './admin-world.js'
import { worldFileRoutes } from './admin-world-file.js'
import type { CheckJob } from './check-jobs.js'
import { CheckJobs } from './check-jobs.js'
import { checkJson } from './check-json.js'
import type { GatewayContext } from './context.js'

/**
 * Most the test clock moves in one call: a year. Tests move it by seconds to days (expiry, PIN
 * locks, settlement days). Without a bound, an advance such as 1e308 s put the clock past what a
 * Date can show: the call answered 500 and every later time the gateway printed failed.
 */
const clockAdvanceSecondsMax = 366 * 86_400

export function isLoopback(address: string | undefined): boolean {
  return (
    address === '127.0.0.1' ||
    address === '::1' ||
    address === '::ffff:127.0.0.1' ||
    (address?.startsWith('127.') ?? false)
  )
}

/** The admin token check, for the admin API and /metrics (SPEC section 9). */
/** response.locals' key of the console session a request came with (absent: the bearer token). */
export const consoleSessionLocal = 'consoleSessionId'

export function adminAuth(context: GatewayContext) {
  return (request: Request, response: Response, next: NextFunction): void => {
    // The default token is public (it is in the SPEC): it only opens the API to this machine.
    if (context.adminTokenIsDefault && !isLoopback(request.socket.remoteAddress)) {
      sendError(
        response,
        403,
        'forbidden',
        'the default admin token is accepted from loopback only; set adminToken',
      )
      return
    }
    const token = bearerToken(request.header('authorization'))
    if (token !== null) {
      if (sameSecret(token, context.adminToken)) next()
      else sendError(response, 401, 'unauthorized', 'send Authorization: Bearer <admin token>')
      return
    }
    // The operator console's pages call this API with their session cookie instead.
    const session = context.consoleSessions.find(cookieOf(request, consoleCookieName))
    if (session === null) {
      sendError(response, 401, 'unauthorized', 'send Authorization: Bearer <admin token>')
      return
    }
    if (
      !isSafeMethod(request.method) &&
      !sameSecret(csrfTokenOf(request) ?? '', session.csrfToken)
    ) {
      sendError(response, 403, 'csrf_invalid', "send the page's CSRF token as X-CSRF-Token")
      return
    }
    // A long answer (the overview stream) ends when this session does.
    response.locals[consoleSessionLocal] = session.id
    next()
  }
}

export function adminApi(context: GatewayContext): Router {
  const router = express.Router()
  const { ledger } = context

  const paymentOfParam = async (id: string) =>
    id === 'last'
      ? ((await ledger.transactions({ msisdn: null, limit: 1, beforeSeq: null }))[0] ?? null)
      : await ledger.payment(id)

  router.use(adminAuth(context))
  router.use(worldRoutes(context, (msisdn) => subscriberJson(context, msisdn)))
  router.use(worldFileRoutes(context))
  router.use(operationsRoutes(context))
  router.use(onsiteAdminRoutes(context))

  router.get('/subscribers/:msisdn', async (request: Request, response: Response) => {
    const msisdn = normalizeMsisdn(String(request.params['msisdn']))
    if (msisdn === null) return sendError(response, 400, 'msisdn_invalid', 'not an MSISDN')
    const json = await subscriberJson(context, msisdn)
    if (json === null)
      return sendError(response, 404, 'payer_not_registered', `${msisdn} is not registered`)
    response.json(json)
  })

  // The operator registers a subscriber under any operating model (SMS REG is the number's own
  // way, where the model has it): the core's register command, so the PIN is hashed, the
  // accounts opened empty and a retry under the same Idempotency-Key registers once.
  router.post('/subscribers', async (request: Request, response: Response) => {
    const body = request.body as Record<string, unknown> | undefined
    const msisdn = typeof body?.['msisdn'] === 'string' ? normalizeMsisdn(body['msisdn']) : null
    if (msisdn === null)
      return sendError(response, 400, 'msisdn_invalid', 'msisdn is a mobile number in E.164')
    const name = typeof body?.['name'] === 'string' ? body['name'].trim() : ''
    if (name === '' || name.length > subscriberNameCharsMax)
      return sendError(
        response,
        400,
        'name_invalid',
        `name is 1 to ${subscriberNameCharsMax} characters`,
      )
    const language = body?.['language'] ?? 'en'
    if (language !== 'en' && language !== 'zh')
      return sendError(response, 400, 'language_invalid', 'language is "en" or "zh"')
    const pin = typeof body?.['pin'] === 'string' ? body['pin'] : ''
    const key = request.header('idempotency-key')
    const result = await context.service.execute({
      key: key === undefined ? null : `admin:${key}`,
      channel: 'admin',
      command: { kind: 'register', msisdn, name, language, by: 'operator' },
      newPin: pin,
    })
    if (!result.ok) {
      const reason = result.reason ?? 'system_busy'
      return sendError(response, httpStatusOf(reason), reason, renderMessage(result.message, 'en'))
    }
    response.status(201).json(await subscriberJson(context, msisdn))
  })

  router.get('/ledger/check', async (request: Request, response: Response) => {
    const mode = request.query['mode'] ?? 'incremental'
    if (mode !== 'incremental' && mode !== 'full')
      return sendError(response, 400, 'mode_invalid', 'mode is incremental or full')
    response.json(checkJson(await ledger.check({ mode })))
  })

  const checkJobs = new CheckJobs(ledger, () => context.clock.nowMs(), context.log)
  const jobJson = (job: CheckJob) => ({
    id: job.id,
    state: job.state,
    startedAt: new Date(job.startedMs).toISOString(),
    finishedAt: job.finishedMs === null ? null : new Date(job.finishedMs).toISOString(),
    transfersRead: job.readTransfers,
    transfersTotal: job.totalTransfers,
    result: job.result === null ? null : checkJson(job.result),
    error: job.error,
  })
  router.post('/ledger/checks', (_request: Request, response: Response) => {
    const { job, started } = checkJobs.start()
    response
      .status(started ? 202 : 200)
      .location(`/admin/api/ledger/checks/${job.id}`)
      .json(jobJson(job))
  })
  router.get('/ledger/checks/:id', (request: Request, response: Response) => {
    const job = checkJobs.get(String(request.params['id']))
    if (job === null) return sendError(response, 404, 'not_found', 'no such check job')
    response.json(jobJson(job))
  })

  router.get('/transactions', async (request: Request, response: Response) => {
    const rawMsisdn = request.query['msisdn']
    const msisdn =
      typeof rawMsisdn === 'string' && rawMsisdn !== '' ? normalizeMsisdn(rawMsisdn) : null
    if (typeof rawMsisdn === 'string' && rawMsisdn !== '' && msisdn === null)
      return sendError(response, 400, 'msisdn_invalid', 'not an MSISDN')
    const limitText = request.query['limit']
    const limit = limitText === undefined ? 20 : Number(limitText)
    if (
      !Number.isInteger(limit) ||
      limit < 1 ||
      limit > context.operating.transactionsQueryRowsMax
    ) {
      return sendError(
        response,
        400,
        'limit_invalid',
        `limit is a whole number from 1 to ${context.operating.transactionsQueryRowsMax}`,
      )
    }
    const beforeText = request.query['before']
    const beforeSeq =
      typeof beforeText === 'string' && beforeText !== '' ? seqOfPaymentId(beforeText) : null
    if (beforeText !== undefined && beforeSeq === null)
      return sendError(response, 400, 'before_invalid', 'before is a payment id, as P0000001')
    const filters = searchFiltersOf(request)
    if (typeof filters === 'string') {
      const [code, words] = filterRefusals[filters]
      return sendError(response, 400, code, words)
    }
    if (filters === null) {
      const payments = await ledger.transactions({ msisdn, limit, beforeSeq })
      const last = payments.at(-1)
      return response.json({
        transactions: payments.map(paymentJson),
        // Where the next page starts; null once a page comes back short.
        nextBefore: payments.length === limit && last !== undefined ? last.id : null,
      })
    }
    const page = await ledger.searchPayments({
      msisdn,
      limit,
      beforeSeq,
      ...filters,
      scanRowsMax: searchScanRowsMax,
    })
    response.json({
      transactions: page.payments.map(paymentJson),
      // A filtered page may come back short and still have a next one: the search reads a
      // bounded stretch of history a page.
      nextBefore: page.nextBeforeSeq === null ? null : paymentIdOfSeq(page.nextBeforeSeq),
    })
  })

  // One payment with the ledger transfers that moved its money and their legs, each transfer's
  // legs summing to zero; `last` names the newest payment, as for its trail.
  router.get('/payments/:id', async (request: Request, response: Response) => {
    const payment = await paymentOfParam(String(request.params['id']))
    if (payment === null) return sendError(response, 404, 'payment_not_found', 'no such payment')
    const transfers = await ledger.paymentTransfers(payment)
    response.json({
      payment: paymentJson(payment),
      transfers: transfers.map((transfer) => ({
        id: transfer.id,
        reference: transferRef(transfer.id),
        kind: transfer.kind,
        createdAt: new Date(transfer.createdMs).toISOString(),
        legs: transfer.legs.map((leg) => ({
          leg: leg.leg,
          account: leg.accountKind,
          owner: leg.owner,
          side: leg.amountMinor < 0n ? 'debit' : 'credit',
          amount: formatAmount(leg.amountMinor < 0n ? -leg.amountMinor : leg.amountMinor),
        })),
        total: formatSigned(transfer.legs.reduce((sum, leg) => sum + leg.amountMinor, 0n)),
      })),
      exchange: exchangeJson(context.journal.ofPayment(payment.id)),
    })
  })

  // One phone's SMS, newest first, a page at a time: the operator's view, texts unmasked (but never
  // logged: a kept reply may quote a balance).
  router.get('/messages', (request: Request, response: Response) => {
    const rawMsisdn = request.query['msisdn']
    const msisdn = typeof rawMsisdn === 'string' ? normalizeMsisdn(rawMsisdn) : null
    if (msisdn === null)
      return sendError(response, 400, 'msisdn_invalid', 'msisdn is a mobile number in E.164')
    const limitText = request.query['limit']
    const limit = limitText === undefined ? handsetLimits.pageRowsDefault : Number(limitText)
    if (!Number.isInteger(limit) || limit < 1 || limit > handsetLimits.pageRowsMax)
      return sendError(
        response,
        400,
        'limit_invalid',
        `limit is a whole number from 1 to ${handsetLimits.pageRowsMax}`,
      )
    const beforeText = request.query['before']
    const beforeSeq =
      typeof beforeText === 'string' && /^\d{1,15}$/.test(beforeText) ? Number(beforeText) : null
    if (beforeText !== undefined && beforeSeq === null)
      return sendError(response, 400, 'before_invalid', "before is a message's seq, as 1234")
    const messages = context.messages.page({ msisdn, limit, beforeSeq })
    const last = messages.at(-1)
    response.json({
      messages: messages.map(smsJson),
      // Where the next page starts; null once a page comes back short.
      nextBefore: messages.length === limit && last !== undefined ? last.seq : null,
    })
  })

  // The nine-step trail of one payment; `last` names the newest payment (the conformance
  // scripts' expect_trail reads it that way).
  router.get('/payments/:id/trail', async (request: Request, response: Response) => {
    const payment = await paymentOfParam(String(request.params['id']))
    if (payment === null) return sendError(response, 404, 'payment_not_found', 'no such payment')
    response.json(trailJson(payment, context.operatingModel))
  })

  router.post('/clock', async (request: Request, response: Response) => {
    if (context.advanceClock === null)
      return sendError(
        response,
        409,
        'no_test_clock',
        'the gateway runs on the system clock; start it with clock "test"',
      )
    const seconds = (request.body as Record<string, unknown> | undefined)?.['advanceSeconds']
    if (
      typeof seconds !== 'number' ||
      !Number.isFinite(seconds) ||
      seconds < 0 ||
      seconds > clockAdvanceSecondsMax
    ) {
      return sendError(
        response,
        400,
        'advance_invalid',
        `advanceSeconds is a number from 0 to ${clockAdvanceSecondsMax} (a year)`,
      )
    }
    const nowMs = await context.advanceClock(seconds)
    response.json({ now: new Date(nowMs).toISOString() })
  })

  router.get('/operating-model', (_request: Request, response: Response) => {
    response.json(operatingModelJson(context.limits))
  })

  router.get('/bank', (_request: Request, response: Response) => {
    response.json(context.bank.mode)
  })

  router.post('/bank', (request: Request, response: Response) => {
    const body = (request.body ?? {}) as Record<string, unknown>
    const mode = bankModes.find((candidate) => candidate === body['mode'])
    if (body['mode'] !== undefined && mode === undefined)
      return sendError(response, 400, 'mode_invalid', `mode is one of ${bankModes.join(', ')}`)
    const slowMs = body['slowMs']
    if (
      slowMs !== undefined &&
      (typeof slowMs !== 'number' || !Number.isInteger(slowMs) || slowMs < 0)
    ) {
      return sendError(response, 400, 'slow_ms_invalid', 'slowMs is a whole number of milliseconds')
    }
    context.bank.setBehaviour({
      ...(mode === undefined ? {} : { mode }),
      ...(typeof slowMs === 'number' ? { slowMs } : {}),
    })
    context.log.info('simulated bank behaviour changed', {
      mode: context.bank.mode.mode,
      slowMs: context.bank.mode.slowMs,
    })
    response.json(context.bank.mode)
  })

  router.get('/settlements', async (request: Request, response: Response) => {
    const day = dayOfQuery(request.query['date'], context.limits)
    if (day === null)
      return sendError(response, 400, 'date_invalid', 'date is required as YYYY-MM-DD')
    const settlement = await ledger.partySettlement(day.startMs, day.endMs, day.date)
    response.json({
      date: settlement.day,
      currency: 'CNY',
      operatingModel: context.limits.operatingModel,
      partyNames: partyNamesJson(context.limits.operatingModel),
      parties: partyFeesJson(settlement.parties),
      merchants: settlement.merchants.map((merchant) => ({
        merchant: merchant.merchantCode,
        payments: merchant.payments,
        gross: formatAmount(merchant.grossMinor),
        fees: formatAmount(merchant.feesMinor),
        refunds: formatAmount(merchant.refundsMinor),
        net: formatAmount(merchant.netMinor),
      })),
    })
  })

  router.get('/outbox', async (request: Request, response: Response) => {
    const kind = request.query['kind'] === 'webhook' ? 'webhook' : 'sms'
    const items = await ledger.dueOutbox(
      kind,
      Number.MAX_SAFE_INTEGER,
      context.operating.transactionsQueryRowsMax,
    )
    response.json({
      outbox: items.map((item) => {
        const payload = decodeJson<{
          msisdn?: string
          language?: 'en' | 'zh'
          message?: Message
          text?: string
          url?: string
          paymentId?: string
        }>(item.payload)
        return {
          id: item.id,
          kind: item.kind,
          attempts: item.attempts,
          createdAt: new Date(item.createdMs).toISOString(),
          to: payload.msisdn ?? payload.url ?? null,
          // A kept reply is stored rendered; a notice is rendered from its message.
          text:
            payload.message === undefined
              ? (payload.text ?? null)
              : renderMessage(payload.message, payload.language ?? 'en'),
          paymentId: payload.paymentId ?? null,
        }
      }),
    })
  })

  return router
}

/**
 * Most payments one filtered search reads a page (newest first): on a gateway with years of
 * history a rare channel or merchant costs one bounded read, and the page says where to go on.
 * At about 200 bytes a row it is 2 MB, read in some milliseconds.
 */
const searchScanRowsMax = 10_000

const channelPattern = /^[a-z][a-z0-9_-]{0,19}$/
const merchantCodePattern = new RegExp(fieldFormats.merchantCode.pattern)
const referenceCharsMax = 64

type SearchFilters = Pick<PaymentSearch, 'states' | 'channel' | 'merchantCode' | 'reference'>

const filterRefusals = {
  status: [
    'status_invalid',
    `status is a state (${paymentStates.join(', ')}) or pending_authorization or processing`,
  ],
  channel: ['channel_invalid', 'channel is a channel name, as sms or ussd'],
  merchant: ['merchant_invalid', `merchant is a merchant code, ${fieldFormats.merchantCode.words}`],
  reference: ['reference_invalid', `reference is 1 to ${referenceCharsMax} characters`],
} as const

/** The states a status filter names: a state, or the merchant API's word for some. */
function statesOfStatus(status: string): readonly PaymentState[] | null {
  const state = paymentStates.find((candidate) => candidate === status)
  if (state !== undefined) return [state]
  const named = paymentStates.filter((candidate) => merchantStatusOf(candidate) === status)
  return named.length === 0 ? null : named
}

/**
 * The search filters of a transactions query; null when it names none (the plain page of
 * history), or the name of the first filter that cannot be read.
 */
function searchFiltersOf(request: Request): SearchFilters | keyof typeof filterRefusals | null {
  const textOf = (name: string): string | null => {
    const value = request.query[name]
    return typeof value === 'string' && value.trim() !== '' ? value.trim() : null
  }
  const status = textOf('status')
  const states = status === null ? null : statesOfStatus(status)
  if (status !== null && states === null) return 'status'
  const channel = textOf('channel')
  if (channel !== null && !channelPattern.test(channel)) return 'channel'
  const merchantCode = textOf('merchant')
  if (merchantCode !== null && !merchantCodePattern.test(merchantCode)) return 'merchant'
  const reference = textOf('reference')
  if (reference !== null && reference.length > referenceCharsMax) return 'reference'
  if (states === null && channel === null && merchantCode === null && reference === null)
    return null
  return { states, channel, merchantCode, reference }
}

/** An amount with its sign: a transfer's legs sum to "0.00". */
/** A payment's channel exchange as the admin API shows it; null when none is kept. */
function exchangeJson(exchange: Exchange | null) {
  if (exchange === null) return null
  return {
    channel: exchange.channel,
    dialog: exchange.dialog,
    msisdn: exchange.msisdn,
    startedAt: new Date(exchange.startedMs).toISOString(),
    earlierSteps: exchange.dropped,
    steps: exchange.steps.map((step) => ({
      at: new Date(step.atMs).toISOString(),
      input: step.input,
      screen: step.screen,
    })),
  }
}

function formatSigned(amountMinor: bigint): string {
  return amountMinor < 0n ? `-${formatAmount(-amountMinor)}` : formatAmount(amountMinor)
}

/** A subscriber and the balance of each account, as the admin API shows it; null: none. */
async function subscriberJson(
  context: GatewayContext,
  msisdn: string,
): Promise<Record<string, unknown> | null> {
  const detail = await context.ledger.subscriber(msisdn)
  if (detail === null) return null
  const accounts = []
  for (const account of detail.accounts) {
    const funding = fundingKinds.find((kind) => kind === account.kind)
    if (funding === undefined) continue
    if (funding === 'bank' && account.card !== null) {
      const bankMinor = await context.bank.balance(account.card.token)
      accounts.push({
        account: funding,
        balance: bankMinor === null ? null : formatAmount(bankMinor),
        bank: account.card.bank,
        last4: account.card.last4,
        drawn: formatAmount(-account.balanceMinor),
        reserved: formatAmount(account.reservedMinor),
      })
      continue
    }
    accounts.push({
      account: funding,
      balance: formatAmount(account.balanceMinor),
      creditLimit:
        account.floorMinor !== null && account.floorMinor < 0n
          ? formatAmount(-account.floorMinor)
          : '0.00',
    })
  }
  const subscriber = detail.subscriber
  const nowMs = context.clock.nowMs()
  const today = dayOf(nowMs, context.limits)
  // The daily limit is the subscriber's, over all their funding accounts (payment-intent.ts).
  const usedTodayMinor = detail.accounts
    .filter((account) => fundingKinds.some((kind) => kind === account.kind))
    .reduce(
      (sum, account) => sum + (account.outgoingDay === today ? account.outgoingMinor : 0n),
      0n,
    )
  const { limits } = context
  const leftTodayMinor = limits.dailyOutgoingMaxMinor - usedTodayMinor
  return {
    msisdn: subscriber.msisdn,
    name: subscriber.name,
    language: subscriber.language,
    locked: subscriber.lockedUntilMs > context.clock.nowMs(),
    lockedUntil:
      subscriber.lockedUntilMs > 0 ? new Date(subscriber.lockedUntilMs).toISOString() : null,
    pendingPaymentId: subscriber.pendingPaymentId,
    accounts,
    limits: {
      date: localDateOf(nowMs, limits),
      dailyMax: formatAmount(limits.dailyOutgoingMaxMinor),
      usedToday: formatAmount(usedTodayMinor),
      leftToday: formatAmount(leftTodayMinor < 0n ? 0n : leftTodayMinor),
      // The micro/macro line: below it the SIM authorizes; the phone bill's most a payment.
      microPaymentMax: formatAmount(limits.phoneBillPaymentMaxMinor),
      walletPaymentMax: formatAmount(limits.walletPaymentMaxMinor),
      walletHeldMax: formatAmount(limits.walletHeldMaxMinor),
      bankPaymentMax: formatAmount(limits.bankPaymentMaxMinor),
      pinAttemptsMax: limits.pinAttemptsMax,
    },
  }
}
