#!/usr/bin/env node
// telepay - the command-line program. It runs the TypeScript sources through tsx's loader, so
// there is no build step between a change and `npm start`.
import { register } from 'tsx/esm/api'

register()
const { main } = await import('../src/tools/cli/main.ts')
process.exitCode = await main(process.argv.slice(2))
