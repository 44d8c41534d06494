/**
 * onsite-sim-api.ts - the simulator's RFID-SIMs and terminals over HTTP (simulator mode only):
 *
 * - GET /sim/cards/:msisdn: a subscriber's card as the SIM holds it (card number, purse balance,
 *   serials, the transit record, the log).
 * - POST /sim/cards/:msisdn/apdu `{ apdu: "00A40400…" }`: one command APDU to the card, as a reader
 *   in the phone's field sends it; `{ response: "…9000" }`.
 * - GET /sim/terminals: the terminals the simulator hosts.
 * - POST /sim/terminals/:name/taps `{ msisdn, amount?, tear? }`: the subscriber's phone tapped on
 *   a terminal (a till takes the amount typed): 200 with the receipt, or 422 with the reason the
 *   terminal refused (nothing charged); `tear` ("before_debit" or "after_debit") pulls the phone
 *   away at DEBIT FOR PURCHASE: 503 tap_torn, and the next tap recovers or repeats it.
 *
 * - POST /sim/cards/:msisdn/loads `{ amount }`: cash paid at a ticket office loads the card (an
 *   online load run by the platform as load host, then the float credited): 201 with the card's
 *   balance and the load's TAC.
 * - PUT /sim/cards/:msisdn/ota `{ fault: "off" | "lose_credit_answer" | null }`: a fault on the
 *   SIM's over-the-air side (a phone out of reach; a load's last answer lost once), for testing.
 * - POST /sim/terminals/:name/uploads `{ again?, forge? }`: the terminal goes online, uploads its
 *   records to clearing and takes the blacklist: 200 with the platform's answer. `again` sends the
 *   last batch once more; `forge` raises each amount by a fen, keeping the TACs (for testing).
 *
 * Cards exist for subscribers only (404 `subscriber_not_found`); a malformed MSISDN, APDU or
 * amount is 400 with a reason, before anything is sent to a card. Exports onsiteSimApi,
 * OnsiteSimDeps.
 */
import type { Request, Response, Router } from 'express'
import express from 'express'
import type { SimCards } from '../bearer/rfid-sim/sim-cards.js'
import { cardNumberOf } from '../bearer/rfid-sim/sim-cards.js'
import type { SimToolkit } from '../bearer/rfid-sim/sim-toolkit.js'
import type { HostedTerminals } from '../bearer/rfid-sim/terminal/hosted-terminals.js'
import type { TapRefusal } from '../bearer/rfid-sim/terminal/offline-terminal.js'
import { decodeTransitRecord } from '../bearer/rfid-sim/terminal/transit-record.js'
import type { Limits, Purse } from '../core/index.js'
import {
  emptyPurse,
  formatAmount,
  maskMsisdn,
  normalizeMsisdn,
  parseAmount,
  purseRefusal,
} from '../core/index.js'
import { clearingLimits } from '../gateway/clearing/clearing-service.js'
import { sendBodyInvalid, sendError } from '../gateway/http/json.js'
import { loadCard } from '../gateway/onsite/card-loader.js'
import { amountMaxFen, purseTimeOf, transactionTypes } from '../gateway/pboc/fields.js'
import type { KeyStore } from '../gateway/pboc/key-store.js'
import { renderMessage } from '../gateway/reply/index.js'
import type { Clock } from '../service/clock.js'
import type { Logger } from '../service/log.js'
import type { PaymentService } from '../service/payment-service.js'

export interface OnsiteSimDeps {
  readonly cards: SimCards
  /** The SIMs' OTA side, whose faults a tester sets. */
  readonly toolkit: SimToolkit
  readonly terminals: HostedTerminals
  /** Whether the MSISDN is a subscriber's (cards are issued to subscribers only). */
  isSubscriber(msisdn: string): Promise<boolean>
  readonly clock: Clock
  readonly log: Logger
  /** The gateway's own URL: the simulated terminals upload to its clearing over HTTP. */
  gatewayUrl(): string
  /** The platform's key store: the ticket office loads cards as the platform's load host. */
  readonly keys: KeyStore
  readonly service: PaymentService
  readonly limits: Limits
  /** The purse the platform keeps for a card (null: never loaded), checked before a load. */
  purse(cardNumber: string): Promise<Purse | null>
}

/** Words for a terminal's refusal, as its screen would show them. */
const refusalWords: Readonly<Record<TapRefusal, string>> = {
  not_a_purse: 'The card has no telepay purse.',
  card_expired: 'The card has expired.',
  blacklisted: 'The card is on the blacklist.',
  card_blocked: 'The card is blocked.',
  insufficient_balance: 'The purse does not hold the fare.',
  card_error: 'The card answered what the terminal did not expect. Tap again.',
  mac2_invalid: "The card's answer does not verify: not a card of this network.",
}

const typeNames: Readonly<Record<number, string>> = {
  [transactionTypes.purchase]: 'purchase',
  [transactionTypes.composite]: 'transit',
  [transactionTypes.load]: 'load',
}

const fen = (value: number): string => formatAmount(BigInt(value))

export function onsiteSimApi(deps: OnsiteSimDeps): Router {
  const router = express.Router()

  /** The subscriber of an MSISDN as given, or null after answering why not. */
  const subscriberOf = async (given: unknown, response: Response): Promise<string | null> => {
    const msisdn = typeof given === 'string' ? normalizeMsisdn(given) : null
    if (msisdn === null) {
      sendError(response, 400, 'msisdn_invalid', 'the MSISDN is a mobile number in E.164')
      return null
    }
    if (!(await deps.isSubscriber(msisdn))) {
      sendError(response, 404, 'subscriber_not_found', 'cards are issued to subscribers only')
      return null
    }
    return msisdn
  }

  router.get('/sim/cards/:msisdn', async (request: Request, response: Response) => {
    const msisdn = await subscriberOf(request.params['msisdn'], response)
    if (msisdn === null) return
    const state = deps.cards.stateOf(msisdn)
    const transit =
      state.transit === null ? null : decodeTransitRecord(Buffer.from(state.transit, 'hex'))
    response.json({
      msisdn,
      cardNumber: cardNumberOf(msisdn),
      balance: fen(state.balanceFen),
      offlineSerial: state.offlineSerial,
      onlineSerial: state.onlineSerial,
      blocked: state.blocked,
      transit,
      log: state.log.map((record) => ({
        serial: record.serial,
        kind: typeNames[record.type] ?? `type_${record.type}`,
        amount: fen(record.amountFen),
        terminalId: record.terminalId,
        date: record.date,
        time: record.time,
      })),
    })
  })

  router.post('/sim/cards/:msisdn/apdu', async (request: Request, response: Response) => {
    const body = request.body as unknown
    if (typeof body !== 'object' || body === null) return sendBodyInvalid(response)
    const hex = (body as Record<string, unknown>)['apdu']
    if (typeof hex !== 'string' || !/^(?:[0-9a-fA-F]{2}){4,261}$/.test(hex.replaceAll(' ', '')))
      return sendError(response, 400, 'apdu_invalid', 'apdu is 4 to 261 bytes of hex')
    const msisdn = await subscriberOf(request.params['msisdn'], response)
    if (msisdn === null) return
    const answer = deps.cards.cardOf(msisdn).transmit(Buffer.from(hex.replaceAll(' ', ''), 'hex'))
    response.json({ response: answer.toString('hex').toUpperCase() })
  })

  router.post('/sim/cards/:msisdn/loads', async (request: Request, response: Response) => {
    const body = request.body as unknown
    if (typeof body !== 'object' || body === null) return sendBodyInvalid(response)
    const given = (body as Record<string, unknown>)['amount']
    const parsed = typeof given === 'string' ? parseAmount(given) : null
    if (parsed === null || !parsed.ok || parsed.minor <= 0n || parsed.minor > BigInt(amountMaxFen))
      return sendError(response, 400, 'amount_invalid', 'amount is a positive amount like "50.00"')
    const msisdn = await subscriberOf(request.params['msisdn'], response)
    if (msisdn === null) return
    const cardNumber = cardNumberOf(msisdn)
    // The office checks the platform's rules before it touches the card: once the card holds the
    // value, the float must take it.
    const known = (await deps.purse(cardNumber)) ?? emptyPurse(msisdn)
    const refusal = purseRefusal(known, parsed.minor, deps.limits)
    if (refusal !== null) {
      const words = renderMessage(
        { key: `refusal.${refusal.reason}`, params: refusal.params ?? {} },
        'en',
      )
      return sendError(response, 422, refusal.reason, words)
    }
    const nowMs = deps.clock.nowMs()
    const card = deps.cards.cardOf(msisdn)
    const link = { transmit: (apdu: Buffer) => Promise.resolve(card.transmit(apdu)) }
    const loaded = await loadCard(
      link,
      deps.keys,
      cardNumber,
      Number(parsed.minor),
      purseTimeOf(nowMs, deps.limits.dayOffsetMs),
    )
    if (!loaded.ok) return sendError(response, 422, 'card_refused_load', loaded.reason)
    // The card holds the value now: the float must hold it too, whatever the ledger's own view
    // of the purse (the card is the authority on what it holds).
    const result = await deps.service.execute({
      key: `${cardNumber}:${loaded.onlineSerial}`,
      channel: 'ticket_office',
      command: {
        kind: 'fund_card',
        msisdn,
        amountMinor: parsed.minor,
        detail: `TAC ${loaded.tac}`,
      },
    })
    if (!result.ok) {
      // The same load's key: a retry of this call (or the operator) posts it once.
      deps.log.error('card loaded but the float did not take it yet', {
        msisdn: maskMsisdn(msisdn),
        reason: result.reason,
        key: `${cardNumber}:${loaded.onlineSerial}`,
      })
      return sendError(
        response,
        503,
        result.reason ?? 'system_busy',
        'the card holds the value; the ledger did not take it yet',
      )
    }
    response.status(201).json({
      cardNumber,
      amount: formatAmount(parsed.minor),
      balance: fen(loaded.balanceFen),
      tac: loaded.tac,
      reference: result.reference,
    })
  })

  router.put('/sim/cards/:msisdn/ota', async (request: Request, response: Response) => {
    const body = request.body as unknown
    if (typeof body !== 'object' || body === null) return sendBodyInvalid(response)
    const fault = (body as Record<string, unknown>)['fault']
    if (fault !== null && fault !== 'off' && fault !== 'lose_credit_answer')
      return sendError(
        response,
        400,
        'fault_invalid',
        'fault is "off", "lose_credit_answer" or null',
      )
    const msisdn = await subscriberOf(request.params['msisdn'], response)
    if (msisdn === null) return
    deps.toolkit.setFault(msisdn, fault)
    response.json({ msisdn, fault })
  })

  router.post('/sim/terminals/:name/uploads', async (request: Request, response: Response) => {
    const name = String(request.params['name'])
    const body = (request.body ?? {}) as Record<string, unknown>
    const synced = await deps.terminals.sync(
      name,
      deps.gatewayUrl(),
      clearingLimits.recordsPerUploadMax,
      { again: body['again'] === true, forge: body['forge'] === true },
    )
    if (synced === null)
      return sendError(response, 404, 'terminal_not_found', `no terminal ${name}`)
    response.status(synced.status === 200 || synced.status === 204 ? 200 : 502).json({
      terminal: name,
      uploaded: synced.uploaded,
      blacklisted: synced.blacklisted,
      clearing: synced.answer,
    })
  })

  router.get('/sim/terminals', (_request: Request, response: Response) => {
    response.json({
      terminals: deps.terminals.specs().map((spec) => ({
        name: spec.name,
        terminalId: spec.terminalId,
        merchant: spec.merchantCode,
        fare: spec.fare,
      })),
    })
  })

  router.post('/sim/terminals/:name/taps', async (request: Request, response: Response) => {
    const name = String(request.params['name'])
    const spec = deps.terminals.specOf(name)
    if (spec === null) return sendError(response, 404, 'terminal_not_found', `no terminal ${name}`)
    const body = request.body as unknown
    if (typeof body !== 'object' || body === null) return sendBodyInvalid(response)
    const fields = body as Record<string, unknown>
    let typedFen: number | null = null
    if (fields['amount'] !== undefined) {
      const parsed = typeof fields['amount'] === 'string' ? parseAmount(fields['amount']) : null
      if (
        parsed === null ||
        !parsed.ok ||
        parsed.minor <= 0n ||
        parsed.minor > BigInt(amountMaxFen)
      )
        return sendError(
          response,
          400,
          'amount_invalid',
          'amount is a positive amount like "12.50"',
        )
      typedFen = Number(parsed.minor)
    }
    if (spec.fare.kind === 'till' && typedFen === null)
      return sendError(response, 400, 'amount_required', 'a till takes the amount, e.g. "12.50"')
    const msisdn = await subscriberOf(fields['msisdn'], response)
    if (msisdn === null) return
    const tear = fields['tear']
    if (tear !== undefined && tear !== 'before_debit' && tear !== 'after_debit')
      return sendError(response, 400, 'tear_invalid', 'tear is "before_debit" or "after_debit"')
    const card = deps.cards.cardOf(msisdn)
    const link = {
      transmit: (apdu: Buffer): Promise<Buffer> => {
        // The phone leaves the field at DEBIT FOR PURCHASE: before the card runs it, or after,
        // its answer lost (what GET TRANSACTION PROVE recovers at the next tap).
        if (tear === undefined || apdu[0] !== 0x80 || apdu[1] !== 0x54)
          return Promise.resolve(card.transmit(apdu))
        if (tear === 'after_debit') card.transmit(apdu)
        return Promise.reject(new Error('the card left the field'))
      },
    }
    const result = await deps.terminals.tap(name, link, deps.clock.nowMs(), typedFen)
    if (result === null)
      return sendError(response, 404, 'terminal_not_found', `no terminal ${name}`)
    if (result.kind === 'refused') {
      deps.log.info('tap refused', {
        terminal: name,
        msisdn: maskMsisdn(msisdn),
        why: result.reason,
      })
      return sendError(response, 422, result.reason, refusalWords[result.reason])
    }
    if (result.kind === 'torn')
      return sendError(response, 503, 'tap_torn', 'the card left the field; tap again')
    const { record } = result
    deps.log.info('tap paid', {
      terminal: name,
      msisdn: maskMsisdn(msisdn),
      amountFen: record.amountFen,
      recovered: result.recovered,
    })
    response.json({
      result: 'paid',
      recovered: result.recovered,
      receipt: {
        terminal: name,
        cardNumber: record.cardNumber,
        kind: typeNames[record.type] ?? `type_${record.type}`,
        amount: fen(record.amountFen),
        balanceAfter: fen(record.balanceAfterFen),
        terminalSerial: record.terminalSerial,
        cardSerial: record.cardSerial,
        tac: record.tac.toUpperCase(),
        date: record.date,
        time: record.time,
      },
    })
  })

  return router
}
