/**
 * pos-counter-api.ts - the simulator's shop counter over HTTP (simulator mode, with the ISO 8583
 * host running): POST /sim/pos/purchases `{ msisdn, amount, account?, pin }`: the phone presented
 * at the counter (terminal POS10012), the amount typed by the shop, the account chosen (wallet,
 * bank or phone_bill; absent: the operating model's default) and the PIN typed on its PIN pad;
 * the counter pays over ISO 8583 (src/bearer/pos-terminal/shop-counter.ts). 200 with the host's
 * answer (`code`, `meaning`, `approved`, `stan`, `reference`, `approvalCode`, `terminal`), also
 * when it declined (the code says why); 400 for a malformed MSISDN, amount, account or PIN,
 * before anything is sent; 503 when the host cannot be reached. The PIN is never logged.
 * GET /sim/pos/counter: the counter's terminal and the accounts it offers.
 * Exports posCounterApi, PosCounterDeps.
 */
import type { Router } from 'express'
import express from 'express'
import type { ShopCounter } from '../bearer/pos-terminal/shop-counter.js'
import { maskMsisdn, normalizeMsisdn, parseAmount } from '../core/index.js'
import { sendBodyInvalid, sendError } from '../gateway/http/json.js'
import {
  digitsOfAccount,
  posAccountDigits,
  posAmountMaxMinor,
} from '../gateway/pos/pos-accounts.js'
import { responseMeaning } from '../gateway/pos/response-meanings.js'
import { panOfMsisdn } from '../gateway/pos/virtual-pan.js'
import type { Logger } from '../service/log.js'
import { pinPattern } from '../service/pin-hasher.js'

export interface PosCounterDeps {
  readonly counter: ShopCounter
  readonly log: Logger
}

export function posCounterApi(deps: PosCounterDeps): Router {
  const router = express.Router()
  // What the handset's Tap app offers at the counter.
  router.get('/sim/pos/counter', (_request, response) => {
    response.json({ terminal: deps.counter.terminalId, accounts: Object.keys(posAccountDigits) })
  })
  router.post('/sim/pos/purchases', express.json({ limit: '4kb' }), async (request, response) => {
    const body = request.body as unknown
    if (typeof body !== 'object' || body === null || Array.isArray(body))
      return sendBodyInvalid(response)
    const fields = body as Record<string, unknown>
    const msisdn = typeof fields['msisdn'] === 'string' ? normalizeMsisdn(fields['msisdn']) : null
    if (msisdn === null)
      return sendError(response, 400, 'msisdn_invalid', 'the MSISDN is a mobile number in E.164')
    const amount = parseAmount(typeof fields['amount'] === 'string' ? fields['amount'] : '')
    if (!amount.ok || amount.minor <= 0n || amount.minor > posAmountMaxMinor)
      return sendError(response, 400, 'amount_invalid', 'amount is a positive amount like "12.50"')
    const account = fields['account'] ?? null
    const digits = account === null ? '00' : digitsOfAccount(String(account))
    if (digits === null)
      return sendError(response, 400, 'account_invalid', 'account is wallet, bank or phone_bill')
    const pin = fields['pin']
    if (typeof pin !== 'string' || !pinPattern.test(pin))
      return sendError(response, 400, 'pin_invalid', 'pin is 4 to 6 digits, typed on the PIN pad')
    try {
      const answer = await deps.counter.purchase({
        pan: panOfMsisdn(msisdn),
        amountMinor: amount.minor,
        processing: `00${digits}00`,
        pin,
      })
      deps.log.info('pos counter: purchase', {
        terminal: answer.terminalId,
        msisdn: maskMsisdn(msisdn),
        stan: answer.stan,
        code: answer.code,
      })
      response.json({
        terminal: answer.terminalId,
        stan: answer.stan,
        code: answer.code,
        meaning: responseMeaning(answer.code),
        approved: answer.code === '00' && answer.macValid,
        reference: answer.reference,
        approvalCode: answer.approvalCode,
        sent: answer.sent,
      })
    } catch (error) {
      deps.log.warn('pos counter: no answer from the host', { error: String(error) })
      sendError(response, 503, 'pos_host_unavailable', 'the ISO 8583 host did not answer')
    }
  })

  return router
}
