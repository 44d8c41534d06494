/**
 * main.ts - the `telepay` command: start the gateway, check the ledger, show a payment's trail,
 * run conformance scripts and the benchmark, generate big worlds. Each subcommand lives in its
 * own module, loaded only when asked for.
 */
import { operatingModelIds } from '../../core/operating-models.js'
import { formatOptionLines, optionLinesOf } from './options-help.js'

interface Subcommand {
  readonly summary: string
  readonly usage: string
  /**
   * `--help` after a first word is that word's own (`telepay bench scale --help`): the command
   * prints it, not this usage.
   */
  readonly nestedHelp?: boolean
  run(args: string[]): Promise<number>
}

const subcommands: Readonly<Record<string, Subcommand>> = {
  start: {
    summary: 'start the gateway (HTTP on 127.0.0.1:8080, SQLite under ./data/, the default world)',
    usage:
      'telepay start [--port N] [--host ADDRESS] [--smpp-port N] [--pos-port N] [--data-dir DIR] ' +
      `[--test-clock] [--operating-model ${operatingModelIds.join('|')}] ` +
      '[--world default|none|FILE]',
    run: async (args) => (await import('./start.js')).runStart(args),
  },
  ledger: {
    summary: 'check the ledger: every transfer sums to zero, every balance equals its entries',
    usage: 'telepay ledger check [--data-dir DIR | --file PATH] [--full] [--json]',
    run: async (args) => (await import('./ledger.js')).runLedger(args),
  },
  trail: {
    summary:
      "print a payment's nine-step trail as a sequence diagram (consumer, merchant, platform, " +
      'credit institution) from a running gateway; last = the newest payment',
    usage:
      'telepay trail <payment id | last> [--url http://127.0.0.1:8080] [--admin-token TOKEN] ' +
      '[--relative] [--json]',
    run: async (args) => (await import('./trail.js')).runTrail(args),
  },
  sms: {
    summary:
      'send an SMS to the short code as a phone and print the replies (needs a running gateway)',
    usage:
      'telepay sms [--smpp HOST:PORT] [--system-id ID --password PW] [--to 12588] ' +
      '[--wait SECONDS] [--receipt] <msisdn> "<text>"',
    run: async (args) => (await import('./sms.js')).runSms(args),
  },
  ussd: {
    summary: 'play a USSD session in the terminal against a running gateway (POST /ussd)',
    usage: 'telepay ussd <msisdn> [*123#] [--url http://127.0.0.1:8080]',
    run: async (args) => (await import('./ussd.js')).runUssd(args),
  },
  call: {
    summary:
      'play an IVR call in the terminal against a running gateway (type keys; ' +
      'empty line = silence, h = hang up)',
    usage: 'telepay call <msisdn> [12588] [--url http://127.0.0.1:8080]',
    run: async (args) => (await import('./call.js')).runCall(args),
  },
  wap: {
    summary:
      'browse the WAP pages in the terminal as a handset (links by key, f fills a form, q quits)',
    usage: 'telepay wap [msisdn] [--as wml|xhtml|chtml] [--url http://127.0.0.1:8080]',
    run: async (args) => (await import('./wap.js')).runWap(args),
  },
  terminal: {
    summary:
      "tap a subscriber's RFID-SIM on a simulated gate or till and print the receipt; list " +
      "the terminals; print a card's purse (needs a running gateway in simulator mode)",
    usage:
      'telepay terminal list | tap <terminal> <msisdn> [--amount 12.50] | card <msisdn> ' +
      '[--url http://127.0.0.1:8080] [--json]',
    run: async (args) => (await import('./terminal.js')).runTerminal(args),
  },
  pos: {
    summary:
      'an online shop terminal over ISO 8583: sign on, a purchase or a balance with the PIN ' +
      'typed on its PIN pad, void, refund, reversal, settlement; keeps its batch journal ' +
      '(needs a running gateway)',
    usage:
      'telepay pos signon | purchase <msisdn> <amount> | balance <msisdn> | void <stan> | ' +
      'refund <stan> <amount> | reverse <stan> | settle | journal ' +
      '[--account wallet|bank|phone_bill] [--terminal POS10011] [--journal FILE] ' +
      '[--host 127.0.0.1] [--port 8583]',
    run: async (args) => (await import('./pos.js')).runPos(args),
  },
  keys: {
    summary:
      "make the operator's own purse master keys: a new file of random keys, readable by its " +
      'owner only, for onsite.keysFile (the keys are never printed); check one',
    usage: 'telepay keys new [--out data/purse-keys.json] [--force] | check <file>',
    run: async (args) => (await import('./keys.js')).runKeys(args),
  },
  config: {
    summary:
      'print the configuration reference (every key, its default, variable and meaning) or ' +
      'a configuration file with every key at its default',
    usage: 'telepay config reference | example',
    run: async (args) => (await import('./config.js')).runConfig(args),
  },
  reset: {
    summary:
      'delete the ledger and the working files of a data directory (asks first; a running ' +
      'gateway on it is refused), so that the next start loads its world again',
    usage: 'telepay reset [--data-dir DIR] [--yes]',
    run: async (args) => (await import('./reset.js')).runReset(args),
  },
  menus: {
    summary:
      'check the USSD menus (menus/ussd) and IVR call scripts (menus/ivr): states, texts, ' +
      'validators',
    usage: 'telepay menus check [--dir menus/ussd] [--ivr menus/ivr]',
    run: async (args) => (await import('./menus.js')).runMenus(args),
  },
  conformance: {
    summary: 'run conformance scripts (YAML) against a gateway over its real protocols',
    usage:
      'telepay conformance [--target http://127.0.0.1:8080 --smpp 127.0.0.1:2775] ' +
      '[--pos 127.0.0.1:8583] [--admin-token TOKEN] FILES...',
    run: async (args) => (await import('../conformance/cli.js')).runConformance(args),
  },
  bench: {
    summary:
      'benchmarks beside their baselines: ledger (durable payments/s vs raw SQLite), ' +
      'sms (SMPP commands/s vs a bare smpp echo server), ussd (hops/s vs bare express), ' +
      "handset (a web handset's send-to-reply p99 vs SMPP phones), " +
      'startup (time to a ready /healthz and idle memory, compiled and through tsx, vs a bare ' +
      'node:http server), ' +
      'onsite (a tap at a bus gate: p99 vs the 400 ms bound, beside the same crypto and ' +
      'commits), ' +
      'clearing (a day of offline records vs the TACs alone), ' +
      'pos (ISO 8583 purchases/s vs a bare TCP echo), ' +
      'scale (the same at 1,000,000 subscribers and 100,000 open sessions; not in all), ' +
      'storage (bytes a payment; not in all)',
    usage:
      'telepay bench [all | ledger [--seconds N] [--batch-max N] [--in-flight N] [--keep] ' +
      '[--json] | sms [--seconds N] [--binds N] [--window N] ... (telepay bench sms --help) | ' +
      'ussd ... | startup [--runs N] [--idle-seconds S] | onsite [--seconds N] [--pcsc-taps N] | ' +
      'clearing [--records N] | pos [--seconds N] [--terminals N] | ' +
      'scale [--small] [--sections A,B,C,D] ' +
      '[--subscribers N,N] [--sessions N] ... ' +
      '(telepay bench scale --help)]',
    nestedHelp: true,
    run: async (args) => (await import('../bench/bench-cli.js')).runBenchCommand(args),
  },
  world: {
    summary:
      'world files and big generated worlds: check a world file, generate N subscribers and ' +
      "M merchants into a data directory, fill its history with payments, list the merchants' " +
      'API keys',
    usage:
      'telepay world check <file> | load <file> | export [--out FILE] | ' +
      'generate --subscribers N --merchants M [--data-dir DIR] ' +
      '[--seed S] ' +
      '[--pin 1234] [--cards-every K] [--force] | fill --payments N [--days D] ' +
      '[--data-dir DIR] [--keys random|sequential] | merchants [--data-dir DIR] [--seed S] ' +
      '(telepay world generate --help, telepay world fill --help)',
    run: async (args) => (await import('./world.js')).runWorld(args),
    nestedHelp: true,
  },
}

/** One command's help: what it does, its usage, and each option's meaning. */
function commandHelp(name: string, command: Subcommand): string {
  const options = optionLinesOf(name)
  return [
    command.summary,
    '',
    `Usage: ${command.usage}`,
    ...(options.length === 0 ? [] : ['', 'Options:']),
    ...formatOptionLines(options),
  ].join('\n')
}

/** Each subcommand's usage line, for the test that every option in it is explained. */
export function usageLines(): Readonly<Record<string, string>> {
  return Object.fromEntries(Object.entries(subcommands).map(([name, c]) => [name, c.usage]))
}

function help(): string {
  const width = Math.max(...Object.keys(subcommands).map((name) => name.length))
  const lines = Object.entries(subcommands).map(
    ([name, command]) => `  ${name.padEnd(width)}  ${command.summary}`,
  )
  return [
    'telepay - a telecom channel gateway for mobile payments',
    '',
    'Usage: telepay <command> [options]',
    '',
    'Commands:',
    ...lines,
    '',
    'Run `telepay <command> --help` for the options of one command.',
    'Configuration: telepay.config.json in the working directory (or TELEPAY_CONFIG), ' +
      'then TELEPAY_* variables; see docs/configuration.md.',
  ].join('\n')
}

export async function main(args: string[]): Promise<number> {
  const [name, ...rest] = args
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    process.stdout.write(`${help()}\n`)
    return name === undefined ? 1 : 0
  }
  const command = subcommands[name]
  if (command === undefined) {
    process.stderr.write(`telepay: unknown command "${name}"\n\n${help()}\n`)
    return 2
  }
  const nested = command.nestedHelp === true && rest[0] !== undefined && !rest[0].startsWith('-')
  if (!nested && (rest.includes('--help') || rest.includes('-h'))) {
    process.stdout.write(`${commandHelp(name, command)}\n`)
    return 0
  }
  return command.run(rest)
}
