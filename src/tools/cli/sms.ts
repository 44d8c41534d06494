/**
 * sms.ts - `telepay sms <msisdn> "<text>"`: sends one MO to a running gateway's SMSC simulator
 * (or any SMSC) as the phone `msisdn`, and prints the replies that come back, reassembled, until
 * none has come for a moment. Exit 0 when at least one reply came, 1 when none did, 2 for usage.
 */
import { loadConfig } from '../../config.js'
import { PhoneEsme } from '../phones/phone-esme.js'
import type { ParsedArgs } from './args.js'
import { parseOptions, UsageError } from './args.js'
import { optionsHelp } from './options-help.js'

const usage =
  'Usage: telepay sms [--smpp HOST:PORT] [--system-id ID --password PW] [--to 12588] ' +
  '[--wait SECONDS] [--receipt] <msisdn> "<text>"'

export async function runSms(args: string[]): Promise<number> {
  let parsed: ParsedArgs
  try {
    parsed = parseOptions(args, optionsHelp.sms)
  } catch (error) {
    if (error instanceof UsageError) {
      process.stderr.write(`telepay sms: ${error.message}\n${usage}\n`)
      return 2
    }
    throw error
  }
  const [msisdn, ...words] = parsed.positional
  if (msisdn === undefined || words.length === 0) {
    process.stderr.write(`${usage}\n`)
    return 2
  }
  // Defaults come from the same configuration the gateway reads (file and TELEPAY_* variables).
  const config = loadConfig()
  const smpp = parsed.options.get('smpp')
  const match = typeof smpp === 'string' ? /^(.+):(\d+)$/.exec(smpp) : null
  if (typeof smpp === 'string' && match === null) {
    process.stderr.write(`telepay sms: --smpp takes HOST:PORT\n${usage}\n`)
    return 2
  }
  const waitSeconds = Number(parsed.options.get('wait') ?? 10)
  if (!Number.isFinite(waitSeconds) || waitSeconds <= 0) {
    process.stderr.write('telepay sms: --wait takes a number of seconds\n')
    return 2
  }
  const host = match?.[1] ?? config.smpp.host
  const port = match === null ? config.smpp.port : Number(match[2])
  const systemId = String(parsed.options.get('system-id') ?? config.smpp.systemId)
  const password = String(parsed.options.get('password') ?? config.smpp.password)
  const to = String(parsed.options.get('to') ?? config.sms.shortCode)
  const phones = new PhoneEsme({ host, port, systemId, password, shortCode: to })
  try {
    const failure = await phones.bind()
    if (failure !== null) {
      process.stderr.write(
        `telepay sms: cannot bind to ${host}:${port} as ${systemId}: ${failure} ` +
          `(is the gateway running? npm start)\n`,
      )
      return 1
    }
    const sent = await phones.send(msisdn, words.join(' '), {
      receipt: parsed.options.get('receipt') === true,
    })
    if (!sent.ok) {
      process.stderr.write(`telepay sms: the SMSC refused the message: ${sent.error}\n`)
      return 1
    }
    process.stderr.write(`sent to ${to} as message ${sent.messageIds.join(', ')}\n`)
    // Replies come at once; a card payment's answer waits for the bank (up to its timeout).
    const replies = await phones.collect(msisdn, 1_500, waitSeconds * 1000)
    for (const reply of replies) {
      const parts = reply.parts > 1 ? `, ${reply.parts} parts` : ''
      process.stdout.write(
        `${reply.from} -> ${reply.to} ` +
          `[${reply.dataCoding === 8 ? 'UCS-2' : 'GSM'}${parts}]: ${reply.text}\n`,
      )
    }
    for (const receipt of phones.receipts) {
      process.stdout.write(
        `receipt for ${receipt.receiptedMessageId ?? '?'}: ` +
          `${receipt.receipt?.stat ?? 'unparsed'}\n`,
      )
    }
    if (replies.length === 0)
      process.stderr.write(`telepay sms: no reply within ${waitSeconds} s\n`)
    return replies.length > 0 ? 0 : 1
  } finally {
    await phones.close()
  }
}
