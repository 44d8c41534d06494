/**
 * pos.ts - `telepay pos`: an online shop terminal from the command line, speaking ISO 8583 to a
 * running gateway's host (pos.host:pos.port) as terminal POS10011 does, with the keys of the
 * gateway's configuration (onsite.keysFile, else the public test keys). Like a terminal it keeps
 * its batch journal (batch number, STANs, what the host approved) in a file between runs:
 * `signon`; `purchase <msisdn> <amount>` and `balance <msisdn>` ask for the PIN as a PIN pad does
 * (shown as stars, never echoed); `void <stan>`, `refund <stan> <amount>`, `reverse <stan>`;
 * `settle` (uploading the batch when the host's totals differ); `journal`. A purchase left
 * without an answer is reversed before the next message. Prints each answer's code and what it
 * means. Exit 0 approved, 1 declined or unreachable, 2 usage. Exports runPos.
 */
import { join } from 'node:path'
import { readJournal, writeJournal } from '../../bearer/pos-terminal/journal-file.js'
import type { PosAnswer } from '../../bearer/pos-terminal/pos-client.js'
import { connectPos } from '../../bearer/pos-terminal/pos-client.js'
import type { TerminalJournal } from '../../bearer/pos-terminal/pos-terminal.js'
import { journalTotals, PosTerminalSession } from '../../bearer/pos-terminal/pos-terminal.js'
import { loadConfig } from '../../config.js'
import { formatAmount, parseAmount } from '../../core/index.js'
import { KeyStore, testMasterKeys } from '../../gateway/pboc/key-store.js'
import { readMasterKeysFile } from '../../gateway/pboc/keys-file.js'
import type { BatchTotals } from '../../gateway/pos/batch-totals.js'
import { totalsOfField } from '../../gateway/pos/batch-totals.js'
import { defaultOnlineTerminals } from '../../gateway/pos/online-terminals.js'
import { digitsOfAccount, posAmountMaxMinor } from '../../gateway/pos/pos-accounts.js'
import { responseMeaning } from '../../gateway/pos/response-meanings.js'
import { panOfMsisdn } from '../../gateway/pos/virtual-pan.js'
import { parseOptions, UsageError } from './args.js'
import { optionsHelp } from './options-help.js'
import { interruptedExitCode, openLineInput, processIo } from './terminal-io.js'

const usage =
  'usage: telepay pos signon | purchase <msisdn> <amount> | balance <msisdn> | void <stan> | ' +
  'refund <stan> <amount> | reverse <stan> | settle | journal [--account wallet|bank|phone_bill] ' +
  '[--terminal POS10011] [--journal FILE] [--host 127.0.0.1] [--port 8583]'

/** Each action and the words after it. */
const arities: Readonly<Record<string, readonly string[]>> = {
  signon: [],
  purchase: ['an MSISDN', 'an amount, e.g. 12.50'],
  balance: ['an MSISDN'],
  void: ['the STAN of the purchase'],
  refund: ['the STAN of the purchase', 'an amount, e.g. 12.50'],
  reverse: ['the STAN of the purchase'],
  settle: [],
  journal: [],
}

export async function runPos(args: string[]): Promise<number> {
  try {
    const parsed = parseOptions(args, optionsHelp.pos)
    const [action, ...words] = parsed.positional
    const wanted = arities[action ?? '']
    if (action === undefined || wanted === undefined)
      throw new UsageError(action === undefined ? 'which?' : `no such action: ${action}`)
    if (words.length < wanted.length)
      throw new UsageError(`${action} needs ${wanted[words.length]}`)
    if (words.length > wanted.length) throw new UsageError(`unexpected ${words[wanted.length]}`)
    const option = (name: string): string | null => {
      const value = parsed.options.get(name)
      return typeof value === 'string' ? value : null
    }
    const account = option('account')
    const digits = account === null ? '00' : digitsOfAccount(account)
    if (digits === null)
      throw new UsageError(`--account is wallet, bank or phone_bill, not ${account}`)
    const processing = (code: string) => `${code}${digits}00`
    const amountOf = (word: string | undefined): bigint => {
      const amount = parseAmount(word ?? '')
      if (!amount.ok || amount.minor <= 0n || amount.minor > posAmountMaxMinor)
        throw new UsageError('the amount is yuan with at most two decimals, e.g. 12.50')
      return amount.minor
    }
    const stanOf = (word: string | undefined): string => {
      if (word === undefined || !/^[0-9]{1,6}$/.test(word))
        throw new UsageError('a STAN is 1 to 6 digits (see telepay pos journal)')
      return word.padStart(6, '0')
    }
    const config = loadConfig()
    const terminalId = option('terminal') ?? 'POS10011'
    const journalFile = option('journal') ?? join(config.dataDir, `pos-${terminalId}.json`)
    const journal = readJournal(journalFile, terminalId)
    if (action === 'journal') {
      printJournal(journal)
      return 0
    }
    const [first, second] = words
    const amountMinor =
      action === 'purchase' ? amountOf(second) : action === 'refund' ? amountOf(second) : 0n
    const stan = ['void', 'refund', 'reverse'].includes(action) ? stanOf(first) : ''
    const pan = action === 'purchase' || action === 'balance' ? panOfMsisdn(first ?? '') : ''
    const masters =
      config.onsite.keysFile === null ? testMasterKeys : readMasterKeysFile(config.onsite.keysFile)
    const keys = new KeyStore(masters).posKeys(terminalId)
    const host = option('host') ?? config.pos.host
    const port = Number(option('port') ?? config.pos.port)
    let client: Awaited<ReturnType<typeof connectPos>>
    try {
      const dialect = defaultOnlineTerminals.find((t) => t.terminalId === terminalId)?.dialect
      client = await connectPos({ host, port, terminalId, keys, dialect: dialect ?? 'ascii' })
    } catch (error) {
      process.stderr.write(
        `telepay pos: no ISO 8583 host at ${host}:${port} (${(error as Error).message}): ` +
          'is the gateway running?\n',
      )
      return 1
    }
    const session = new PosTerminalSession(
      client,
      journal,
      // The terminal's local time (fields 12 and 13), as the gateway's days begin.
      () => new Date(Date.now() + config.limits.dayOffsetMs),
    )
    try {
      if (action !== 'signon' && action !== 'reverse') {
        const reversal = await session.reversePending()
        if (reversal !== null) print('a purchase left unanswered, reversed first:', reversal)
      }
      // Connected first: a host that is not there is said before anyone types a PIN.
      const pin = action === 'purchase' || action === 'balance' ? await askPin() : null
      if (pin === 'interrupted') return interruptedExitCode
      let answer: PosAnswer
      if (action === 'signon') answer = await session.signOn()
      else if (action === 'purchase')
        answer = await session.purchase(pan, amountMinor, pin, processing('00'))
      else if (action === 'balance') answer = await session.balance(pan, pin, processing('31'))
      else if (action === 'void') answer = await session.void(stan)
      else if (action === 'refund') answer = await session.refund(stan, amountMinor)
      else if (action === 'reverse') answer = await session.reverse(stan)
      else {
        const settled = await session.settle()
        printSettlement(settled)
        return settled.answer.code === '00' ? 0 : 1
      }
      print('', answer)
      return answer.code === '00' ? 0 : 1
    } catch (error) {
      const pending = journal.entries.find((entry) => entry.state === 'pending')
      if (pending !== undefined)
        process.stderr.write(
          `telepay pos: purchase STAN ${pending.stan} has no answer: it is reversed before the ` +
            'next message\n',
        )
      throw error
    } finally {
      client.close()
      writeJournal(journalFile, journal)
    }
  } catch (error) {
    if (error instanceof UsageError) {
      process.stderr.write(`telepay pos: ${error.message}\n${usage}\n`)
      return 2
    }
    process.stderr.write(`telepay pos: ${(error as Error).message}\n`)
    return 1
  }
}

async function askPin(): Promise<string | null | 'interrupted'> {
  const input = openLineInput(processIo)
  try {
    const read = await input.read('PIN: ', { secret: true })
    if (read.kind === 'interrupt') return 'interrupted'
    return read.kind === 'line' && read.text !== '' ? read.text : null
  } finally {
    input.close()
  }
}

function print(title: string, answer: PosAnswer): void {
  const field = (number: number) => {
    const value = answer.fields.get(number)
    return typeof value === 'string' ? value : null
  }
  const lines = title === '' ? [] : [title]
  lines.push(
    `${answer.mti} ${answer.code} ${responseMeaning(answer.code)}  (STAN ${field(11) ?? '-'})`,
  )
  const reference = field(37)
  if (reference !== null) lines.push(`  reference ${reference}, approval code ${field(38) ?? '-'}`)
  const balance = field(54)
  if (balance !== null) {
    const fen = BigInt(balance.slice(8))
    lines.push(`  balance ${formatAmount(balance[7] === 'D' ? -fen : fen)} CNY`)
  }
  if (!answer.macValid) lines.push("  the answer's MAC is not the host's: do not trust it")
  process.stdout.write(`${lines.join('\n')}\n`)
}

function totalsLine(totals: BatchTotals): string {
  return (
    `${totals.debitCount} debits ${formatAmount(totals.debitMinor)}, ` +
    `${totals.creditCount} credits ${formatAmount(totals.creditMinor)} CNY`
  )
}

function printSettlement(settled: Awaited<ReturnType<PosTerminalSession['settle']>>): void {
  const field48 = settled.answer.fields.get(48)
  const theirs = totalsOfField(typeof field48 === 'string' ? field48 : null)
  const lines = [`batch ${settled.closedBatch}`, `  terminal: ${totalsLine(settled.ours)}`]
  if (theirs !== null) lines.push(`  host:     ${totalsLine(theirs)}`)
  const { mti, code } = settled.answer
  const answer = `${mti} ${code} ${responseMeaning(code)}`
  if (settled.answer.code !== '00') lines.push(`  ${answer}: the batch stays open`)
  else if (settled.balanced) lines.push(`  ${answer}: balanced, batch closed`)
  else
    lines.push(
      `  did not balance: ${settled.uploaded} transactions uploaded; ${answer}: ` +
        "the batch closed on the host's totals",
    )
  process.stdout.write(`${lines.join('\n')}\n`)
}

function printJournal(journal: TerminalJournal): void {
  const batch = String(journal.batch).padStart(6, '0')
  const lines = [`terminal ${journal.terminalId}, batch ${batch} open`]
  for (const entry of journal.entries.filter((row) => row.batch === batch))
    lines.push(
      `  STAN ${entry.stan}  ${entry.date}  ${entry.kind.padEnd(8)} ` +
        `${formatAmount(BigInt(entry.amountMinor)).padStart(10)}  ${entry.state}`,
    )
  lines.push(`  totals: ${totalsLine(journalTotals(journal))}`)
  process.stdout.write(`${lines.join('\n')}\n`)
}
