/**
 * texts.ts - the words of the WAP pages themselves (titles, field labels, link labels, the
 * channel's own notices) in English and Chinese. What the core answers (balances, receipts,
 * refusals) comes from the shared catalogue through src/gateway/reply instead.
 * Exports wapText and WapTextKey.
 */
import type { Language } from '../../src/core/index.js'
import { assertNever } from '../../src/core/index.js'

const en = {
  title_home: 'telepay',
  title_balance: 'Balance',
  title_pay_merchant: 'Pay merchant',
  title_pay_bill: 'Pay bill',
  title_airtime: 'Buy airtime',
  title_send_money: 'Send money',
  title_pay_order: 'Pay order',
  title_statement: 'Statement',
  title_confirm: 'Confirm',
  title_result: 'Result',
  title_login: 'Log in',
  title_error: 'Sorry',
  title_logged_out: 'Logged out',
  link_home: 'Home',
  link_balance: 'Balance',
  link_pay_merchant: 'Pay merchant',
  link_pay_bill: 'Pay bill',
  link_airtime: 'Buy airtime',
  link_send_money: 'Send money',
  link_pay_order: 'Pay order',
  link_statement: 'Statement',
  link_logout: 'Log out',
  link_login: 'Log in',
  link_cancel: 'Cancel',
  link_next: 'Next',
  link_previous: 'Previous',
  link_again: 'Try again',
  field_msisdn: 'Mobile number',
  field_pin: 'PIN',
  field_merchant: 'Merchant code',
  field_biller: 'Biller code',
  field_customer_ref: 'Customer number',
  field_beneficiary: 'Phone to top up',
  field_payee: 'Send to (mobile)',
  field_order: 'Order number',
  field_amount: 'Amount (CNY)',
  field_account: 'Pay from',
  submit_login: 'Log in',
  submit_continue: 'Continue',
  submit_pay: 'Pay',
  submit_confirm: 'Confirm',
  confirm_question: 'Pay CNY {amount} to {payee} from your {account}?',
  confirm_question_airtime: 'Buy CNY {amount} airtime for {payee} from your {account}?',
  confirm_question_send: 'Send CNY {amount} to {payee} from your {account}?',
  payment_gone: 'This payment is no longer waiting for you: it expired or was replaced. Nothing was paid.',
  confirm_pin_hint: 'Enter your PIN to pay.',
  confirm_sim_hint: 'Your phone bill is charged; no PIN is needed.',
  reference: 'Reference: {ref}',
  statement_page: 'Page {page} of {pages}',
  login_hint: 'Enter your mobile number and PIN.',
  logged_out: 'You are logged out.',
  session_expired: 'Your session has ended. Please start again.',
  session_other_number: 'This link belongs to another phone. Please start again.',
  token_unknown: 'This form has expired or was already used elsewhere. Nothing was paid. Please start again.',
  field_missing: 'Please fill in: {field}.',
  not_found: 'There is no such page.',
  unavailable: 'Sorry, the service is unavailable right now. Please try again later.',
  form_too_large: 'This form is too long. Nothing was paid. Please start again.',
  request_unreadable: 'This request could not be read. Nothing was paid. Please start again.',
} as const

export type WapTextKey = keyof typeof en

const zh: Readonly<Record<WapTextKey, string>> = {
  title_home: 'telepay',
  title_balance: '余额',
  title_pay_merchant: '商户付款',
  title_pay_bill: '缴费',
  title_airtime: '话费充值',
  title_send_money: '转账',
  title_pay_order: '订单付款',
  title_statement: '交易记录',
  title_confirm: '确认',
  title_result: '结果',
  title_login: '登录',
  title_error: '抱歉',
  title_logged_out: '已退出',
  link_home: '首页',
  link_balance: '余额',
  link_pay_merchant: '商户付款',
  link_pay_bill: '缴费',
  link_airtime: '话费充值',
  link_send_money: '转账',
  link_pay_order: '订单付款',
  link_statement: '交易记录',
  link_logout: '退出',
  link_login: '登录',
  link_cancel: '取消',
  link_next: '下一页',
  link_previous: '上一页',
  link_again: '重试',
  field_msisdn: '手机号码',
  field_pin: '密码',
  field_merchant: '商户代码',
  field_biller: '缴费单位代码',
  field_customer_ref: '客户编号',
  field_beneficiary: '充值号码',
  field_payee: '收款手机号',
  field_order: '订单号',
  field_amount: '金额(元)',
  field_account: '付款账户',
  submit_login: '登录',
  submit_continue: '继续',
  submit_pay: '付款',
  submit_confirm: '确认',
  confirm_question: '从您的{account}向{payee}支付{amount}元？',
  confirm_question_airtime: '从您的{account}为{payee}充值话费{amount}元？',
  confirm_question_send: '从您的{account}向{payee}转账{amount}元？',
  payment_gone: '该笔支付已不在等待确认（已失效或被替代），未扣款。',
  confirm_pin_hint: '请输入密码付款。',
  confirm_sim_hint: '从话费扣款，无需密码。',
  reference: '交易号：{ref}',
  statement_page: '第{page}页，共{pages}页',
  login_hint: '请输入手机号码和密码。',
  logged_out: '您已退出。',
  session_expired: '会话已结束，请重新开始。',
  session_other_number: '此链接属于另一部手机，请重新开始。',
  token_unknown: '此表单已过期或已使用，未付款。请重新开始。',
  field_missing: '请填写：{field}。',
  not_found: '页面不存在。',
  unavailable: '抱歉，服务暂时不可用，请稍后再试。',
  form_too_large: '表单过长，未付款。请重新开始。',
  request_unreadable: '无法读取此请求，未付款。请重新开始。',
}

/** A page text with its `{name}` placeholders filled. */
export function wapText(key: WapTextKey, language: Language, params: Readonly<Record<string, string>> = {}): string {
  const text = textsOf(language)[key]
  return text.replace(/\{([a-z]+)\}/g, (whole, name: string) => params[name] ?? whole)
}

function textsOf(language: Language): Readonly<Record<WapTextKey, string>> {
  switch (language) {
    case 'en':
      return en
    case 'zh':
      return zh
    default:
      return assertNever(language)
  }
}
