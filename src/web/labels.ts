/**
 * labels.ts - the web pages' own words in English and Chinese, read once from
 * src/web/static/labels.json: the same file the handset's script fetches, so a label is written
 * once for the server's first paint and the page's language toggle. The gateway's own texts (SMS
 * replies, USSD screens, prompts) come in the subscriber's language from the catalogues and are
 * not here. Exports WebLanguage, webLanguageOf, Labels and labelsOf.
 */
import { readFileSync } from 'node:fs'
import { repositoryPath } from '../gateway/repository-path.js'

export type WebLanguage = 'en' | 'zh'

export type Labels = Readonly<Record<string, string>>

const all = JSON.parse(readFileSync(repositoryPath('src/web/static/labels.json'), 'utf8')) as {
  readonly en: Labels
  readonly zh: Labels
}

/** `?lang=zh` asks for Chinese; anything else is English. */
export function webLanguageOf(value: unknown): WebLanguage {
  return value === 'zh' ? 'zh' : 'en'
}

/** The labels of a language; a key missing in Chinese falls back to English, then to itself. */
export function labelsOf(language: WebLanguage): (key: string) => string {
  return (key) => all[language][key] ?? all.en[key] ?? key
}
