/**
 * load.ts - reads a folder of menu files (menus/ussd, menus/ivr) into settings and states, noting
 * every problem (an unreadable folder, too many or too large files, bad YAML, a file that is not a
 * map, unknown keys, a state defined twice) with its file and state instead of stopping at the
 * first. What a state and main.yaml's settings hold is the medium's: it reads them with a
 * MenuDialect. Semantic checks live in check.ts.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { parseYamlText } from '../yaml-text.js'
import type { MenuFileReader, Raw } from './file-reader.js'
import { isRecord } from './file-reader.js'
import type { Problem } from './model.js'

/** The file holding the settings of the whole folder (service or number, home, texts, ...). */
export const mainFile = 'main.yaml'

export interface MenuFolderLimits {
  /** Files read from the folder: one per flow, a dozen at most. */
  readonly filesMax: number
  /** Bytes of one file: a hand-written flow is a few kilobytes. */
  readonly fileBytesMax: number
}

/** What one medium reads of its files; the folder, the YAML and the states map are the loader's. */
export interface MenuDialect<Settings, State, Reader extends MenuFileReader = MenuFileReader> {
  /** The word for the files in problems: `menu` (USSD) or `script` (IVR). */
  readonly noun: string
  /** The reader of one file, with the medium's own field readers. */
  reader(file: string): Reader
  /** Top-level keys of main.yaml besides `states`. */
  readonly settingsKeys: readonly string[]
  /** main.yaml's settings; `raw` is null when main.yaml is missing or unreadable. */
  settings(reader: Reader, raw: Raw | null): Settings
  /** One state, or null when it is too broken to keep (the reader has noted why). */
  state(reader: Reader, name: string, raw: unknown, settings: Settings): State | null
}

export interface MenuFolder<Settings, State> {
  readonly settings: Settings
  readonly states: ReadonlyMap<string, State>
  readonly problems: readonly Problem[]
}

/** Reads every `*.yaml` of `dir`; never throws for what is in the files, only notes problems. */
export function readMenuFolder<
  Settings,
  State extends { readonly file: string },
  Reader extends MenuFileReader,
>(
  dir: string,
  limits: MenuFolderLimits,
  dialect: MenuDialect<Settings, State, Reader>,
): MenuFolder<Settings, State> {
  const problems: Problem[] = []
  let files: string[] = []
  try {
    files = readdirSync(dir)
      .filter((file) => file.endsWith('.yaml') || file.endsWith('.yml'))
      .sort()
    if (!files.includes(mainFile))
      problems.push({ file: mainFile, state: '-', message: `${mainFile} is missing from ${dir}` })
  } catch (error) {
    problems.push({
      file: '.',
      state: '-',
      message:
        `cannot read the ${dialect.noun} folder: ` +
        (error instanceof Error ? error.message : String(error)),
    })
  }
  if (files.length > limits.filesMax) {
    problems.push({
      file: '.',
      state: '-',
      message: `${files.length} ${dialect.noun} files, more than ${limits.filesMax}`,
    })
    files = files.slice(0, limits.filesMax)
  }
  // main.yaml first: its settings (an IVR's default gathers) shape the states of every file.
  const readers = new Map(files.map((file) => [file, dialect.reader(file)]))
  const readerOf = (file: string): Reader => readers.get(file) ?? dialect.reader(file)
  const raws = new Map<string, Raw | null>()
  for (const file of files) {
    const raw = readYaml(join(dir, file), readerOf(file), limits.fileBytesMax)
    if (raw !== null)
      readerOf(file).unknownKeys(
        '-',
        'the file',
        raw,
        file === mainFile ? [...dialect.settingsKeys, 'states'] : ['states'],
      )
    raws.set(file, raw)
  }
  const main = readerOf(mainFile)
  const settings = dialect.settings(main, raws.get(mainFile) ?? null)
  const states = new Map<string, State>()
  for (const file of files) {
    const reader = readerOf(file)
    const raw = raws.get(file) ?? null
    if (raw !== null) {
      if (!isRecord(raw['states'])) reader.problem('-', 'the file needs a map of states')
      for (const [name, rawState] of Object.entries(isRecord(raw['states']) ? raw['states'] : {})) {
        const state = dialect.state(reader, name, rawState, settings)
        if (state === null) continue
        const earlier = states.get(name)
        if (earlier !== undefined) {
          reader.problem(name, `state ${name} is also defined in ${earlier.file}`)
          continue
        }
        states.set(name, state)
      }
    }
    problems.push(...reader.problems)
  }
  if (!files.includes(mainFile)) problems.push(...main.problems)
  return { settings, states, problems }
}

function readYaml(path: string, reader: MenuFileReader, bytesMax: number): Raw | null {
  try {
    if (statSync(path).size > bytesMax) {
      reader.problem('-', `the file is larger than ${bytesMax} bytes`)
      return null
    }
    const raw: unknown = parseYamlText(readFileSync(path, 'utf8'))
    if (isRecord(raw)) return raw
    reader.problem('-', 'the file must be a YAML map')
  } catch (error) {
    reader.problem(
      '-',
      `not valid YAML: ${error instanceof Error ? error.message.split('\n')[0] : String(error)}`,
    )
  }
  return null
}
