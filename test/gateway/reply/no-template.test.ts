/**
 * no-template.test.ts - every text of every channel's catalogue (the core's messages, SMS texts,
 * USSD texts, push prompts and menu YAML, IVR prompts and script YAML, WAP page texts) rendered
 * the way its channel renders it, with every param missing: no `{x}` template and no internal
 * error text ("undefined", "null", "NaN", "[object") reaches a phone.
 */
import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { parse } from 'yaml'
import { fillText } from '../../../channels/ivr/flow/prompt-text.js'
import type { ChannelPromptKey } from '../../../channels/ivr/texts.js'
import { channelPrompt } from '../../../channels/ivr/texts.js'
import {
  helpText,
  partsLostText,
  refusalText,
  smsCatalogueOf,
} from '../../../channels/sms/grammar/replies.js'
import { fillPlaceholders } from '../../../channels/ussd/menu/placeholders.js'
import { pushTexts } from '../../../channels/ussd/smpp/push-texts.js'
import type { ChannelTextKey } from '../../../channels/ussd/texts.js'
import { channelText } from '../../../channels/ussd/texts.js'
import type { WapTextKey } from '../../../channels/wap/texts.js'
import { wapText } from '../../../channels/wap/texts.js'
import { smsKeywords } from '../../../menus/sms/catalogue.js'
import type { Language } from '../../../src/core/index.js'
import { messageKeys } from '../../../src/core/index.js'
import { fillTemplate, renderMessage } from '../../../src/gateway/reply/index.js'

const languages: readonly Language[] = ['en', 'zh']
const missing = (): null => null

/** What a phone must never be given: a template, or a value that leaked from the code. */
function expectShowable(text: string, where: string): void {
  expect(text, where).not.toMatch(/[{}]/)
  expect(text, where).not.toMatch(/\bundefined\b|\bnull\b|\bNaN\b|\[object/)
}

/** Every key of a text store's key union; the record makes the compiler report a missing one. */
function keysOf<K extends string>(record: { readonly [P in K]: true }): K[] {
  return Object.keys(record) as K[]
}

const ussdKeys = keysOf<ChannelTextKey>({
  session_ended: true,
  session_timed_out: true,
  session_replaced: true,
  session_lost: true,
  unavailable: true,
  app_failed: true,
})
const ivrKeys = keysOf<ChannelPromptKey>({
  lines_busy: true,
  call_lost: true,
  unavailable: true,
  answer_by_sms: true,
})
const wapKeys = keysOf<WapTextKey>({
  title_home: true,
  title_balance: true,
  title_pay_merchant: true,
  title_pay_bill: true,
  title_airtime: true,
  title_send_money: true,
  title_pay_order: true,
  title_statement: true,
  title_card: true,
  title_load_card: true,
  title_confirm: true,
  title_result: true,
  title_login: true,
  title_error: true,
  title_logged_out: true,
  link_home: true,
  link_balance: true,
  link_card: true,
  link_load_card: true,
  link_pay_merchant: true,
  link_pay_bill: true,
  link_airtime: true,
  link_send_money: true,
  link_pay_order: true,
  link_statement: true,
  link_logout: true,
  link_login: true,
  link_cancel: true,
  link_next: true,
  link_previous: true,
  link_again: true,
  field_msisdn: true,
  field_pin: true,
  field_merchant: true,
  field_biller: true,
  field_customer_ref: true,
  field_beneficiary: true,
  field_payee: true,
  field_order: true,
  field_amount: true,
  field_account: true,
  submit_login: true,
  submit_continue: true,
  submit_pay: true,
  submit_confirm: true,
  confirm_question: true,
  confirm_question_card: true,
  confirm_question_airtime: true,
  confirm_question_send: true,
  payment_gone: true,
  confirm_pin_hint: true,
  confirm_sim_hint: true,
  reference: true,
  statement_page: true,
  login_hint: true,
  logged_out: true,
  session_expired: true,
  session_other_number: true,
  token_unknown: true,
  field_missing: true,
  not_found: true,
  unavailable: true,
  form_too_large: true,
  request_unreadable: true,
})

/** The `{ en, zh }` texts anywhere in the YAML files of a menus/ folder, with where each is. */
function yamlTexts(folder: string): { where: string; language: Language; text: string }[] {
  const dir = new URL(`../../../menus/${folder}/`, import.meta.url).pathname
  const found: { where: string; language: Language; text: string }[] = []
  const walk = (node: unknown, where: string): void => {
    if (Array.isArray(node)) {
      for (const [index, item] of node.entries()) walk(item, `${where}[${index}]`)
      return
    }
    if (node === null || typeof node !== 'object') return
    const record = node as Record<string, unknown>
    if (typeof record['en'] === 'string' && typeof record['zh'] === 'string') {
      for (const language of languages)
        found.push({ where: `${where}.${language}`, language, text: record[language] as string })
      return
    }
    for (const [key, value] of Object.entries(record)) walk(value, `${where}.${key}`)
  }
  const files = readdirSync(dir).filter((name) => name.endsWith('.yaml'))
  for (const file of files.sort()) {
    walk(parse(readFileSync(join(dir, file), 'utf8')) as unknown, `${folder}/${file}`)
  }
  return found
}

describe('every text with its params missing', () => {
  it('core messages, en and zh', () => {
    for (const language of languages) {
      for (const key of messageKeys)
        expectShowable(renderMessage({ key, params: {} }, language), `${language} ${key}`)
    }
  })

  it('SMS texts: help, usage, unknown word, reference line, lost parts', () => {
    for (const language of languages) {
      expectShowable(helpText(null, language), `${language} help`)
      for (const keyword of smsKeywords)
        expectShowable(helpText(keyword, language), `${language} usage ${keyword}`)
      expectShowable(refusalText({ reason: 'unknown_keyword' }, language), `${language} unknown`)
      expectShowable(
        fillTemplate(smsCatalogueOf(language).reference, missing),
        `${language} reference`,
      )
      expectShowable(partsLostText(language), `${language} partsLost`)
    }
    expectShowable(partsLostText(null), 'partsLost in both languages')
  })

  it('USSD texts, push prompts and menu YAML texts', () => {
    for (const language of languages) {
      for (const key of ussdKeys)
        expectShowable(channelText(key, language).text, `${language} ${key}`)
      for (const [key, text] of Object.entries(pushTexts[language]))
        expectShowable(fillTemplate(text, missing), `${language} push ${key}`)
    }
    const texts = yamlTexts('ussd')
    expect(texts.length).toBeGreaterThan(100)
    for (const { where, text } of texts) expectShowable(fillPlaceholders(text, missing), where)
  })

  it('IVR texts and script YAML prompts', () => {
    for (const language of languages) {
      for (const key of ivrKeys)
        expectShowable(channelPrompt(key, language).text, `${language} ${key}`)
    }
    const texts = yamlTexts('ivr')
    expect(texts.length).toBeGreaterThan(50)
    for (const { where, language, text } of texts)
      expectShowable(fillText(text, language, missing), where)
  })

  it('WAP page texts', () => {
    for (const language of languages) {
      for (const key of wapKeys) expectShowable(wapText(key, language), `${language} ${key}`)
    }
  })
})
