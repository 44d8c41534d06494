/**
 * en.ts - the English catalogue: SMS-sized replies (one 160-character GSM-7 message with typical
 * params), every refusal saying what to do next. Exports en.
 */
import type { Catalogue } from './catalogue.js'

// Texts stay inside the GSM-7 basic set (no curly quotes, no braces besides placeholders) so
// that an English reply is not sent as UCS-2, which would cut it to 70 characters.
// Limits (lock time, PIN length) appear as the defaults of SPEC section 3: most refusals carry no
// params, so a changed limit needs the text changed too. The most one payment may be comes as
// {max} (with its {account}), since the micro-payment line is the operator's to set.
export const en: Catalogue = {
  'account.wallet': 'wallet',
  'account.phone_bill': 'phone bill',
  'account.bank': 'bank card',

  'balance.summary': 'Balance: wallet CNY {wallet}, phone bill CNY {phoneBill}.',
  'balance.summary_with_card':
    'Balance: wallet CNY {wallet}, phone bill CNY {phoneBill}, bank card {card} CNY {bank}.',
  'statement.list': 'Last transactions: {rows}',
  'statement.empty': 'You have no transactions yet.',
  'payment.confirm_pin':
    'Pay CNY {amount} to {payee} from your {account}? Reply YES <PIN> to confirm or NO to cancel.',
  'payment.confirm_sim':
    'Pay CNY {amount} to {payee} from your {account}? Reply YES to confirm or NO to cancel.',
  'payment.completed': 'Paid CNY {amount} to {payee} from your {account}. Ref {ref}.',
  'airtime.confirm_pin':
    'Buy CNY {amount} airtime for {payee} from your {account}? Reply YES <PIN> to confirm or NO to cancel.',
  'airtime.confirm_sim':
    'Buy CNY {amount} airtime for {payee} on your {account}? Reply YES to confirm or NO to cancel.',
  'airtime.completed': 'Bought CNY {amount} airtime for {payee} from your {account}. Ref {ref}.',
  'load.confirm_pin':
    'Load CNY {amount} from your {account} into your wallet? Reply YES <PIN> to confirm or NO to cancel.',
  'load.completed': 'Loaded CNY {amount} from your {account} into your wallet. Ref {ref}.',
  'card_load.confirm_pin':
    'Load CNY {amount} from your {account} onto your SIM card purse? Reply YES <PIN> to confirm or NO to cancel.',
  'card_load.confirm_sim':
    'Load CNY {amount} on your {account} onto your SIM card purse? Reply YES to confirm or NO to cancel.',
  'card_load.sent':
    'CNY {amount} from your {account} is on its way to your SIM card. Ref {ref}. An SMS follows when it is on the card.',
  'card_load.delivered': 'CNY {amount} is on your SIM card. Card balance CNY {balance}.',
  'card_load.refunded':
    'Your SIM card could not be reached: CNY {amount} went back to your {account}. Ref {ref}.',
  'card.funded': 'CNY {amount} was loaded onto the SIM card. Card balance CNY {balance}.',
  'card.balance':
    'SIM card purse: CNY {balance} as last cleared (taps not yet uploaded by the gates are not in it). Last: {rows}',
  'card.balance_loading':
    'SIM card purse: CNY {balance} as last cleared, CNY {loading} on its way to the card. Last: {rows}',
  'card.blacklisted': 'Card {card} on the blacklist: {listed}.',
  'clearing.cleared': '{accepted} purchases cleared (CNY {amount}), {duplicates} already cleared.',
  'send.confirm_pin':
    'Send CNY {amount} to {payee} from your {account}? Reply YES <PIN> to confirm or NO to cancel.',
  'send.completed': 'Sent CNY {amount} to {payee} from your {account}. Ref {ref}.',
  'payment.processing':
    'Paying CNY {amount} to {payee} from your {account}. Waiting for your bank; the result follows by SMS.',
  'payment.cancelled': 'Payment of CNY {amount} to {payee} cancelled. No money was taken.',
  'payment.expired':
    'Payment of CNY {amount} to {payee} was not confirmed in time and expired. No money was taken.',
  'request.prompt':
    '{payee} asks for CNY {amount} from your {account} for {reference}. Reply YES <PIN> to pay or NO to decline.',
  'request.prompt_sim':
    '{payee} asks for CNY {amount} on your {account} for {reference}. Reply YES to pay or NO to decline.',
  'request.accepted': 'Request for CNY {amount} sent. Waiting for the subscriber to confirm.',
  'pin.changed': 'Your PIN has been changed. Never share it with anyone.',
  'language.changed': 'Your language is now English.',
  'pin.verified': 'You are logged in.',
  registered:
    'Welcome {name}! This number is registered for telepay and your PIN is set. Send BAL for your balances, HELP for commands.',
  'order.created':
    'Order {orderNo} for CNY {amount} created. Customers pay it by SMS: ORDER {orderNo}',
  'refund.completed': 'Refund of CNY {amount} from {payee} credited to your {account}. Ref {ref}.',
  'delivery.recorded': 'Delivery of payment {paymentId} recorded.',
  'expiry.swept': '{count} unconfirmed payments expired.',
  'account.funded':
    'CNY {amount} was credited to your {account}. New balance CNY {balance}. Ref {ref}.',
  'subscriber.changed': 'The details of {msisdn} were changed.',
  'subscriber.unlocked': 'The PIN lock of {msisdn} was lifted.',
  'merchant.opened': 'Merchant {code} ({name}) was opened.',
  'merchant.changed': 'Merchant {code} ({name}) was changed.',

  'refusal.idempotency_key_reused':
    'Your request could not be matched to an earlier one. Please send it again.',
  'refusal.amount_invalid': 'Amount not understood. Send digits such as 25 or 25.50.',
  'refusal.amount_too_precise':
    'Amounts have at most 2 decimals, such as 25.50. Please send again.',
  'refusal.amount_not_positive': 'The amount must be more than 0. Please send again.',
  'refusal.msisdn_invalid':
    'That phone number is not valid. Check it and send again, e.g. 8613800138000.',
  'refusal.pin_format_invalid': 'A PIN is 4 to 6 digits. Please send again.',
  'refusal.payer_not_registered':
    'Your number is not registered for telepay payments. Ask your operator or an agent to register it.',
  'refusal.registration_not_offered':
    'This service does not register numbers by SMS. Ask your bank or operator to register you for telepay.',
  'refusal.already_registered': 'This number is already registered. Send BAL to see your balances.',
  'refusal.subscriber_locked':
    'Your account is locked after too many wrong PINs. Please try again in 15 minutes.',
  'refusal.merchant_not_found': 'Merchant not found. Check the merchant code and send again.',
  'refusal.merchant_already_exists': 'A merchant with this code exists already.',
  'refusal.fee_rule_invalid': 'The fee floor is above the fee cap.',
  'refusal.order_already_exists': 'An order with this number exists already.',
  'refusal.customer_reference_required':
    'This biller needs your customer reference from the bill. Please send again with it.',
  'refusal.order_not_found': 'Order not found. Check the order number and send again.',
  'refusal.order_already_paid': 'This order has already been paid. No money was taken.',
  'refusal.payee_not_registered':
    'The recipient number is not registered for telepay. Check the number and send again.',
  'refusal.payee_is_payer': 'You cannot pay yourself this way. Choose another number or account.',
  'refusal.no_pending_payment':
    'You have no payment waiting for confirmation. Please send the payment again.',
  'refusal.payment_expired':
    'The payment expired before it was confirmed. No money was taken. Please send it again.',
  'refusal.payment_not_found': 'Payment not found. Check the payment reference.',
  'refusal.payment_not_refundable': 'This payment cannot be refunded because it was not completed.',
  'refusal.payment_not_completed':
    'This payment is not completed, so no delivery can be reported for it.',
  'refusal.account_not_offered':
    'This service offers no payments with your {account}. Please choose another account, such as your bank card.',
  'refusal.account_not_available':
    'You have no such account. Choose your wallet, phone bill or bank card instead.',
  'refusal.account_not_allowed':
    'That account cannot be used for this payment. Please choose another account.',
  'refusal.merchant_bank_mismatch':
    'Your {bank} card pays only merchants that settle with {bank}, and this one does not. No money was taken.',
  'refusal.pin_required':
    'This payment needs your PIN. Reply YES <PIN> to confirm or NO to cancel.',
  'refusal.pin_incorrect': 'Wrong PIN. Tries left before your account is locked: {triesLeft}.',
  'refusal.pin_attempts_exceeded':
    'Too many wrong PINs. Your account is locked; please try again in {lockMinutes} minutes.',
  'refusal.amount_above_payment_max':
    'The amount is above the limit for one payment from this account. At most CNY {max} from your {account}: pay less or choose another account.',
  'refusal.amount_above_funding_max': 'At most CNY {max} can be credited at once.',
  'refusal.daily_limit_exceeded':
    'This would exceed your daily payment limit. Pay a smaller amount or try again tomorrow.',
  'refusal.insufficient_funds':
    'Not enough money in this account. Top up or choose another account, then try again.',
  'refusal.wallet_cap_exceeded':
    'The wallet would go over its maximum balance. Please use a smaller amount.',
  'refusal.card_cap_exceeded':
    'Your SIM card purse may hold at most CNY {max}. Please load a smaller amount.',
  'refusal.card_blocked': 'This SIM card is blocked. Please call customer service.',
  'refusal.refund_exceeds_payment':
    'The refund is more than what remains of the payment. Refund a smaller amount.',
  'refusal.bank_declined':
    'Your bank declined the payment. No money was taken. Contact your bank or choose another account.',
  'refusal.bank_unavailable':
    'Your bank could not be reached. No money was taken. Try again later or choose another account.',
  'refusal.system_busy': 'The service is busy. Please try again in a few minutes.',
}
