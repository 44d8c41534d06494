/**
 * file-reader.ts - reads the fields of one menu or call-script file (YAML under menus/) and
 * collects what is wrong with them as problems that name the file and the state, instead of
 * throwing at the first one: `telepay menus check` lists them all. The USSD menus and the IVR
 * scripts both read their files with it.
 */
import type { Language } from '../../core/index.js'
import type { MenuCommand, MenuInput } from './model.js'

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
      if (!(languages as readonly string[]).includes(key))
        this.problem(state, `${what} has an unknown language "${key}"`)
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
    for (const [key, value] of Object.entries(raw))
      map[key] = this.string(state, `${what}.${key}`, value)
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
    for (const [key, value] of Object.entries(raw))
      map[key] = this.texts(state, `${what}.${key}`, value)
    return map
  }

  /**
   * A command state's `command:` (kind and fields), `then` and `results`, or null when it is no
   * map.
   */
  menuCommand(state: string, raw: Raw): MenuCommand | null {
    const command = raw['command']
    if (!isRecord(command)) {
      this.problem(state, 'command must be a map with kind and fields')
      return null
    }
    const { kind, ...fields } = command
    return {
      kind: this.string(state, 'command kind', kind),
      fields: this.stringMap(state, 'command', fields),
      then: this.stringMap(state, 'then', raw['then']),
      results: this.textMap(state, 'results', raw['results']),
    }
  }

  /**
   * An input state's `input:` (name, validator, next and the medium's `extraKeys`), or null when it
   * is no map.
   */
  menuInput(
    state: string,
    raw: unknown,
    extraKeys: readonly string[] = [],
  ): (MenuInput & { readonly raw: Raw }) | null {
    if (!isRecord(raw)) {
      this.problem(state, 'input must be a map with name, validator and next')
      return null
    }
    this.unknownKeys(state, 'input', raw, ['name', 'validator', 'next', ...extraKeys])
    return {
      name: this.string(state, 'input name', raw['name']),
      validator: this.string(state, 'input validator', raw['validator']),
      next: this.string(state, 'input next', raw['next']),
      raw,
    }
  }
}
