/**
 * forms.ts - the six payment forms (pay merchant, pay bill, buy airtime, send money, pay order,
 * top up the SIM card's purse):
 * their fields, the page each is shown on, and the reading of a submitted form into the core's
 * payment command with `authorize: false` (the core then answers with payee, amount and account,
 * and keeps the payment waiting for the confirm page). Exports PaymentPage, paymentPages,
 * paymentFormPage and readPaymentForm.
 */
import type { AccountOffer, FundingKind, Language, PaymentCommand } from '../../src/core/index.js'
import { fundingKinds, normalizeMsisdn, parseAmount } from '../../src/core/index.js'
import { catalogueOf, renderMessage } from '../../src/gateway/reply/index.js'
import type { PageChoice, PageField, PageModel } from './contract.js'
import type { WapTextKey } from './texts.js'
import { wapText } from './texts.js'

export type PaymentPage =
  | 'pay_merchant'
  | 'pay_bill'
  | 'airtime'
  | 'send_money'
  | 'pay_order'
  | 'load_card'

interface FieldSpec {
  readonly name: string
  readonly label: WapTextKey
  readonly kind: PageField['kind']
  readonly lengthMax: number
}

interface PaymentPageSpec {
  /** Below the session's base URL. */
  readonly path: string
  /** The home page's key for it; null: not on the home page (a card top-up is on the card's). */
  readonly key: string | null
  readonly title: WapTextKey
  readonly link: WapTextKey
  readonly fields: readonly FieldSpec[]
  /**
   * The account the payment always comes from (send money: the wallet), or null: the user picks
   * one of the accounts the operating model offers.
   */
  readonly fixedAccount: FundingKind | null
}

// Lengths: codes are short numbers in the world; a customer or order number up to 20; an MSISDN
// 15 digits (E.164) with a '+'; an amount 10 characters ("50000.00" and room).
const amount: FieldSpec = { name: 'amount', label: 'field_amount', kind: 'amount', lengthMax: 10 }

export const paymentPages: Readonly<Record<PaymentPage, PaymentPageSpec>> = {
  pay_merchant: {
    path: 'pay/merchant',
    key: '2',
    title: 'title_pay_merchant',
    link: 'link_pay_merchant',
    fixedAccount: null,
    fields: [{ name: 'merchant', label: 'field_merchant', kind: 'digits', lengthMax: 10 }, amount],
  },
  pay_bill: {
    path: 'pay/bill',
    key: '3',
    title: 'title_pay_bill',
    link: 'link_pay_bill',
    fixedAccount: null,
    fields: [
      { name: 'biller', label: 'field_biller', kind: 'digits', lengthMax: 10 },
      { name: 'customer', label: 'field_customer_ref', kind: 'text', lengthMax: 20 },
      amount,
    ],
  },
  airtime: {
    path: 'airtime',
    key: '4',
    title: 'title_airtime',
    link: 'link_airtime',
    fixedAccount: null,
    fields: [
      { name: 'beneficiary', label: 'field_beneficiary', kind: 'msisdn', lengthMax: 16 },
      amount,
    ],
  },
  send_money: {
    path: 'send',
    key: '5',
    title: 'title_send_money',
    link: 'link_send_money',
    fixedAccount: 'wallet',
    fields: [{ name: 'payee', label: 'field_payee', kind: 'msisdn', lengthMax: 16 }, amount],
  },
  pay_order: {
    path: 'pay/order',
    key: '6',
    title: 'title_pay_order',
    link: 'link_pay_order',
    fixedAccount: null,
    fields: [{ name: 'order', label: 'field_order', kind: 'text', lengthMax: 20 }],
  },
  load_card: {
    path: 'card/load',
    key: null,
    title: 'title_load_card',
    link: 'link_load_card',
    fixedAccount: null,
    fields: [amount],
  },
}

function fundingChoice(
  language: Language,
  accounts: AccountOffer,
  selected: string | null,
): PageChoice {
  const catalogue = catalogueOf(language)
  const offered: readonly string[] = accounts.accounts
  return {
    name: 'account',
    label: wapText('field_account', language),
    options: accounts.accounts.map((kind) => ({
      value: kind,
      label: catalogue[`account.${kind}`],
    })),
    selected: selected !== null && offered.includes(selected) ? selected : accounts.defaultFunding,
  }
}

/** The form page; `values` refill the fields after a refusal, `notice` says what was wrong. */
export function paymentFormPage(
  page: PaymentPage,
  language: Language,
  accounts: AccountOffer,
  urls: { action: string; home: string },
  token: string,
  values: Readonly<Record<string, string>> = {},
  notice: string | null = null,
): PageModel {
  const spec = paymentPages[page]
  return {
    page,
    language,
    title: wapText(spec.title, language),
    paragraphs: notice === null ? [] : [notice],
    form: {
      action: urls.action,
      token,
      submitLabel: wapText('submit_continue', language),
      fields: spec.fields.map((field) => ({
        name: field.name,
        label: wapText(field.label, language),
        kind: field.kind,
        lengthMax: field.lengthMax,
        value: (values[field.name] ?? '').slice(0, field.lengthMax),
      })),
      choices:
        spec.fixedAccount === null
          ? [fundingChoice(language, accounts, values['account'] ?? null)]
          : [],
    },
    links: [{ label: wapText('link_home', language), href: urls.home, key: '0' }],
    noStore: true,
  }
}

export type FormReading =
  | { readonly ok: true; readonly command: PaymentCommand }
  | { readonly ok: false; readonly notice: string }

/**
 * Reads a submitted payment form into its command, or the notice the form is shown again with.
 * A form without an account pays from `defaultFunding`, the operating model's; an account the
 * model does not offer (a form kept from before a change of model) is the core's to refuse.
 */
export function readPaymentForm(
  page: PaymentPage,
  msisdn: string,
  language: Language,
  body: Readonly<Record<string, string>>,
  defaultFunding: FundingKind,
): FormReading {
  const spec = paymentPages[page]
  for (const field of spec.fields) {
    const value = (body[field.name] ?? '').trim()
    if (value === '')
      return {
        ok: false,
        notice: wapText('field_missing', language, { field: wapText(field.label, language) }),
      }
    if (value.length > field.lengthMax)
      return {
        ok: false,
        notice: wapText('field_missing', language, { field: wapText(field.label, language) }),
      }
  }
  const refusal = (
    reason:
      | 'amount_invalid'
      | 'amount_too_precise'
      | 'amount_not_positive'
      | 'msisdn_invalid'
      | 'account_not_available',
  ): FormReading => ({
    ok: false,
    notice: renderMessage({ key: `refusal.${reason}`, params: {} }, language),
  })
  const text = (name: string): string => (body[name] ?? '').trim()
  const fundingText =
    spec.fixedAccount ?? (text('account') === '' ? defaultFunding : text('account'))
  if (!(fundingKinds as readonly string[]).includes(fundingText))
    return refusal('account_not_available')
  const funding = fundingText as FundingKind
  let amountMinor = 0n
  if (spec.fields.includes(amount)) {
    const parsed = parseAmount(text('amount'))
    if (!parsed.ok)
      return refusal(
        parsed.reason === 'amount_too_precise' || parsed.reason === 'amount_not_positive'
          ? parsed.reason
          : 'amount_invalid',
      )
    amountMinor = parsed.minor
  }
  switch (page) {
    case 'pay_merchant':
      return {
        ok: true,
        command: {
          kind: 'pay_merchant',
          msisdn,
          merchantCode: text('merchant'),
          amountMinor,
          funding,
          authorize: false,
        },
      }
    case 'pay_bill':
      return {
        ok: true,
        command: {
          kind: 'pay_bill',
          msisdn,
          billerCode: text('biller'),
          customerRef: text('customer'),
          amountMinor,
          funding,
          authorize: false,
        },
      }
    case 'airtime': {
      const beneficiaryMsisdn = normalizeMsisdn(text('beneficiary'))
      if (beneficiaryMsisdn === null) return refusal('msisdn_invalid')
      return {
        ok: true,
        command: {
          kind: 'top_up_airtime',
          msisdn,
          beneficiaryMsisdn,
          amountMinor,
          funding,
          authorize: false,
        },
      }
    }
    case 'send_money': {
      const payeeMsisdn = normalizeMsisdn(text('payee'))
      if (payeeMsisdn === null) return refusal('msisdn_invalid')
      return {
        ok: true,
        command: { kind: 'send_money', msisdn, payeeMsisdn, amountMinor, authorize: false },
      }
    }
    case 'pay_order':
      return {
        ok: true,
        command: { kind: 'pay_order', msisdn, orderNo: text('order'), funding, authorize: false },
      }
    case 'load_card':
      return {
        ok: true,
        command: { kind: 'load_card', msisdn, amountMinor, funding, authorize: false },
      }
  }
}
