#!/usr/bin/env node
// telepay - the command-line program. It runs the compiled code of dist/ when `npm run build`
// made it from the sources as they are now (production: no TypeScript loader, a faster start),
// else the TypeScript sources through tsx's loader (development: no build step between a change
// and a run). A build older than a source is never run. TELEPAY_CODE=sources or compiled
// chooses instead (compiled refuses to run a missing or outdated build).
import { pathToFileURL } from 'node:url'
import { compiledMainPath, isBuildFresh } from './build-state.js'

const chosen = process.env.TELEPAY_CODE
if (chosen !== undefined && chosen !== 'sources' && chosen !== 'compiled') {
  process.stderr.write(`telepay: TELEPAY_CODE must be sources or compiled, not "${chosen}"\n`)
  process.exit(2)
}
const compiled = chosen === 'sources' ? false : isBuildFresh()
if (chosen === 'compiled' && !compiled) {
  process.stderr.write(
    'telepay: TELEPAY_CODE=compiled, but dist/ is missing or older than ' +
      'the sources: npm run build\n',
  )
  process.exit(2)
}
let main
if (compiled) {
  ;({ main } = await import(pathToFileURL(compiledMainPath).href))
} else {
  const { register } = await import('tsx/esm/api')
  register()
  ;({ main } = await import('../src/tools/cli/main.ts'))
}
process.exitCode = await main(process.argv.slice(2))
