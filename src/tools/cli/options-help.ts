/**
 * options-help.ts - what each option of each subcommand means, printed by `telepay <command>
 * --help` under its usage (bench and world print their own, longer help), and what the command
 * parses (args.ts's parseOptions reads the same lines). A test holds every option of a usage line
 * to a line here and back. Exports optionsHelp,
 * optionLinesOf and formatOptionLines.
 */

import type { OptionLines } from './args.js'

const url: readonly [string, string] = [
  '--url URL',
  'the gateway to talk to (default http://127.0.0.1:8080)',
]

type Documented =
  | 'start'
  | 'ledger'
  | 'trail'
  | 'sms'
  | 'ussd'
  | 'call'
  | 'wap'
  | 'menus'
  | 'conformance'
  | 'config'
  | 'reset'
  | 'terminal'
  | 'keys'
  | 'pos'

/** Each command's options; the command parses exactly these (parseOptions), no others. */
export const optionsHelp: Readonly<Record<Documented, OptionLines>> = {
  start: [
    ['--port N', 'HTTP port (http.port; default 8080; 0 picks a free one)'],
    ['--host ADDRESS', 'HTTP address (http.host; default 127.0.0.1)'],
    ['--smpp-port N', "the SMSC simulator's port (smpp.port; default 2775; 0 picks a free one)"],
    ['--pos-port N', "the ISO 8583 host's port (pos.port; default 8583; 0 picks a free one)"],
    ['--data-dir DIR', 'where the SQLite files and the lock live (dataDir; default ./data)'],
    ['--test-clock', 'a clock moved only by POST /admin/api/clock (clock: test)'],
    ['--operating-model MODEL', 'who runs the platform (operatingModel; default cooperative)'],
    [
      '--world default|none|FILE',
      'what an empty database is loaded with (world; a FILE is YAML or JSON, docs/world.md)',
    ],
  ],
  ledger: [
    ['--data-dir DIR', 'the data directory whose ledger to check (default ./data)'],
    ['--file PATH', 'a ledger file instead'],
    ['--full', 'check all history again, not only what was written since the last check'],
    ['--json', 'print the result as JSON'],
  ],
  trail: [
    url,
    ['--admin-token TOKEN', 'the admin API token (default test_admin_token)'],
    ['--relative', 'times as offsets from the first step, not clock times'],
    ['--json', 'print the trail as JSON instead of the drawing'],
  ],
  sms: [
    ['--smpp HOST:PORT', 'the SMSC to bind to (default 127.0.0.1:2775)'],
    ['--system-id ID', 'the system_id to bind with (default telepay)'],
    ['--password PW', 'its password (default telepay)'],
    ['--to NUMBER', 'the short code the MO goes to (default 12588)'],
    [
      '--wait SECONDS',
      'wait at most this long for replies (default 10; done 1.5 s after the last)',
    ],
    ['--receipt', 'ask for a delivery receipt of the MO and print it'],
  ],
  ussd: [url],
  call: [url],
  wap: [url, ['--as wml|xhtml|chtml', 'the markup the handset asks for (default xhtml)']],
  menus: [
    ['--dir DIR', 'the USSD menu folder to check (default menus/ussd)'],
    ['--ivr DIR', 'the IVR script folder to check (default menus/ivr)'],
  ],
  conformance: [
    [
      '--target URL',
      'a running gateway to drive (default: each script starts a fresh gateway of its own)',
    ],
    ['--smpp HOST:PORT', "the target's SMSC simulator (with --target)"],
    ['--pos HOST:PORT', "the target's ISO 8583 host (with --target; default its host, 8583)"],
    ['--admin-token TOKEN', "the target's admin token (default test_admin_token)"],
  ],
  config: [],
  terminal: [
    url,
    ['--amount AMOUNT', 'what a till asks for, e.g. 12.50 (a gate charges its own fare)'],
    ['--json', "print the gateway's answer as JSON"],
  ],
  reset: [
    ['--data-dir DIR', 'the data directory to reset (default ./data)'],
    ['--yes', 'delete without asking (for scripts; off a terminal it is required)'],
  ],
  pos: [
    ['--account ACCOUNT', "wallet, bank or phone_bill (default: the operating model's own)"],
    ['--terminal ID', 'the terminal (field 41; default POS10011)'],
    ['--journal FILE', "the terminal's batch journal (default <dataDir>/pos-<terminal>.json)"],
    ['--host ADDRESS', "the ISO 8583 host's address (pos.host; default 127.0.0.1)"],
    ['--port N', "the ISO 8583 host's port (pos.port; default 8583)"],
  ],
  keys: [
    ['--out FILE', 'where new keys go (default data/purse-keys.json, mode 600)'],
    ['--force', 'replace an existing file (cards personalised under its keys stop clearing)'],
  ],
}

/** The option lines of the command `name`; none for a command without options of its own. */
export function optionLinesOf(name: string): OptionLines {
  return Object.hasOwn(optionsHelp, name) ? optionsHelp[name as Documented] : []
}

/**
 * `lines` as a help prints them: each option in a column of its own and its meaning beside it,
 * wrapped within `columnsMax` under the meaning's column.
 */
export function formatOptionLines(lines: OptionLines, columnsMax = 100): string[] {
  const width = Math.max(0, ...lines.map(([option]) => option.length))
  const indent = ' '.repeat(2 + width + 2)
  const out: string[] = []
  for (const [option, meaning] of lines) {
    let line = `  ${option.padEnd(width)}  `
    let fresh = true
    for (const word of meaning.split(' ')) {
      if (!fresh && line.length + 1 + word.length > columnsMax) {
        out.push(line)
        line = indent
        fresh = true
      }
      line += fresh ? word : ` ${word}`
      fresh = false
    }
    out.push(line)
  }
  return out
}
