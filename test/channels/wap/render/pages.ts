/**
 * pages.ts - page models of every shape the WAP pages build (links with and without keys, a form
 * with each field kind and a choice, long paragraphs, Chinese and Japanese text, `$` and markup
 * characters in text, a statement), shared by the renderer's tests.
 */
import type { PageForm, PageLink, PageModel } from '../../../../channels/wap/contract.js'

const session = '/wap/s/Zx81kQ'

const homeLink: PageLink = { label: 'Home', href: `${session}/`, key: '0' }

function page(overrides: Partial<PageModel> & Pick<PageModel, 'page' | 'title'>): PageModel {
  return {
    language: 'en',
    paragraphs: [],
    form: null,
    links: [homeLink],
    noStore: false,
    ...overrides,
  }
}

export const everyKindForm: PageForm = {
  action: `${session}/pay-merchant?step=confirm&from=home`,
  token: 'tk_5f2a9c',
  submitLabel: 'Pay',
  fields: [
    { name: 'merchant', label: 'Merchant number', kind: 'digits', lengthMax: 8, value: '' },
    { name: 'amount', label: 'Amount', kind: 'amount', lengthMax: 10, value: '12.50' },
    { name: 'msisdn', label: 'Phone', kind: 'msisdn', lengthMax: 15, value: '+8613800138000' },
    {
      name: 'reference',
      label: 'Reference "order" <1> & co',
      kind: 'text',
      lengthMax: 20,
      value: 'INV-7 & $x',
    },
    { name: 'pin', label: 'PIN', kind: 'pin', lengthMax: 6, value: '' },
  ],
  choices: [
    {
      name: 'funding',
      label: 'Pay from',
      options: [
        { value: 'wallet', label: 'Wallet' },
        { value: 'card', label: 'Card ending 4242' },
      ],
      selected: 'card',
    },
  ],
}

const longParagraphs = [
  'Your payment request has been received and is being processed by the bank; ' +
    'you will receive an SMS with the receipt number once it completes, ' +
    'usually within two minutes. If no SMS arrives within an hour, call customer care ' +
    'on 100 and quote the reference below.',
  'Reference TP-2026-11-21-000417. Keep this page until the SMS arrives; ' +
    'do not pay the same merchant again for this order, the bank will not charge you ' +
    'twice for one reference.',
  'Fees: none for merchant payments below KES 1,000. Your daily limit is KES 70,000 and ' +
    'resets at midnight; the bank may hold payments above KES 50,000 for review.',
]

export const pageModels: Readonly<Record<string, PageModel>> = {
  home: page({
    page: 'home',
    title: 'TelePay',
    links: [
      { label: 'Balance', href: `${session}/balance`, key: '1' },
      { label: 'Pay merchant', href: `${session}/pay-merchant`, key: '2' },
      { label: 'Pay bill', href: `${session}/pay-bill`, key: '3' },
      { label: 'Buy airtime', href: `${session}/airtime`, key: '4' },
      { label: 'Send money', href: `${session}/send-money`, key: '5' },
      { label: 'Pay order', href: `${session}/pay-order`, key: '6' },
      { label: 'Statement', href: `${session}/statement?page=1&size=5`, key: '7' },
      { label: 'Help', href: `${session}/help`, key: null },
    ],
  }),
  balance: page({
    page: 'balance',
    title: 'Balance',
    paragraphs: ['Wallet: KES 1,250.00', 'Available: KES 1,000.00'],
    noStore: true,
  }),
  payMerchant: page({
    page: 'pay_merchant',
    title: 'Pay merchant',
    form: everyKindForm,
    noStore: true,
  }),
  confirm: page({
    page: 'confirm',
    title: 'Confirm',
    paragraphs: ['Pay KES 12.50 to Mama Mboga (00123)?'],
    form: {
      action: `${session}/confirm`,
      token: 'tk_77aa01',
      submitLabel: 'OK',
      fields: [{ name: 'pin', label: 'PIN', kind: 'pin', lengthMax: 6, value: '' }],
      choices: [],
    },
    links: [{ label: 'Cancel', href: `${session}/cancel`, key: '9' }, homeLink],
    noStore: true,
  }),
  result: page({
    page: 'result',
    title: 'Done',
    paragraphs: ['Paid KES 12.50 to Mama Mboga.', 'Receipt: TP7Q2K9X', 'Balance: KES 987.50'],
    noStore: true,
  }),
  longParagraphs: page({
    page: 'result',
    title: 'Pending',
    paragraphs: longParagraphs,
    noStore: true,
  }),
  chinese: page({
    page: 'balance',
    language: 'zh',
    title: '余额查询',
    paragraphs: ['钱包余额: 1,250.00 元', '可用余额: 1,000.00 元', '谢谢使用电话支付。'],
    links: [
      { label: '主菜单', href: `${session}/`, key: '0' },
      { label: '交易记录', href: `${session}/statement`, key: null },
    ],
    noStore: true,
  }),
  chineseForm: page({
    page: 'send_money',
    language: 'zh',
    title: '转账',
    form: {
      action: `${session}/send-money`,
      token: 'tk_zh01',
      submitLabel: '发送',
      fields: [
        { name: 'msisdn', label: '收款人电话', kind: 'msisdn', lengthMax: 15, value: '' },
        { name: 'amount', label: '金额', kind: 'amount', lengthMax: 10, value: '' },
        { name: 'pin', label: '密码', kind: 'pin', lengthMax: 6, value: '' },
      ],
      choices: [],
    },
    noStore: true,
  }),
  japanese: page({
    page: 'balance',
    title: '残高',
    paragraphs: ['残高: 1,000円', 'ご利用ありがとうございます。'],
    noStore: true,
  }),
  dollars: page({
    page: 'result',
    title: 'Paid $5 <ok> & "done"',
    paragraphs: [
      'You paid $5.00 (USD $5) to A&B <Shop>.',
      'Costs $(fee) and $amount are not variables.',
    ],
    links: [{ label: 'Back to $ menu', href: `${session}/?next=$home&x=1`, key: '0' }],
  }),
  statement: page({
    page: 'statement',
    title: 'Statement 1/3',
    paragraphs: Array.from(
      { length: 8 },
      (_, i) =>
        `2026-11-${String(10 + i)} Paid merchant 0012${String(i)} KES ` +
        `${String(100 + i * 7)}.00 ref TP${String(4000 + i)}`,
    ),
    links: [{ label: 'Next', href: `${session}/statement?page=2`, key: '#' }, homeLink],
    noStore: true,
  }),
}
