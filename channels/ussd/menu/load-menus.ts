/**
 * load-menus.ts - reads menus/ussd/*.yaml into a MenuSet, noting every structural problem
 * (bad YAML, a state that is not exactly one of options/input/command/end, a text without
 * both languages, `then`/`results` outside a command state) with its file and state instead
 * of stopping at the first. Semantic checks live in check-menus.ts. The folder, the YAML and the
 * states map are read by the one menu loader (src/gateway/menus/load.ts).
 */
import type { MenuDialect } from '../../../src/gateway/menus/index.js'
import { isRecord, MenuFileReader, readMenuFolder } from '../../../src/gateway/menus/index.js'
import type { UssdMenuLimits } from './limits.js'
import type {
  MenuInput,
  MenuOption,
  MenuSet,
  MenuState,
  Problem,
  SystemTextKey,
  Texts,
} from './menu-model.js'
import { systemTextKeys } from './menu-model.js'

export interface MenuRead {
  readonly menus: MenuSet
  readonly problems: readonly Problem[]
}

class FileReader extends MenuFileReader {
  options(state: string, raw: unknown): MenuOption[] {
    if (!Array.isArray(raw) || raw.length === 0) {
      this.problem(state, 'options must be a non-empty list')
      return []
    }
    return raw.map((item: unknown, index) => {
      const what = `option ${index + 1}`
      if (!isRecord(item)) {
        this.problem(state, `${what} must be a map with label and to`)
        return { label: { en: '', zh: '' }, to: '', set: {} }
      }
      this.unknownKeys(state, what, item, ['label', 'to', 'set'])
      return {
        label: this.texts(state, `${what} label`, item['label']),
        to: this.string(state, `${what} to`, item['to']),
        set: this.stringMap(state, `${what} set`, item['set']),
      }
    })
  }

  input(state: string, raw: unknown): MenuInput {
    const input = this.menuInput(state, raw, ['same_as'])
    if (input === null) return { name: '', validator: '', next: '', sameAs: null }
    const sameAs = input.raw['same_as']
    return {
      name: input.name,
      validator: input.validator,
      next: input.next,
      sameAs: sameAs === undefined ? null : this.string(state, 'input same_as', sameAs),
    }
  }

  state(name: string, raw: unknown): MenuState | null {
    if (!isRecord(raw)) {
      this.problem(name, 'a state must be a map')
      return null
    }
    this.unknownKeys(name, 'the state', raw, [
      'text',
      'options',
      'input',
      'command',
      'end',
      'then',
      'results',
    ])
    const kinds = (['options', 'input', 'command', 'end'] as const).filter(
      (kind) => raw[kind] !== undefined,
    )
    const [kind] = kinds
    if (kind === undefined || kinds.length > 1) {
      this.problem(
        name,
        'a state needs exactly one of options, input, command or end ' +
          `(has ${kinds.length === 0 ? 'none' : kinds.join(', ')})`,
      )
      return null
    }
    if (kind !== 'command') {
      for (const key of ['then', 'results'])
        if (raw[key] !== undefined) this.problem(name, `${key} is only for a command state`)
    }
    const base = { name, file: this.file }
    switch (kind) {
      case 'options':
        return {
          ...base,
          kind,
          text: this.texts(name, 'text', raw['text']),
          options: this.options(name, raw['options']),
        }
      case 'input':
        return {
          ...base,
          kind,
          text: this.texts(name, 'text', raw['text']),
          input: this.input(name, raw['input']),
        }
      case 'end':
        if (raw['end'] !== true) this.problem(name, 'end must be true')
        return { ...base, kind, text: this.texts(name, 'text', raw['text']) }
      case 'command': {
        if (raw['text'] !== undefined)
          this.problem(name, 'a command state shows no text: the result is the screen')
        const command = this.menuCommand(name, raw)
        return command === null ? null : { ...base, kind, command }
      }
    }
  }
}

const emptyTexts = Object.fromEntries(
  systemTextKeys.map((key) => [key, { en: '', zh: '' }]),
) as Record<SystemTextKey, Texts>

/**
 * What a USSD menu folder adds to the one loader: main.yaml's service, home and texts, and screens.
 */
const ussdDialect: MenuDialect<Omit<MenuSet, 'states'>, MenuState, FileReader> = {
  noun: 'menu',
  settingsKeys: ['service', 'home', 'texts', 'results'],
  reader: (file) => new FileReader(file),
  settings: (reader, raw) => {
    if (raw === null) return { service: '', home: '', texts: emptyTexts, results: {} }
    return {
      service: reader.string('-', 'service', raw['service']),
      home: reader.string('-', 'home', raw['home']),
      texts: readSystemTexts(reader, raw['texts']),
      results: reader.textMap('results', 'results', raw['results']),
    }
  },
  state: (reader, name, raw) => reader.state(name, raw),
}

/** Reads every `*.yaml` of `dir`; never throws for what is in the files, only notes problems. */
export function readMenus(
  dir: string,
  limits: Pick<UssdMenuLimits, 'menuFilesMax' | 'menuFileBytesMax'>,
): MenuRead {
  const read = readMenuFolder(
    dir,
    { filesMax: limits.menuFilesMax, fileBytesMax: limits.menuFileBytesMax },
    ussdDialect,
  )
  return { menus: { ...read.settings, states: read.states }, problems: read.problems }
}

function readSystemTexts(reader: FileReader, raw: unknown): Record<SystemTextKey, Texts> {
  const texts = { ...emptyTexts }
  if (!isRecord(raw)) {
    reader.problem('texts', 'texts must be a map of the system texts')
    return texts
  }
  reader.unknownKeys('texts', 'texts', raw, systemTextKeys)
  for (const key of systemTextKeys) texts[key] = reader.texts('texts', `text ${key}`, raw[key])
  return texts
}
