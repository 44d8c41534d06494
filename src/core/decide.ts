/**
 * decide.ts - the core's one entry: decide(envelope, view, limits) -> Decision. Pure: it reads
 * through the view, reads no clock (the envelope carries the time) and performs no I/O; the
 * store applies the writes it returns in the same transaction.
 */

import { assertNever } from './assert.js'
import type { Envelope } from './commands.js'
import { isUnlogged } from './commands.js'
import {
  decideBalance,
  decideChangePin,
  decideRegister,
  decideSetLanguage,
  decideStatement,
  decideVerifyPin,
} from './decide-account.js'
import { decideBankOutcome, decideCancel, decideConfirm, decideExpireDue } from './decide-flow.js'
import {
  decideCreateOrder,
  decideDelivery,
  decideRefund,
  decideRequestPayment,
} from './decide-merchant.js'
import {
  decideChangeMerchant,
  decideChangeSubscriber,
  decideFundAccount,
  decideOpenMerchant,
  decideUnlockSubscriber,
} from './decide-operator.js'
import type { Outcome } from './decide-payment.js'
import { decidePaymentCommand } from './decide-payment.js'
import {
  decideBlacklistCard,
  decideCardBalance,
  decideCardLoadOutcome,
  decideClearPurchases,
  decideFundCard,
} from './decide-purse.js'
import type { Limits } from './limits.js'
import { refused } from './results.js'
import type { Decision, LedgerView } from './view.js'

export function decide(env: Envelope, view: LedgerView, limits: Limits): Decision {
  const logged = isUnlogged(env.command) ? null : view.commandLog(env.key)
  if (logged !== null) {
    // The same key again: the same command gets its first answer and moves nothing; another
    // command under a used key is refused (TigerBeetle's exists_with_different_*).
    if (logged.commandHash === env.commandHash) return { result: logged.result, writes: [] }
    return { result: refused('idempotency_key_reused', logged.result.language), writes: [] }
  }
  const outcome = decideCommand(env, view, limits)
  if (isUnlogged(env.command)) return outcome
  return {
    result: outcome.result,
    writes: [
      ...outcome.writes,
      { kind: 'log', key: env.key, commandHash: env.commandHash, result: outcome.result },
    ],
  }
}

function decideCommand(env: Envelope, view: LedgerView, limits: Limits): Outcome {
  const command = env.command
  switch (command.kind) {
    case 'balance':
      return decideBalance(env, command.msisdn, view)
    case 'statement':
      return decideStatement(env, command.msisdn, view, limits)
    case 'card_balance':
      return decideCardBalance(env, command.msisdn, view, limits)
    case 'pay_merchant':
    case 'pay_order':
    case 'pay_bill':
    case 'top_up_airtime':
    case 'load_wallet':
    case 'load_card':
    case 'send_money':
      return decidePaymentCommand(env, command, view, limits)
    case 'confirm':
      return decideConfirm(env, command.msisdn, command.paymentId, view, limits)
    case 'cancel':
      return decideCancel(env, command.msisdn, command.paymentId, view)
    case 'change_pin':
      return decideChangePin(env, command.msisdn, view, limits)
    case 'verify_pin':
      return decideVerifyPin(env, command.msisdn, view, limits)
    case 'set_language':
      return decideSetLanguage(env, command.msisdn, command.language, view)
    case 'register':
      return decideRegister(env, command, view, limits)
    case 'request_payment':
      return decideRequestPayment(env, command, view, limits)
    case 'create_order':
      return decideCreateOrder(env, command, view)
    case 'refund':
      return decideRefund(env, command, view)
    case 'report_delivery':
      return decideDelivery(env, command, view)
    case 'fund_account':
      return decideFundAccount(env, command, view, limits)
    case 'change_subscriber':
      return decideChangeSubscriber(env, command, view)
    case 'unlock_subscriber':
      return decideUnlockSubscriber(env, command, view)
    case 'open_merchant':
      return decideOpenMerchant(env, command, view)
    case 'change_merchant':
      return decideChangeMerchant(env, command, view)
    case 'bank_outcome':
      return decideBankOutcome(env, command.paymentId, command.outcome, view, limits)
    case 'expire_due':
      return decideExpireDue(env, view, limits)
    case 'card_load_outcome':
      return decideCardLoadOutcome(env, command, view)
    case 'fund_card':
      return decideFundCard(env, command, view)
    case 'blacklist_card':
      return decideBlacklistCard(command, view)
    case 'clear_purchases':
      return decideClearPurchases(env, command, view, limits)
    default:
      return assertNever(command)
  }
}
