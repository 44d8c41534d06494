/**
 * yaml-text.ts - YAML text to a value, for the files the gateway reads as it starts (the menus of
 * menus/, the default world of fixtures/). Parsing them with the yaml package was a fifth of the
 * compiled start (about 170 ms of 0.7 s: loading the package and reading 160 KB of menus), for
 * files that change only with a release. So the build parses the shipped files once and keeps
 * each value as JSON under the SHA-256 of its text (dist/parsed-yaml.json); a text found there
 * is read back with JSON.parse and the yaml package is never loaded. The key is the whole text,
 * so an edited menu, an operator's own folder or a missing build simply parse as before, with
 * the same options and the same errors. Only the compiled code reads the table. Exports
 * parseYamlText, yamlTextKey, shippedYaml, parsedYamlEntries and yamlPackage.
 */
import { createHash } from 'node:crypto'
import { readdirSync, readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { isDeepStrictEqual } from 'node:util'
import { repositoryPath, runsCompiled } from './repository-path.js'

/** Where the build writes the parsed shipped files (bin/build.js), from the repository's root. */
export const parsedYamlPath = 'dist/parsed-yaml.json'

// Duplicate keys are an error (a menu state written twice must not silently win); aliases are
// bounded against a "billion laughs" file.
const parseOptions = { uniqueKeys: true, maxAliasCount: 100 } as const

/** The key of a text in the build's table: its SHA-256 (the options are fixed above). */
export function yamlTextKey(text: string): string {
  return createHash('sha256').update(text).digest('base64url')
}

let parsedTable: ReadonlyMap<string, string> | null = null

function parsedByBuild(): ReadonlyMap<string, string> {
  if (parsedTable !== null) return parsedTable
  // The sources may parse differently from the build (other options, another yaml): the table
  // serves the compiled code only, as the world's generated validator does.
  if (!runsCompiled) {
    parsedTable = new Map()
    return parsedTable
  }
  try {
    const table = JSON.parse(readFileSync(repositoryPath(parsedYamlPath), 'utf8')) as unknown
    parsedTable =
      typeof table === 'object' && table !== null
        ? new Map(
            Object.entries(table).filter(
              (entry): entry is [string, string] => typeof entry[1] === 'string',
            ),
          )
        : new Map()
  } catch {
    // No build (the sources through tsx), or an unreadable table: every text is parsed.
    parsedTable = new Map()
  }
  return parsedTable
}

type YamlPackage = typeof import('yaml')
let loadedYaml: YamlPackage | null = null

/**
 * The yaml package, loaded on first use (a text the build did not parse, a world export). By
 * require, not import(): it is CommonJS, and the bundle's import() of a CommonJS package gives
 * only its default export.
 */
export function yamlPackage(): YamlPackage {
  loadedYaml ??= createRequire(import.meta.url)('yaml') as YamlPackage
  return loadedYaml
}

/** The value of a YAML (or JSON) text; throws the yaml package's error for a bad one. */
export function parseYamlText(text: string): unknown {
  const parsed = parsedByBuild().get(yamlTextKey(text))
  if (parsed !== undefined) return JSON.parse(parsed)
  return yamlPackage().parse(text, parseOptions)
}

/** The folders whose YAML ships with telepay: the menus and the fixture worlds. */
const shippedYamlFolders = ['menus', 'fixtures/world']

/** Every shipped YAML file, by repository path, with its text: what the build parses. */
export function shippedYaml(): { readonly file: string; readonly text: string }[] {
  return shippedYamlFolders.flatMap((folder) =>
    readdirSync(repositoryPath(folder), { recursive: true, encoding: 'utf8' })
      .filter((file) => /\.ya?ml$/.test(file))
      .map((file) => ({
        file: `${folder}/${file}`,
        text: readFileSync(repositoryPath(`${folder}/${file}`), 'utf8'),
      })),
  )
}

/**
 * The build's table for these texts: each one that parses, and whose value JSON carries
 * unchanged (no dates, infinities or other values JSON would alter), as key and JSON text.
 */
export function parsedYamlEntries(texts: readonly string[]): Record<string, string> {
  const entries: Record<string, string> = {}
  for (const text of texts) {
    let value: unknown
    try {
      value = yamlPackage().parse(text, parseOptions)
    } catch {
      continue
    }
    const json = JSON.stringify(value)
    if (json === undefined || !isDeepStrictEqual(JSON.parse(json), value)) continue
    entries[yamlTextKey(text)] = json
  }
  return entries
}
