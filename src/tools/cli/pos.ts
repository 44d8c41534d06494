/**
 * pos.ts - `telepay pos`: an online shop terminal from the command line, speaking ISO 8583 to a
 * running gateway's host (pos.host:pos.port) as terminal POS10011 does, with the keys of the
 * gateway's configuration (onsite.keysFile, else the public test keys). `signon`; `purchase
 * <msisdn> <amount>` and `balance <msisdn>` ask for the PIN as a PIN pad does (shown as stars,
 * never echoed); `reverse <msisdn> <amount> --stan N` reverses a purchase. Prints the answer's
 * code and what it means. Exit 0 approved, 1 declined or unreachable, 2 usage. Exports runPos.
 */

import { loadConfig } from '../../config.js'
import { formatAmount, parseAmount } from '../../core/index.js'
import { KeyStore, testMasterKeys } from '../../gateway/pboc/key-store.js'
import { readMasterKeysFile } from '../../gateway/pboc/keys-file.js'
import { responseMeaning } from '../../gateway/pos/response-meanings.js'
import { panOfMsisdn } from '../../gateway/pos/virtual-pan.js'
import type { PosAnswer } from '../pos/pos-client.js'
import { connectPos } from '../pos/pos-client.js'
import { parseOptions, UsageError } from './args.js'
import { optionsHelp } from './options-help.js'
import { interruptedExitCode, openLineInput, processIo } from './terminal-io.js'

const usage =
  'usage: telepay pos signon | purchase <msisdn> <amount> | balance <msisdn> | ' +
  'reverse <msisdn> <amount> --stan N [--account wallet|bank|phone_bill] [--terminal POS10011] ' +
  '[--host 127.0.0.1] [--port 8583]'

const accountDigits: Readonly<Record<string, string>> = {
  wallet: '10',
  bank: '20',
  phone_bill: '30',
}

export async function runPos(args: string[]): Promise<number> {
  try {
    const parsed = parseOptions(args, optionsHelp.pos)
    const [action, msisdn, amountText, ...rest] = parsed.positional
    if (rest.length > 0) throw new UsageError(`unexpected ${rest[0]}`)
    const option = (name: string): string | null => {
      const value = parsed.options.get(name)
      return typeof value === 'string' ? value : null
    }
    const config = loadConfig()
    const account = option('account')
    if (account !== null && accountDigits[account] === undefined)
      throw new UsageError(`--account is wallet, bank or phone_bill, not ${account}`)
    const processing = (code: string) => `${code}${accountDigits[account ?? ''] ?? '00'}00`
    const stanText = option('stan')
    if (stanText !== null && !/^[0-9]{1,6}$/.test(stanText))
      throw new UsageError('--stan is 1 to 6 digits')
    const stan = stanText === null ? Math.floor(Date.now() / 1_000) % 1_000_000 : Number(stanText)
    const terminalId = option('terminal') ?? 'POS10011'
    const masters =
      config.onsite.keysFile === null ? testMasterKeys : readMasterKeysFile(config.onsite.keysFile)
    const keys = new KeyStore(masters).posKeys(terminalId)
    const host = option('host') ?? config.pos.host
    const port = Number(option('port') ?? config.pos.port)
    const needs = (what: string | undefined, name: string): string => {
      if (what === undefined) throw new UsageError(`${action} needs ${name}`)
      return what
    }
    if (!['signon', 'purchase', 'balance', 'reverse'].includes(action ?? ''))
      throw new UsageError(action === undefined ? 'which?' : `no such action: ${action}`)
    const pan = action === 'signon' ? '' : panOfMsisdn(needs(msisdn, 'an MSISDN'))
    let amountMinor = 0n
    if (action === 'purchase' || action === 'reverse') {
      const amount = parseAmount(needs(amountText, 'an amount, e.g. 12.50'))
      if (!amount.ok || amount.minor <= 0n)
        throw new UsageError('the amount is yuan with at most two decimals, e.g. 12.50')
      amountMinor = amount.minor
    }
    if (action === 'reverse' && stanText === null)
      throw new UsageError('reverse needs --stan: the trace number of the purchase')
    let client: Awaited<ReturnType<typeof connectPos>>
    try {
      client = await connectPos({ host, port, terminalId, keys })
    } catch (error) {
      process.stderr.write(
        `telepay pos: no ISO 8583 host at ${host}:${port} (${(error as Error).message}): ` +
          'is the gateway running?\n',
      )
      return 1
    }
    try {
      // Connected first: a host that is not there is said before anyone types a PIN.
      const pin = action === 'purchase' || action === 'balance' ? await askPin() : null
      if (pin === 'interrupted') return interruptedExitCode
      let answer: PosAnswer
      if (action === 'signon') answer = await client.send('0800', new Map([[11, pad(stan)]]))
      else {
        const fields = client.purchaseFields(pan, amountMinor, stan, pin)
        if (action === 'balance') fields.set(3, processing('31')).set(4, '0'.repeat(12))
        else fields.set(3, processing('00'))
        answer = await client.send(action === 'reverse' ? '0400' : '0200', fields)
      }
      print(answer, stan)
      return answer.code === '00' ? 0 : 1
    } finally {
      client.close()
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

function pad(stan: number): string {
  return String(stan).padStart(6, '0')
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

function print(answer: PosAnswer, stan: number): void {
  const field = (number: number) => {
    const value = answer.fields.get(number)
    return typeof value === 'string' ? value : null
  }
  const lines = [
    `${answer.mti} ${answer.code} ${responseMeaning(answer.code)}  (STAN ${pad(stan)})`,
  ]
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
