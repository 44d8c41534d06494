/**
 * trails.ts - realistic answers of the trail endpoints (`GET /admin/api/payments/:id/trail`), as
 * the gateway gives them, for the tests of what reads them (`telepay trail`, `expect_trail`): a
 * wallet payment by SMS, a card payment with the bank's steps, a phone-bill micro-payment that
 * skips the authentication and authorization, a declined, a failed and an expired payment, a
 * refund the next day and a delivery. Steps are listed in the order they were recorded, which is
 * not their number (the bank is asked once the user has authorized). Exports t0Ms, trailJson,
 * walletBySms, cardWithBank, phoneBillMicro, declinedByBank, bankTimeout, expiredByUssd,
 * refundedNextDay and deliveredByMerchant.
 */
import type { PaymentState, TrailCode } from '../../src/core/index.js'
import { merchantStatusOf, trailSteps } from '../../src/core/index.js'

/** The first step of every trail here: 10:00 UTC on a Sunday. */
export const t0Ms = Date.parse('2026-12-06T10:00:00.000Z')

/**
 * The steps of a trail as a table, one recorded step a row: code, status, milliseconds after the
 * first step, actor, and the rest of the row is the detail.
 */
function steps(table: string) {
  return table
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => {
      const row = /^\s*(\S+)\s+(done|skipped)\s+(\d+)\s+(\S+)\s+(.*)$/.exec(line)
      if (row === null) throw new Error(`not a step row: ${line}`)
      const [, codeText = '', status = 'done', afterMs = '', actor = '', detail = ''] = row
      const code = (/^\d$/.test(codeText) ? Number(codeText) : codeText) as TrailCode
      const info = trailSteps[code]
      return {
        step: code,
        name: info.name,
        status,
        at: new Date(t0Ms + Number(afterMs)).toISOString(),
        atMs: t0Ms + Number(afterMs),
        from: info.from,
        to: info.to,
        actor,
        detail,
      }
    })
}

type StepJson = ReturnType<typeof steps>[number]

interface PaymentFields {
  readonly id: string
  readonly state: PaymentState
  readonly channel: string
  readonly amount: string
  readonly funding: string
}

/** An answer of the endpoint: the payment, the model, the gateway's verdict and the steps. */
export function trailJson(
  payment: PaymentFields,
  model: string,
  complete: boolean,
  rows: readonly StepJson[],
) {
  return {
    payment: {
      kind: 'merchant',
      initiator: 'payer',
      payer: '8613800138000',
      merchant: '1001',
      createdAt: new Date(t0Ms).toISOString(),
      status: merchantStatusOf(payment.state),
      ...payment,
    },
    model,
    complete,
    steps: rows,
  }
}

const walletSteps = steps(`
  1        done         0  8613800138000  PAY 1001 25.00 by sms
  2        done         4  1001           serial S000123, 25.00 to Ringtone Store
  5        done         9  platform       25.00 to Ringtone Store: reply YES and your PIN
  6        done     41250  8613800138000  YES by sms
  3        skipped  41262  platform       wallet: held by the platform, no credit institution asked
  4        skipped  41262  platform       wallet: held by the platform, no credit institution asked
  7        done     41270  platform       transfer T000456, 25.00 to 1001
  8        done     41271  platform       receipt by sms: paid 25.00, wallet 475.00
`)

export const walletBySms = trailJson(
  { id: 'P000123', state: 'completed', channel: 'sms', amount: '25.00', funding: 'wallet' },
  'cooperative',
  true,
  walletSteps,
)

const cardSteps = steps(`
  1        done         0  8613800138000  order 88 by ussd
  2        done         6  1001           serial S000124, 120.00 to Ringtone Store
  5        done        11  platform       120.00 to Ringtone Store from card 6222...1234
  6        done     18400  8613800138000  confirmed with PIN
  3        done     18431  ICBC           card 6222...1234, 120.00
  4        done     18902  ICBC           approved, authorization 583920
  7        done     18915  platform       transfer T000457, 120.00 to 1001
  8        done     18916  platform       receipt by ussd: paid 120.00
`)

export const cardWithBank = trailJson(
  { id: 'P000124', state: 'completed', channel: 'ussd', amount: '120.00', funding: 'bank' },
  'bank',
  true,
  cardSteps,
)

export const phoneBillMicro = trailJson(
  { id: 'P000125', state: 'completed', channel: 'sms', amount: '2.00', funding: 'phone_bill' },
  'operator',
  true,
  steps(`
  1        done         0  8613800138000  PAY 1001 2.00 BILL by sms
  2        done         3  1001           serial S000125, 2.00 to Ringtone Store
  5        skipped      5  operator       micro-payment: the SIM is identity enough
  6        skipped      5  operator       micro-payment: the SIM is identity enough
  3        skipped      5  operator       phone bill: the operator carries the risk
  4        skipped      5  operator       phone bill: the operator carries the risk
  7        done        12  platform       transfer T000458, 2.00 to 1001
  8        done        13  operator       receipt by sms: 2.00 on your phone bill
  `),
)

export const declinedByBank = trailJson(
  { id: 'P000126', state: 'declined', channel: 'sms', amount: '900.00', funding: 'bank' },
  'cooperative',
  false,
  steps(`
  1        done         0  8613800138000  PAY 1001 900.00 CARD by sms
  2        done         4  1001           serial S000126, 900.00 to Ringtone Store
  5        done         8  platform       900.00 to Ringtone Store from card 6222...1234
  6        done     30020  8613800138000  YES by sms
  3        done     30051  ICBC           card 6222...1234, 900.00
  4        done     30390  ICBC           refused: insufficient funds
  declined done     30401  platform       insufficient_funds, told the payer and 1001
  `),
)

export const bankTimeout = trailJson(
  { id: 'P000127', state: 'failed', channel: 'wap', amount: '60.00', funding: 'bank' },
  'cooperative',
  false,
  steps(`
  1        done         0  8613800138000  order 91 by wap
  2        done         5  1001           serial S000127, 60.00 to Ringtone Store
  5        done         9  platform       60.00 to Ringtone Store from card 6217...5678
  6        done     12000  8613800138000  confirmed with PIN
  3        done     12040  CCB            card 6217...5678, 60.00
  failed   done     42040  CCB            no answer within 30 s; told the payer and 1001
  `),
)

export const expiredByUssd = trailJson(
  { id: 'P000128', state: 'expired', channel: 'ussd', amount: '25.00', funding: 'wallet' },
  'cooperative',
  false,
  steps(`
  1        done         0  8613800138000  *123*1*1001*25# by ussd
  2        done         2  1001           serial S000128, 25.00 to Ringtone Store
  5        done         6  platform       confirm screen: 25.00 to Ringtone Store, PIN?
  expired  done    120006  platform       no PIN within 120 s; told 1001
  `),
)

export const refundedNextDay = trailJson(
  { id: 'P000123', state: 'completed', channel: 'sms', amount: '25.00', funding: 'wallet' },
  'cooperative',
  true,
  [...walletSteps, ...steps('refund done 86405000 1001 refund 25.00, transfer T000789')],
)

export const deliveredByMerchant = trailJson(
  { id: 'P000124', state: 'completed', channel: 'ussd', amount: '120.00', funding: 'bank' },
  'bank',
  true,
  [...cardSteps, ...steps('9 done 7200000 1001 shipped, tracking SF1234567890')],
)
