/**
 * load-scripts.ts - reads menus/ivr/*.yaml into a ScriptSet, noting every structural problem
 * (bad YAML, a state that is not exactly one of menu/input/command/end, a text without both
 * languages, a malformed gather) with its file and state instead of stopping at the first.
 * Semantic checks live in check-scripts.ts. The folder, the YAML and the states map are read by
 * the one menu loader (src/gateway/menus/load.ts).
 */
import type { MenuDialect, Raw } from '../../../src/gateway/menus/index.js'
import { isRecord, MenuFileReader, readMenuFolder } from '../../../src/gateway/menus/index.js'
import type { IvrFlowLimits } from './limits.js'
import type {
  GatherSpec,
  MenuChoice,
  Problem,
  ScriptSet,
  ScriptState,
  SystemTextKey,
  Texts,
} from './script-model.js'
import { systemTextKeys } from './script-model.js'

export interface ScriptRead {
  readonly scripts: ScriptSet
  readonly problems: readonly Problem[]
}

const outcomes = ['completed', 'failed_input', 'unregistered', 'error'] as const
const fallbackGather: GatherSpec = {
  digitsMax: 1,
  digitsMin: 1,
  finishOnKey: '',
  firstDigitTimeoutMs: 5_000,
  interDigitTimeoutMs: 3_000,
}

class FileReader extends MenuFileReader {
  optionalTexts(state: string, what: string, raw: unknown): Texts | null {
    return raw === undefined ? null : this.texts(state, what, raw)
  }

  optionalString(state: string, what: string, raw: unknown): string | null {
    return raw === undefined ? null : this.string(state, what, raw)
  }

  /** A gather: every field of `base` that `raw` does not override. */
  gather(state: string, what: string, raw: unknown, base: GatherSpec): GatherSpec {
    if (raw === undefined) return base
    if (!isRecord(raw)) {
      this.problem(state, `${what} must be a map`)
      return base
    }
    this.unknownKeys(state, what, raw, [
      'digitsMax',
      'digitsMin',
      'finishOnKey',
      'firstDigitTimeoutMs',
      'interDigitTimeoutMs',
    ])
    const count = (key: string, fallback: number): number => {
      const value = raw[key]
      if (value === undefined) return fallback
      if (typeof value === 'number' && Number.isInteger(value)) return value
      this.problem(state, `${what}.${key} must be a whole number`)
      return fallback
    }
    let digitsMax = base.digitsMax
    if (raw['digitsMax'] === null) digitsMax = null
    else if (raw['digitsMax'] !== undefined) digitsMax = count('digitsMax', base.digitsMax ?? 1)
    let finishOnKey = base.finishOnKey
    const key = raw['finishOnKey']
    if (key === '#' || key === '*' || key === '') finishOnKey = key
    else if (key !== undefined) this.problem(state, `${what}.finishOnKey must be '#', '*' or ''`)
    return {
      digitsMax,
      digitsMin: count('digitsMin', base.digitsMin),
      finishOnKey,
      firstDigitTimeoutMs: count('firstDigitTimeoutMs', base.firstDigitTimeoutMs),
      interDigitTimeoutMs: count('interDigitTimeoutMs', base.interDigitTimeoutMs),
    }
  }

  choices(state: string, raw: unknown): MenuChoice[] {
    if (!isRecord(raw) || Object.keys(raw).length === 0) {
      this.problem(state, 'menu must be a non-empty map of keys to states')
      return []
    }
    return Object.entries(raw).map(([key, item]) => {
      if (typeof item === 'string') return { key, to: item, set: {} }
      if (!isRecord(item)) {
        this.problem(state, `menu key ${key} must name a state or be a map with to and set`)
        return { key, to: '', set: {} }
      }
      this.unknownKeys(state, `menu key ${key}`, item, ['to', 'set'])
      return {
        key,
        to: this.string(state, `menu key ${key} to`, item['to']),
        set: this.stringMap(state, `menu key ${key} set`, item['set']),
      }
    })
  }

  state(name: string, raw: unknown, gathers: ScriptSet['gathers']): ScriptState | null {
    if (!isRecord(raw)) {
      this.problem(name, 'a state must be a map')
      return null
    }
    const kinds = (['menu', 'input', 'command', 'end'] as const).filter(
      (kind) => raw[kind] !== undefined,
    )
    const kind = kinds[0]
    if (kind === undefined || kinds.length > 1) {
      this.problem(name, 'a state must have exactly one of menu, input, command or end')
      return null
    }
    const base = { name, file: this.file }
    if (kind === 'command') {
      this.unknownKeys(name, 'a command state', raw, [
        'command',
        'then',
        'next',
        'results',
        'caller_id_only',
      ])
      const command = this.menuCommand(name, raw)
      if (command === null) return null
      return {
        ...base,
        kind,
        command: {
          ...command,
          next: this.string(name, 'next', raw['next']),
          callerIdOnly: raw['caller_id_only'] === true,
        },
      }
    }
    if (kind === 'end') {
      this.unknownKeys(name, 'an end state', raw, ['end', 'say'])
      const outcome = this.string(name, 'end', raw['end'])
      if (outcome !== '' && !(outcomes as readonly string[]).includes(outcome))
        this.problem(name, `end must be one of ${outcomes.join(', ')}`)
      return { ...base, kind, say: this.texts(name, 'say', raw['say']), outcome }
    }
    this.unknownKeys(name, `a ${kind} state`, raw, [
      kind,
      'say',
      'help',
      'no_match',
      'gather',
      'back',
      'on_failure',
    ])
    const listening = {
      ...base,
      say: this.texts(name, 'say', raw['say']),
      help: this.optionalTexts(name, 'help', raw['help']),
      noMatch: this.optionalTexts(name, 'no_match', raw['no_match']),
      gather: this.gather(name, 'gather', raw['gather'], gathers[kind]),
      back: this.optionalString(name, 'back', raw['back']),
      onFailure: this.optionalString(name, 'on_failure', raw['on_failure']),
    }
    if (kind === 'menu') return { ...listening, kind, choices: this.choices(name, raw['menu']) }
    const input = this.menuInput(name, raw['input'])
    if (input === null) return null
    return {
      ...listening,
      kind,
      input: { name: input.name, validator: input.validator, next: input.next },
    }
  }
}

/** What an IVR script folder adds to the one loader: main.yaml's call settings, and call states. */
const ivrDialect: MenuDialect<Omit<ScriptSet, 'states'>, ScriptState, FileReader> = {
  noun: 'script',
  settingsKeys: ['number', 'home', 'identify', 'on_failure', 'gathers', 'texts', 'results', 'then'],
  reader: (file) => new FileReader(file),
  settings: (reader, raw) => readSettings(reader, raw ?? {}),
  state: (reader, name, raw, settings) => reader.state(name, raw, settings.gathers),
}

/** Reads every *.yaml of `dir`; a missing folder or main.yaml is a problem, not an exception. */
export function readScripts(dir: string, limits: IvrFlowLimits): ScriptRead {
  const read = readMenuFolder(
    dir,
    { filesMax: limits.scriptFilesMax, fileBytesMax: limits.scriptFileBytesMax },
    ivrDialect,
  )
  return { scripts: { ...read.settings, states: read.states }, problems: read.problems }
}

function readSettings(reader: FileReader, raw: Raw): Omit<ScriptSet, 'states'> {
  const rawGathers = isRecord(raw['gathers']) ? raw['gathers'] : {}
  if (!isRecord(raw['gathers'])) reader.problem('-', 'gathers must be a map with menu and input')
  const gathers = {
    menu: reader.gather('-', 'gathers.menu', rawGathers['menu'] ?? {}, fallbackGather),
    input: reader.gather('-', 'gathers.input', rawGathers['input'] ?? {}, {
      ...fallbackGather,
      digitsMax: null,
      finishOnKey: '#',
    }),
  }
  const rawTexts = isRecord(raw['texts']) ? raw['texts'] : {}
  const texts = {} as Record<SystemTextKey, Texts>
  for (const key of systemTextKeys) texts[key] = reader.texts('-', `texts.${key}`, rawTexts[key])
  return {
    number: reader.string('-', 'number', raw['number']),
    home: reader.string('-', 'home', raw['home']),
    identify: reader.string('-', 'identify', raw['identify']),
    onFailure: reader.string('-', 'on_failure', raw['on_failure']),
    texts,
    results: reader.textMap('-', 'results', raw['results']),
    then: reader.stringMap('-', 'then', raw['then']),
    gathers,
  }
}
