/**
 * en.ts - the SMS channel's English texts: short help, usage hints, the unknown-word answer, the
 * reference line and the lost-parts request. Exports smsEn.
 */
import type { SmsCatalogue } from './catalogue.js'

// Texts stay inside the GSM 03.38 basic set, so a reply goes out as GSM-7 (160 characters)
// rather than UCS-2 (70): no curly quotes, and no [ ] | { } ~ which take two septets each.
// "unknown" plus "help" fit one SMS together. The aliases ORDER, BILL, LOAD, HIST and PIN have
// Chinese forms too (订单, 缴费, 圈存, 记录/明细, 改密码/密码); zh.ts names them.
export const smsEn: SmsCatalogue = {
  help:
    'BAL, HIST, PAY merchant amt, ORDER no, BILL biller ref amt, TOPUP amt (no.), LOAD amt, ' +
    'SEND no. amt, PIN old new, REG name PIN. W/P/B: account.',
  unknown: 'Unknown command.',
  usage: {
    bal: 'Send BAL to see your balances.',
    pay: 'Send PAY <merchant> <amount>, e.g. PAY 1001 25. Add W, P or B to pay by wallet, phone bill or bank card.',
    order:
      'Send ORDER <order number>, e.g. ORDER 880001. Add W, P or B to pay by wallet, phone bill or bank card.',
    bill: 'Send BILL <biller> <customer ref> <amount>, e.g. BILL 2001 8812345 30. Add W, P or B to choose the account.',
    topup:
      'Send TOPUP <amount> for your phone or TOPUP <amount> <number> for another, e.g. TOPUP 20 8613800138001. ' +
      'Add W, P or B for the account.',
    load:
      'Send LOAD <amount> to move money from your bank card to your wallet, e.g. LOAD 100. ' +
      'LOAD CARD <amount> loads your SIM card.',
    loadcard:
      'Send LOAD CARD <amount> to load your SIM card purse from your wallet, e.g. LOAD CARD 50. ' +
      'Add P or B for phone bill or bank card.',
    card: 'Send CARD to see your SIM card purse and its last purchases.',
    send: 'Send SEND <number> <amount> to send money from your wallet, e.g. SEND 8613800138001 10.',
    yes: 'Reply YES <PIN> to confirm the payment waiting for you, or YES alone for a phone bill payment.',
    no: 'Reply NO to cancel the payment waiting for your confirmation.',
    hist: 'Send HIST to see your last 5 transactions.',
    pin: 'Send PIN <old PIN> <new PIN> to change your PIN. A PIN is 4 to 6 digits.',
    reg: 'Send REG <your name> <PIN> to register this number, e.g. REG Wang Fang 2468. A PIN is 4 to 6 digits.',
    help: 'Send HELP for all commands, or HELP PAY for one of them.',
  },
  reference: 'Ref {ref}.',
  partsLost: 'Part of your message was lost. Please send it again.',
}
