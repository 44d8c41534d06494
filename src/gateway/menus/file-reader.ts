/**
 * file-reader.ts - reads the fields of one menu or call-script file (YAML under menus/) and
 * collects what is wrong with them as problems that name the file and the state, instead of
 * throwing at the first one: `telepay menus check` lists them all. The USSD menus and the IVR
 * scripts both read their files with it.
 */
import type { Language } from '../../core/index.js'

export type Raw = Record<string, unknown>

/** A text in every language the channels speak. */
export type Texts = Readonly<Record<Language, string>>

export interface FileProblem {
  readonly file: string
  readonly state: string
  readonly message: string
}

const languages: readonly Language[] = ['en', 'zh']

export function isRecord(value: unknown): value is Raw {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

export class MenuFileReader {
  readonly problems: FileProblem[] = []
  constructor(readonly file: string) {}

  problem(state: string, message: string): void {
    this.problems.push({ file: this.file, state, message })
  }

  unknownKeys(state: string, what: string, raw: Raw, known: readonly string[]): void {
    for (const key of Object.keys(raw)) {
      if (!known.includes(key)) this.problem(state, `${what} has an unknown key "${key}"`)
    }
  }

  /** A text in English and Chinese; each one missing is a problem of its own. */
  texts(state: string, what: string, raw: unknown): Texts {
    if (typeof raw === 'string') {
      this.problem(state, `${what} needs an en and a zh text, not a single string`)
      return { en: raw, zh: raw }
    }
    if (!isRecord(raw)) {
      this.problem(state, `${what} is missing (needs en and zh)`)
      return { en: '', zh: '' }
    }
    for (const key of Object.keys(raw)) {
      if (!(languages as readonly string[]).includes(key)) this.problem(state, `${what} has an unknown language "${key}"`)
    }
    const pick = (language: Language): string => {
      const text = raw[language]
      if (typeof text === 'string' && text.trim() !== '') return text
      this.problem(state, `${what} is missing its ${language} translation`)
      return ''
    }
    return { en: pick('en'), zh: pick('zh') }
  }

  string(state: string, what: string, raw: unknown): string {
    if (typeof raw === 'string' && raw !== '') return raw
    if (typeof raw === 'number') return String(raw)
    this.problem(state, `${what} must be a non-empty string`)
    return ''
  }

  stringMap(state: string, what: string, raw: unknown): Record<string, string> {
    if (raw === undefined || raw === null) return {}
    if (!isRecord(raw)) {
      this.problem(state, `${what} must be a map of names to values`)
      return {}
    }
    const map: Record<string, string> = {}
    for (const [key, value] of Object.entries(raw)) map[key] = this.string(state, `${what}.${key}`, value)
    return map
  }

  /** A map of message keys to texts in both languages (`results:`). */
  textMap(state: string, what: string, raw: unknown): Record<string, Texts> {
    if (raw === undefined || raw === null) return {}
    if (!isRecord(raw)) {
      this.problem(state, `${what} must be a map of message keys to texts`)
      return {}
    }
    const map: Record<string, Texts> = {}
    for (const [key, value] of Object.entries(raw)) map[key] = this.texts(state, `${what}.${key}`, value)
    return map
  }
}
