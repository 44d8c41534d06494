/**
 * admin-world.ts - the admin API calls that change the world: a subscriber's details, PIN, credit
 * and card, and the lifting of a PIN lock; top-ups; merchants and billers; orders. Each is one
 * core command through the payment service (so an Idempotency-Key makes a retry safe and every
 * change is in the command log), and money only ever enters as a transfer from the platform's
 * funding account. Exports worldRoutes.
 */
import { randomBytes } from 'node:crypto'
import type { Request, Response, Router } from 'express'
import express from 'express'
import type { Command, CommandResult, Merchant } from '../core/index.js'
import { formatAmount, normalizeMsisdn } from '../core/index.js'
import { sendError } from '../gateway/http/json.js'
import { httpStatusOf } from '../gateway/http/status.js'
import { renderMessage } from '../gateway/reply/index.js'
import { sha256Hex } from '../ledger/sqlite-ledger.js'
import { fieldFormats } from '../world/field-formats.js'
import { cardTokenOf } from '../world/world.js'
import type { Body } from './admin-fields.js'
import {
  amountField,
  basisPointsField,
  bodyOf,
  FieldError,
  formatField,
  languageField,
  textField,
  withFields,
} from './admin-fields.js'
import type { GatewayContext } from './context.js'

/** The longest names the operator gives, as a world file takes them. */
export const subscriberNameCharsMax = 40
const merchantNameCharsMax = 60
const orderReferenceCharsMax = 64
const orderDescriptionCharsMax = 140

export function worldRoutes(
  context: GatewayContext,
  subscriberJson: (msisdn: string) => Promise<Record<string, unknown> | null>,
): Router {
  const router = express.Router()

  /** Runs an operator command; answers the refusal and returns null when refused. */
  const run = async (
    request: Request,
    response: Response,
    command: Command,
    secrets: { newPin?: string } = {},
  ): Promise<CommandResult | null> => {
    const key = request.header('idempotency-key')
    const result = await context.service.execute({
      key: key === undefined ? null : `admin:${key}`,
      channel: 'admin',
      command,
      ...(secrets.newPin === undefined ? {} : { newPin: secrets.newPin }),
    })
    if (result.ok) return result
    const reason = result.reason ?? 'system_busy'
    sendError(response, httpStatusOf(reason), reason, renderMessage(result.message, 'en'))
    return null
  }

  const msisdnOf = (request: Request): string => {
    const msisdn = normalizeMsisdn(String(request.params['msisdn']))
    if (msisdn === null) throw new FieldError('msisdn_invalid', 'not an MSISDN')
    return msisdn
  }

  router.patch(
    '/subscribers/:msisdn',
    withFields(async (request, response) => {
      const msisdn = msisdnOf(request)
      const body = bodyOf(request)
      const name = textField(body, 'name', subscriberNameCharsMax)
      const language = languageField(body)
      const pin = formatField(body, 'pin', fieldFormats.pin)
      const creditLimitMinor = amountField(body, 'creditLimit')
      const command: Command = {
        kind: 'change_subscriber',
        msisdn,
        ...(name === undefined ? {} : { name }),
        ...(language === undefined ? {} : { language }),
        ...(creditLimitMinor === undefined ? {} : { creditLimitMinor }),
      }
      if (
        (await run(request, response, command, pin === undefined ? {} : { newPin: pin })) === null
      )
        return
      response.json(await subscriberJson(msisdn))
    }),
  )

  // A card is opened at the bank with its balance and linked to the subscriber's bank account.
  router.put(
    '/subscribers/:msisdn/card',
    withFields(async (request, response) => {
      const msisdn = msisdnOf(request)
      const body = bodyOf(request)
      const bank = formatField(body, 'bank', fieldFormats.bank, true) ?? ''
      const last4 = formatField(body, 'last4', fieldFormats.last4, true) ?? ''
      const bankBalanceMinor = amountField(body, 'bankBalance') ?? 0n
      const token = cardTokenOf(msisdn, bank, last4)
      const command: Command = { kind: 'change_subscriber', msisdn, card: { bank, last4, token } }
      if ((await run(request, response, command)) === null) return
      context.bank.openCard({ token, bank, last4, balanceMinor: bankBalanceMinor })
      response.json(await subscriberJson(msisdn))
    }),
  )

  // An unlock keeps the PIN (a PATCH with a new pin is the reset); no body to read.
  router.post(
    '/subscribers/:msisdn/unlock',
    withFields(async (request, response) => {
      const msisdn = msisdnOf(request)
      if ((await run(request, response, { kind: 'unlock_subscriber', msisdn })) === null) return
      response.json(await subscriberJson(msisdn))
    }),
  )

  router.post(
    '/subscribers/:msisdn/top-ups',
    withFields(async (request, response) => {
      const msisdn = msisdnOf(request)
      const body = bodyOf(request)
      const account = body['account'] ?? 'wallet'
      if (account !== 'wallet' && account !== 'phone_bill')
        throw new FieldError('account_invalid', 'account is "wallet" or "phone_bill"')
      const amountMinor = amountField(body, 'amount', true) ?? 0n
      const command: Command = { kind: 'fund_account', msisdn, funding: account, amountMinor }
      const result = await run(request, response, command)
      if (result === null) return
      const funded = result.data?.kind === 'funded' ? result.data : null
      response.status(201).json({
        msisdn,
        account,
        amount: formatAmount(amountMinor),
        balance: funded === null ? null : formatAmount(funded.balanceMinor),
        reference: result.reference,
      })
    }),
  )

  router.get('/merchants', async (_request: Request, response: Response) => {
    const merchants = await context.ledger.merchants()
    response.json({
      merchants: merchants.map(({ merchant, balanceMinor }) =>
        merchantJson(merchant, balanceMinor),
      ),
    })
  })

  router.get('/merchants/:code', async (request: Request, response: Response) => {
    const code = String(request.params['code'])
    const found = (await context.ledger.merchants(code))[0]
    if (found === undefined)
      return sendError(response, 404, 'merchant_not_found', `no merchant ${code}`)
    response.json(merchantJson(found.merchant, found.balanceMinor))
  })

  // The API key is shown once, in this answer: telepay keeps only its hash.
  router.post(
    '/merchants',
    withFields(async (request, response) => {
      const body = bodyOf(request)
      const code = formatField(body, 'code', fieldFormats.merchantCode, true) ?? ''
      const name = textField(body, 'name', merchantNameCharsMax, true)
      const category = body['category'] ?? 'merchant'
      if (category !== 'merchant' && category !== 'biller')
        throw new FieldError('category_invalid', 'category is "merchant" or "biller"')
      const settlementBank = formatField(body, 'settlementBank', fieldFormats.bank) ?? null
      const feeBasisPoints = basisPointsField(body, 'feeBasisPoints') ?? null
      const apiKey = formatField(body, 'apiKey', fieldFormats.apiKey) ?? newSecret('tp_key_')
      const webhookSecret = secretField(body) ?? newSecret('tp_whsec_')
      if ((await context.ledger.merchantByApiKey(apiKey)) !== null)
        return sendError(response, 409, 'api_key_in_use', 'another merchant has this API key')
      const command: Command = {
        kind: 'open_merchant',
        code,
        name,
        category,
        settlementBank,
        feeBasisPoints,
        ...feeTermsField(body),
        apiKeySha256: sha256Hex(apiKey),
        webhookSecret,
      }
      if ((await run(request, response, command)) === null) return
      const merchant = (await context.ledger.merchantAuth(code))?.merchant
      if (merchant === undefined) throw new Error(`merchant ${code} was opened but is not found`)
      response.status(201).json({ ...merchantJson(merchant, 0n), apiKey, webhookSecret })
    }),
  )

  router.patch(
    '/merchants/:code',
    withFields(async (request, response) => {
      const code = String(request.params['code'])
      const body = bodyOf(request)
      const name = textField(body, 'name', merchantNameCharsMax)
      const settlementBank =
        body['settlementBank'] === null
          ? null
          : formatField(body, 'settlementBank', {
              ...fieldFormats.bank,
              words: `${fieldFormats.bank.words}, or null`,
            })
      const feeBasisPoints = basisPointsField(body, 'feeBasisPoints')
      const rotate = body['rotateApiKey'] === true
      const apiKey = rotate ? newSecret('tp_key_') : undefined
      const webhookSecret = secretField(body)
      const command: Command = {
        kind: 'change_merchant',
        code,
        ...(name === undefined ? {} : { name }),
        ...(settlementBank === undefined ? {} : { settlementBank }),
        ...(feeBasisPoints === undefined ? {} : { feeBasisPoints }),
        ...feeTermsField(body),
        ...(apiKey === undefined ? {} : { apiKeySha256: sha256Hex(apiKey) }),
        ...(webhookSecret === undefined ? {} : { webhookSecret }),
      }
      if ((await run(request, response, command)) === null) return
      const found = (await context.ledger.merchants(code))[0]
      if (found === undefined) throw new Error(`merchant ${code} was changed but is not found`)
      response.json({
        ...merchantJson(found.merchant, found.balanceMinor),
        ...(apiKey === undefined ? {} : { apiKey }),
        ...(webhookSecret === undefined ? {} : { webhookSecret }),
      })
    }),
  )

  router.post(
    '/orders',
    withFields(async (request, response) => {
      const body = bodyOf(request)
      const merchantCode = formatField(body, 'merchantCode', fieldFormats.merchantCode, true) ?? ''
      const amountMinor = amountField(body, 'amount', true) ?? 0n
      const orderNo = formatField(body, 'orderNo', fieldFormats.orderNo)
      const reference =
        textField(body, 'reference', orderReferenceCharsMax) ?? `order-${context.clock.nowMs()}`
      const description = textField(body, 'description', orderDescriptionCharsMax) ?? ''
      const command: Command = {
        kind: 'create_order',
        merchantCode,
        amountMinor,
        reference,
        description,
        ...(orderNo === undefined ? {} : { orderNo }),
      }
      const result = await run(request, response, command)
      if (result === null) return
      const order = result.data?.kind === 'order' ? result.data.order : null
      if (order === null) throw new Error('create_order answered without its order')
      response.status(201).json({
        orderNo: order.orderNo,
        merchantCode: order.merchantCode,
        amount: formatAmount(order.amountMinor),
        reference: order.reference,
        description: order.description,
      })
    }),
  )

  return router
}

function secretField(body: Body): string | undefined {
  const value = body['webhookSecret']
  if (value === undefined) return undefined
  if (typeof value !== 'string' || value.length < 16 || value.length > 128)
    throw new FieldError('webhookSecret_invalid', 'webhookSecret is 16 to 128 characters')
  return value
}

/** A random key or secret: 192 bits, URL-safe. */
function newSecret(prefix: string): string {
  return `${prefix}${randomBytes(24).toString('base64url')}`
}

function merchantJson(merchant: Merchant, balanceMinor: bigint): Record<string, unknown> {
  return {
    code: merchant.code,
    name: merchant.name,
    category: merchant.category,
    settlementBank: merchant.settlementBank,
    // null: the platform's rate (limits.merchantFeeBasisPoints).
    feeBasisPoints: merchant.feeBasisPoints === null ? null : Number(merchant.feeBasisPoints),
    feeFixed: formatAmount(merchant.feeFixedMinor),
    feeMin: formatAmount(merchant.feeMinMinor),
    feeMax: merchant.feeMaxMinor === null ? null : formatAmount(merchant.feeMaxMinor),
    balance: formatAmount(balanceMinor),
  }
}

/**
 * The fee rule's amounts a body gives (feeFixed, feeMin, feeMax as "0.10"; feeMax null for no
 * cap); those it leaves out are left as they are, or none on a new merchant.
 */
function feeTermsField(body: Body): {
  feeFixedMinor?: bigint
  feeMinMinor?: bigint
  feeMaxMinor?: bigint | null
} {
  const feeFixedMinor = amountField(body, 'feeFixed')
  const feeMinMinor = amountField(body, 'feeMin')
  const feeMaxMinor = body['feeMax'] === null ? null : amountField(body, 'feeMax')
  return {
    ...(feeFixedMinor === undefined ? {} : { feeFixedMinor }),
    ...(feeMinMinor === undefined ? {} : { feeMinMinor }),
    ...(feeMaxMinor === undefined ? {} : { feeMaxMinor }),
  }
}
