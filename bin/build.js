#!/usr/bin/env node
/**
 * build.js - `npm run build`: compiles the run-time sources (tsconfig.build.json) to dist/ with
 * the TypeScript compiler, then dates dist/.built when the build began, so that bin/telepay.js
 * runs dist/ only while no source changed since. A build with errors writes no stamp: the
 * program keeps running the sources through tsx. With --if-possible (`prepare`, run by `npm
 * install` and `npm ci`) a missing compiler (an install without devDependencies) or missing
 * sources (a container layer holding only package.json) skip the build, and a failed build is
 * reported without failing the install. It also writes what the compiled gateway would otherwise
 * work out at every start: the world file's validator as code, and the shipped YAML parsed.
 */
import { spawnSync } from 'node:child_process'
import { existsSync, mkdirSync, rmSync, utimesSync, writeFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { dirname, join, relative } from 'node:path'
import {
  builtStampPath,
  compiledMainPath,
  packagesDigest,
  repositoryRoot,
  sourceFiles,
} from './build-state.js'

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
const { standaloneValidatorPath } = await import(
  join(repositoryRoot, 'dist/src/world/world-validator.js')
)
writeFileSync(join(repositoryRoot, standaloneValidatorPath), standaloneWorldValidator())
// The shipped menus and the default world, parsed once here, so that the compiled gateway starts
// without loading the yaml package (src/gateway/yaml-text.ts).
const { parsedYamlEntries, parsedYamlPath, shippedYaml } = await import(
  join(repositoryRoot, 'dist/src/gateway/yaml-text.js')
)
const texts = shippedYaml().map((shipped) => shipped.text)
writeFileSync(join(repositoryRoot, parsedYamlPath), JSON.stringify(parsedYamlEntries(texts)))
// The program itself as one bundle (dist/bundle/main.js, what bin/telepay.js runs), the commands
// it loads on demand in chunks beside it: Node resolves, reads and links each of tsc's 300
// modules and each file of the packages (about 270, 51 of them @opentelemetry/api's, which
// prom-client imports) one by one, which was half of the compiled start. better-sqlite3 stays
// outside (a native addon found by its own path); tsc's tree stays too, as the entries workers
// and child processes start from (src/gateway/repository-path.ts, compiledModuleUrl).
const bundleDir = dirname(compiledMainPath)

/**
 * Leaves `names` out of the bundle, each importer requiring its own copy from node_modules at run
 * time by a path relative to the bundle (body-parser and raw-body take iconv-lite 0.7, telepay
 * 0.6). iconv-lite carries code-page tables it loads only when asked for one: bundled, two copies
 * of them were half of the source that every start had to parse.
 */
function packagesOutside(names, outdir) {
  const filter = new RegExp(`^(${names.join('|')})$`)
  return {
    name: 'packages-outside',
    setup(build) {
      build.onResolve({ filter }, (args) => {
        const resolved = createRequire(args.importer).resolve(args.path)
        return { path: `./${relative(outdir, resolved)}`, external: true }
      })
    },
  }
}
rmSync(bundleDir, { recursive: true, force: true })
const { build: bundle } = await import('esbuild')
await bundle({
  entryPoints: { main: join(repositoryRoot, 'dist/src/tools/cli/main.js') },
  outdir: bundleDir,
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  external: ['better-sqlite3'],
  plugins: [packagesOutside(['iconv-lite'], bundleDir)],
  // CommonJS packages inside an ES module bundle still call require for Node's own modules.
  banner: {
    js:
      "import { createRequire as createRequireOfBundle } from 'node:module'\n" +
      'const require = createRequireOfBundle(import.meta.url)',
  },
  // Whitespace and syntax minified (names kept, so stack traces still name functions; the source
  // map leads back to the lines): V8 reads every byte of a module before it runs it.
  minifyWhitespace: true,
  minifySyntax: true,
  sourcemap: true,
  logLevel: 'warning',
})
mkdirSync(dirname(builtStampPath), { recursive: true })
const packages = packagesDigest()
writeFileSync(builtStampPath, `${JSON.stringify({ startedAt, sources, packages }, null, 1)}\n`)
utimesSync(builtStampPath, startedAt, startedAt)
