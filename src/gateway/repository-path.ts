/**
 * repository-path.ts - where the files telepay reads at run time live (menus/, fixtures/, the
 * sources' own doc comments): under the repository's root, whether this module runs from the
 * sources (src/gateway/repository-path.ts, through tsx) or compiled (dist/src/gateway/
 * repository-path.js, one folder deeper). The build compiles only code; data stays where it is.
 * Exports repositoryPath and runsCompiled.
 */
import { fileURLToPath } from 'node:url'

/**
 * Whether this process runs the compiled code of dist/. Compiled modules import only compiled
 * ones, so what holds for this module holds for every other: a worker or child started from
 * compiled code loads its entry's .js, and from the sources it needs tsx's loader first.
 */
export const runsCompiled = import.meta.url.endsWith('.js')

// tsconfig.build.json keeps the tree's layout under dist/ (rootDir "."), so the compiled module
// is exactly one level further from the root than its source.
const rootUrl = new URL(runsCompiled ? '../../../' : '../../', import.meta.url)

/** The absolute path of `relative` (a repository path such as `menus/ussd`). */
export function repositoryPath(relative: string): string {
  return fileURLToPath(new URL(relative, rootUrl))
}
