/**
 * run-call-cli.ts - `telepay call` as a program of its own for the CLI test, until the subcommand
 * is registered in src/cli/main.ts: runs runCall with the process's arguments and standard
 * streams and exits with its code.
 */
import { runCall } from '../../../src/cli/call.js'

process.exitCode = await runCall(process.argv.slice(2))
