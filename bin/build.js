#!/usr/bin/env node
/**
 * build.js - `npm run build`: compiles the run-time sources (tsconfig.build.json) to dist/ with
 * the TypeScript compiler, then dates dist/.built when the build began, so that bin/telepay.js
 * runs dist/ only while no source changed since. A build with errors writes no stamp: the
 * program keeps running the sources through tsx. With --if-possible (`prepare`, run by `npm
 * install` and `npm ci`) a missing compiler (an install without devDependencies) or missing
 * sources (a container layer holding only package.json) skip the build, and a failed build is
 * reported without failing the install.
 */
import { spawnSync } from 'node:child_process'
import { existsSync, mkdirSync, rmSync, utimesSync, writeFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'
import { builtStampPath, repositoryRoot, sourceFiles } from './build-state.js'

const ifPossible = process.argv.includes('--if-possible')

function compilerPath() {
  try {
    return createRequire(join(repositoryRoot, 'package.json')).resolve('typescript/bin/tsc')
  } catch {
    return null
  }
}

const tsc = compilerPath()
const sourcesHere = existsSync(join(repositoryRoot, 'tsconfig.build.json'))
if (ifPossible && (tsc === null || !sourcesHere)) {
  const missing = tsc === null ? 'the TypeScript compiler is not installed' : 'no sources here'
  process.stderr.write(`telepay build: skipped (${missing}); bin/telepay.js runs the sources\n`)
  process.exit(0)
}
if (tsc === null) {
  process.stderr.write('telepay build: the TypeScript compiler is not installed (npm install)\n')
  process.exit(1)
}

// Dated before the compiler reads anything: a source saved during the build is newer than the
// stamp, so the next run takes the sources and not a build that may predate the change.
const startedAt = new Date()
const sources = sourceFiles()
rmSync(builtStampPath, { force: true })
const build = spawnSync(process.execPath, [tsc, '-p', 'tsconfig.build.json'], {
  cwd: repositoryRoot,
  stdio: 'inherit',
})
if (build.status !== 0) {
  process.stderr.write(
    'telepay build: the compiler reported errors (above); bin/telepay.js runs the sources ' +
      'through tsx until a build succeeds\n',
  )
  process.exit(ifPossible ? 0 : 1)
}
// The world file's validator as plain code, so that the compiled gateway needs no ajv compile at
// start (src/world/world-validator.ts).
const { standaloneWorldValidator } = await import(
  join(repositoryRoot, 'dist/src/world/world-validator.js')
)
writeFileSync(join(repositoryRoot, 'dist/src/world/world-validate.cjs'), standaloneWorldValidator())
mkdirSync(dirname(builtStampPath), { recursive: true })
writeFileSync(builtStampPath, `${JSON.stringify({ startedAt, sources }, null, 1)}\n`)
utimesSync(builtStampPath, startedAt, startedAt)
