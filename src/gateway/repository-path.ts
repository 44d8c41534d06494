/**
 * repository-path.ts - where the files telepay reads at run time live (menus/, fixtures/, the
 * sources' own doc comments, the compiled modules a worker starts from): under the repository's
 * root, whether this module runs from the sources (through tsx), compiled by tsc (dist/src/...)
 * or inside the build's bundle (dist/bundle/). The build compiles only code; data stays where it
 * is. Exports repositoryPath, compiledModuleUrl and runsCompiled.
 */
import { existsSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'

/**
 * Whether this process runs the compiled code of dist/. Compiled modules import only compiled
 * ones, so what holds for this module holds for every other: a worker or child started from
 * compiled code loads its entry's .js, and from the sources it needs tsx's loader first.
 */
export const runsCompiled = import.meta.url.endsWith('.js')

/**
 * The nearest folder above this module that holds a package.json: the repository (or the
 * installed package). Searched, not counted, because the same code runs from three depths.
 */
function rootOf(moduleUrl: string): string {
  let folder = dirname(fileURLToPath(moduleUrl))
  while (!existsSync(join(folder, 'package.json'))) {
    const parent = dirname(folder)
    if (parent === folder) throw new Error(`no package.json above ${fileURLToPath(moduleUrl)}`)
    folder = parent
  }
  return folder
}

const root = rootOf(import.meta.url)

/** The absolute path of `relative` (a repository path such as `menus/ussd`). */
export function repositoryPath(relative: string): string {
  return join(root, relative)
}

/**
 * The compiled module of a source (`src/ledger/reports/worker.ts` → dist/src/ledger/reports/
 * worker.js), for a worker or child process to start from: tsc's tree under dist/ keeps every
 * module as a file of its own, which the bundle does not.
 */
export function compiledModuleUrl(sourcePath: string): URL {
  return pathToFileURL(repositoryPath(`dist/${sourcePath.replace(/\.ts$/, '.js')}`))
}
