/**
 * pages.ts - the PageModels of the pages that are not payment forms: home (a link to every
 * page), balance, statement (paged), the SIM card's purse, confirm (payee, amount, account, PIN
 * field unless the phone bill pays), result, login and the channel's notices. Every URL is
 * complete: the session's base (`/wap/s/<id>`) is passed in. Exports the page builders and
 * SessionUrls.
 */
import type {
  AccountOffer,
  CommandResult,
  FundingKind,
  Language,
  StatementRow,
} from '../../src/core/index.js'
import { formatAmount } from '../../src/core/index.js'
import { catalogueOf, renderResult } from '../../src/gateway/reply/index.js'
import type { PageLink, PageModel } from './contract.js'
import { paymentPages } from './forms.js'
import type { WapTextKey } from './texts.js'
import { wapText } from './texts.js'

/** Where a session's pages live: `base` is `/wap/s/<id>`; `entry` the channel's start (`/wap/`). */
export interface SessionUrls {
  readonly base: string
  readonly entry: string
}

function link(label: WapTextKey, language: Language, href: string, key: string | null): PageLink {
  return { label: wapText(label, language), href, key }
}

function homeLink(urls: SessionUrls, language: Language): PageLink {
  return link('link_home', language, `${urls.base}/`, '0')
}

/** The home page: a payment whose account is fixed shows only where the model offers it. */
export function homePage(
  urls: SessionUrls,
  language: Language,
  accounts: AccountOffer,
  notice: string | null = null,
): PageModel {
  const links: PageLink[] = [link('link_balance', language, `${urls.base}/balance`, '1')]
  for (const spec of Object.values(paymentPages)) {
    if (spec.key === null) continue
    if (spec.fixedAccount !== null && !accounts.accounts.includes(spec.fixedAccount)) continue
    links.push(link(spec.link, language, `${urls.base}/${spec.path}`, spec.key))
  }
  links.push(link('link_statement', language, `${urls.base}/statement`, '7'))
  links.push(link('link_card', language, `${urls.base}/card`, '8'))
  links.push(link('link_logout', language, `${urls.base}/logout`, '9'))
  return {
    page: 'home',
    language,
    title: wapText('title_home', language),
    paragraphs: notice === null ? [] : [notice],
    form: null,
    links,
    noStore: false,
  }
}

/** A read's answer (never cached: it shows money), one link onward, and home. */
function readPage(
  urls: SessionUrls,
  result: CommandResult,
  page: string,
  title: WapTextKey,
  onward: PageLink,
): PageModel {
  const language = result.language
  return {
    page,
    language,
    title: wapText(title, language),
    paragraphs: [renderResult(result)],
    form: null,
    links: [onward, homeLink(urls, language)],
    noStore: true,
  }
}

export function balancePage(urls: SessionUrls, result: CommandResult): PageModel {
  const onward = link('link_statement', result.language, `${urls.base}/statement`, '7')
  return readPage(urls, result, 'balance', 'title_balance', onward)
}

/**
 * The RFID-SIM's purse as the platform knows it (the core's card_balance answer: cleared taps,
 * loads on their way), with the way to top it up over the air.
 */
export function cardPage(urls: SessionUrls, result: CommandResult): PageModel {
  const load = paymentPages.load_card
  const onward = link(load.link, result.language, `${urls.base}/${load.path}`, '1')
  return readPage(urls, result, 'card', 'title_card', onward)
}

/** One page of the statement; `page` counts from 1 and is clamped to the pages there are. */
export function statementPage(
  urls: SessionUrls,
  result: CommandResult,
  page: number,
  rowsPerPage: number,
): PageModel {
  const language = result.language
  const title = wapText('title_statement', language)
  if (!result.ok || result.data?.kind !== 'statement') {
    return {
      page: 'statement',
      language,
      title,
      paragraphs: [renderResult(result)],
      form: null,
      links: [homeLink(urls, language)],
      noStore: true,
    }
  }
  // The core's rows are the payments that moved money, as on every channel.
  const rows = result.data.rows
  if (rows.length === 0) {
    return {
      page: 'statement',
      language,
      title,
      paragraphs: [renderResult(result)],
      form: null,
      links: [homeLink(urls, language)],
      noStore: true,
    }
  }
  const pages = Math.ceil(rows.length / rowsPerPage)
  const current = Math.min(Math.max(1, page), pages)
  const shown = rows.slice((current - 1) * rowsPerPage, current * rowsPerPage)
  const links: PageLink[] = []
  if (current < pages)
    links.push(link('link_next', language, `${urls.base}/statement?page=${current + 1}`, '#'))
  if (current > 1)
    links.push(link('link_previous', language, `${urls.base}/statement?page=${current - 1}`, '*'))
  links.push(homeLink(urls, language))
  return {
    page: 'statement',
    language,
    title,
    paragraphs: [
      ...shown.map(rowText),
      wapText('statement_page', language, { page: String(current), pages: String(pages) }),
    ],
    form: null,
    links,
    noStore: true,
  }
}

function rowText(row: StatementRow): string {
  const signed = `${row.direction === 'out' ? '-' : '+'}${formatAmount(row.amountMinor)}`
  return `${row.reference ?? row.paymentId} ${signed} ${row.counterparty}`
}

/** The question a confirm page asks, from the core's answer to the payment command. */
export function confirmQuestion(result: CommandResult): string {
  const params = result.message.params
  const funding = result.payment?.funding ?? 'wallet'
  // Asked in the words of the payment's kind, as the core's own prompt is (airtime.*, send.*).
  const kind = result.message.key.split('.')[0]
  const question =
    kind === 'airtime'
      ? 'confirm_question_airtime'
      : kind === 'send'
        ? 'confirm_question_send'
        : kind === 'card_load'
          ? 'confirm_question_card'
          : 'confirm_question'
  return wapText(question, result.language, {
    amount: params['amount'] ?? formatAmount(result.payment?.amountMinor ?? 0n),
    payee: params['payee'] ?? '',
    account: catalogueOf(result.language)[`account.${funding}`],
  })
}

/** Asks to confirm a waiting payment: a PIN field unless the phone bill pays (SPEC section 3). */
export function confirmPage(
  urls: SessionUrls,
  language: Language,
  question: string,
  funding: FundingKind,
  token: string,
  notice: string | null = null,
): PageModel {
  const pin = funding !== 'phone_bill'
  return {
    page: 'confirm',
    language,
    title: wapText('title_confirm', language),
    paragraphs: [
      ...(notice === null ? [] : [notice]),
      question,
      wapText(pin ? 'confirm_pin_hint' : 'confirm_sim_hint', language),
    ],
    form: {
      action: `${urls.base}/confirm`,
      token,
      submitLabel: wapText(pin ? 'submit_pay' : 'submit_confirm', language),
      fields: pin
        ? [
            {
              name: 'pin',
              label: wapText('field_pin', language),
              kind: 'pin',
              lengthMax: 6,
              value: '',
            },
          ]
        : [],
      choices: [],
    },
    links: [
      link('link_cancel', language, `${urls.base}/cancel/${token}`, '*'),
      homeLink(urls, language),
    ],
    noStore: true,
  }
}

/**
 * The answer to a command: the catalogue's text, and the reference on its own line when the text
 * lacks it.
 */
export function resultPage(
  urls: SessionUrls,
  result: CommandResult,
  again: string | null = null,
): PageModel {
  const language = result.language
  // Answering a confirm page whose payment is gone: say so of that payment, not "you have none".
  const text =
    result.reason === 'no_pending_payment'
      ? wapText('payment_gone', language)
      : renderResult(result)
  const links: PageLink[] = []
  if (again !== null) links.push(link('link_again', language, again, '1'))
  links.push(
    link('link_balance', language, `${urls.base}/balance`, again === null ? '1' : '2'),
    homeLink(urls, language),
  )
  return {
    page: 'result',
    language,
    title: wapText('title_result', language),
    paragraphs: [
      text,
      ...(result.reference === null || text.includes(result.reference)
        ? []
        : [wapText('reference', language, { ref: result.reference })]),
    ],
    form: null,
    links,
    noStore: true,
  }
}

export function loginPage(
  action: string,
  token: string,
  language: Language,
  msisdn = '',
  notice: string | null = null,
): PageModel {
  return {
    page: 'login',
    language,
    title: wapText('title_login', language),
    paragraphs: [...(notice === null ? [] : [notice]), wapText('login_hint', language)],
    form: {
      action,
      token,
      submitLabel: wapText('submit_login', language),
      fields: [
        {
          name: 'msisdn',
          label: wapText('field_msisdn', language),
          kind: 'msisdn',
          lengthMax: 16,
          value: msisdn,
        },
        {
          name: 'pin',
          label: wapText('field_pin', language),
          kind: 'pin',
          lengthMax: 6,
          value: '',
        },
      ],
      choices: [],
    },
    links: [],
    noStore: true,
  }
}

/** A notice with a way on: back to the session's home, or to the channel's start. */
/**
 * A page that only says something; titled "Sorry" unless it is news the user asked for (logged
 * out).
 */
export function noticePage(
  text: WapTextKey,
  language: Language,
  next: { href: string; label: WapTextKey },
  title: WapTextKey = 'title_error',
): PageModel {
  return {
    page: 'error',
    language,
    title: wapText(title, language),
    paragraphs: [wapText(text, language)],
    form: null,
    links: [link(next.label, language, next.href, '0')],
    noStore: true,
  }
}
