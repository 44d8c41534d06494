/**
 * run-ussd-cli.ts - `telepay ussd` as a program of its own for the CLI test, until the
 * subcommand is registered in src/cli/main.ts: runs runUssd with the process's arguments and
 * standard streams and exits with its code.
 */
import { runUssd } from '../../../src/cli/ussd.js'

process.exitCode = await runUssd(process.argv.slice(2))
