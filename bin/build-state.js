/**
 * build-state.js - whether dist/ holds a build of the sources as they are now. `npm run build`
 * (bin/build.js) removes dist/.built before it compiles and writes it after a build without
 * errors, dated when the build started and listing the source files it compiled; the build is
 * fresh while the same files are there and none of them, nor a tsconfig or the build script, is
 * newer than that date, and package-lock.json holds what it held (the bundle carries the packages'
 * code). Plain JavaScript: it decides whether tsx is needed.
 * Exports repositoryRoot, builtStampPath, compiledMainPath, packagesDigest, sourceFiles and
 * isBuildFresh.
 */
import { createHash } from 'node:crypto'
import { readdirSync, readFileSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'

export const repositoryRoot = fileURLToPath(new URL('..', import.meta.url))
export const builtStampPath = join(repositoryRoot, 'dist', '.built')
/** The bundle bin/telepay.js runs (bin/build.js makes it from tsc's dist/src/tools/cli/main.js). */
export const compiledMainPath = join(repositoryRoot, 'dist', 'bundle', 'main.js')

/** What the build compiles (tsconfig.build.json's include) and what decides how. */
const sourceFolders = ['src', 'channels', 'menus']
const buildFiles = ['tsconfig.json', 'tsconfig.build.json', 'bin/build.js']

function mtimeMsOf(path) {
  try {
    return statSync(path).mtimeMs
  } catch {
    return null
  }
}

function collect(folder, into) {
  let entries
  try {
    entries = readdirSync(join(repositoryRoot, folder), { withFileTypes: true })
  } catch {
    return
  }
  for (const entry of entries) {
    const path = `${folder}/${entry.name}`
    if (entry.isDirectory()) collect(path, into)
    else if (entry.name.endsWith('.ts')) into.push(path)
  }
}

/** The SHA-256 of package-lock.json ('' without one): which packages the bundle was made from. */
export function packagesDigest() {
  try {
    return createHash('sha256')
      .update(readFileSync(join(repositoryRoot, 'package-lock.json')))
      .digest('hex')
  } catch {
    return ''
  }
}

/** The TypeScript files the build compiles, as sorted repository paths. */
export function sourceFiles() {
  const files = []
  for (const folder of sourceFolders) collect(folder, files)
  return files.sort()
}

/**
 * True when dist/ was built without errors from the sources as they are now. A file added,
 * deleted or renamed since changes the list; a file saved since is newer than the stamp. The
 * check costs a few milliseconds (some 300 files' times), much less than tsx would.
 */
export function isBuildFresh() {
  let stamp
  try {
    stamp = JSON.parse(readFileSync(builtStampPath, 'utf8'))
  } catch {
    return false
  }
  const builtMs = mtimeMsOf(builtStampPath) ?? 0
  if (mtimeMsOf(compiledMainPath) === null) return false
  for (const file of buildFiles)
    if ((mtimeMsOf(join(repositoryRoot, file)) ?? 0) > builtMs) return false
  const files = sourceFiles()
  if (!Array.isArray(stamp.sources) || stamp.sources.join('\n') !== files.join('\n')) return false
  // The bundle holds the packages' code: other packages than at the build make it stale. By
  // content, not date: npm rewrites the lock file at every install, after the build.
  if (stamp.packages !== packagesDigest()) return false
  return files.every((file) => (mtimeMsOf(join(repositoryRoot, file)) ?? 0) <= builtMs)
}
