/**
 * terminal.ts - `telepay terminal`: the simulator's on-site terminals from the command line.
 * `list` prints them; `tap <terminal> <msisdn> [--amount 12.50]` taps the subscriber's RFID-SIM on
 * one (a till takes the amount; a gate charges its fare) and prints the receipt, or the
 * terminal's refusal; `card <msisdn>` prints the card's purse and its log. It talks to a running
 * gateway in simulator mode (POST /sim/terminals/:name/taps, GET /sim/cards/:msisdn). Exit 0 when
 * paid or printed, 1 when refused or the gateway cannot be reached, 2 for usage. Exports
 * runTerminal.
 */
import type { ParsedArgs } from './args.js'
import { parseOptions, UsageError } from './args.js'
import { gatewayUrl, unreachableCause } from './gateway-url.js'
import { optionsHelp } from './options-help.js'

const usage =
  'Usage: telepay terminal list | tap <terminal> <msisdn> [--amount 12.50] | card <msisdn> ' +
  '[--url http://127.0.0.1:8080] [--json]'

/** A tap is a few APDUs in process: a gateway that takes longer is stuck. */
const requestTimeoutMs = 10_000

interface Answer {
  readonly status: number
  readonly json: Record<string, unknown>
}

async function call(url: string, method: string, path: string, body?: unknown): Promise<Answer> {
  const response = await fetch(`${url}${path}`, {
    method,
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    signal: AbortSignal.timeout(requestTimeoutMs),
  })
  const text = await response.text()
  let json: Record<string, unknown> = {}
  try {
    json = JSON.parse(text) as Record<string, unknown>
  } catch {
    json = { error: `http_${response.status}`, message: text.slice(0, 200) }
  }
  return { status: response.status, json }
}

const out = (line: string): void => {
  process.stdout.write(`${line}\n`)
}

function refusedLine(command: string, answer: Answer): string {
  const hint =
    answer.status === 404 && answer.json['error'] === undefined
      ? ' (is the gateway in simulator mode?)'
      : ''
  return (
    `telepay terminal ${command}: ${String(answer.json['message'] ?? 'refused')} ` +
    `(${String(answer.json['error'] ?? answer.status)})${hint}`
  )
}

const when = (date: unknown, time: unknown): string => {
  const d = String(date)
  const t = String(time)
  const day = `${d.slice(0, 4)}-${d.slice(4, 6)}-${d.slice(6, 8)}`
  return `${day} ${t.slice(0, 2)}:${t.slice(2, 4)}:${t.slice(4, 6)}`
}

async function tap(url: string, parsed: ParsedArgs, json: boolean): Promise<number> {
  const [, name, msisdn] = parsed.positional
  if (name === undefined || msisdn === undefined)
    throw new UsageError('tap needs a terminal and an MSISDN')
  const amount = parsed.options.get('amount')
  const body = { msisdn, ...(typeof amount === 'string' ? { amount } : {}) }
  const answer = await call(url, 'POST', `/sim/terminals/${encodeURIComponent(name)}/taps`, body)
  if (json) out(JSON.stringify(answer.json, null, 2))
  if (answer.status !== 200) {
    process.stderr.write(`${refusedLine('tap', answer)}\n`)
    return 1
  }
  if (json) return 0
  const receipt = answer.json['receipt'] as Record<string, unknown>
  out(
    `${name} · paid CNY ${String(receipt['amount'])} (${String(receipt['kind'])}) ` +
      `from card ${String(receipt['cardNumber'])}`,
  )
  out(`  balance after    CNY ${String(receipt['balanceAfter'])}`)
  out(
    `  terminal serial  ${String(receipt['terminalSerial'])} · ` +
      `card serial ${String(receipt['cardSerial'])} · TAC ${String(receipt['tac'])}`,
  )
  out(`  at               ${when(receipt['date'], receipt['time'])}`)
  if (answer.json['recovered'] === true)
    out('  (an earlier tap of this card had paid already: nothing charged again)')
  return 0
}

async function card(url: string, parsed: ParsedArgs, json: boolean): Promise<number> {
  const [, msisdn] = parsed.positional
  if (msisdn === undefined) throw new UsageError('card needs an MSISDN')
  const answer = await call(url, 'GET', `/sim/cards/${encodeURIComponent(msisdn)}`)
  if (answer.status !== 200) {
    process.stderr.write(`${refusedLine('card', answer)}\n`)
    return 1
  }
  if (json) {
    out(JSON.stringify(answer.json, null, 2))
    return 0
  }
  const state = answer.json
  out(
    `card ${String(state['cardNumber'])} of ${String(state['msisdn'])}` +
      (state['blocked'] === true ? ' (blocked)' : ''),
  )
  out(`  purse  CNY ${String(state['balance'])}`)
  const transit = state['transit'] as Record<string, unknown> | null
  if (transit !== null && transit['inRide'] === true)
    out(
      `  in a ride since ${when(transit['date'], transit['time'])} ` +
        `at ${String(transit['terminalId'])}`,
    )
  const log = state['log'] as Record<string, unknown>[]
  if (log.length === 0) out('  no transactions yet')
  for (const entry of log)
    out(
      `  ${when(entry['date'], entry['time'])}  ${String(entry['kind']).padEnd(8)}  ` +
        `CNY ${String(entry['amount']).padStart(8)}  terminal ${String(entry['terminalId'])}`,
    )
  return 0
}

async function list(url: string, json: boolean): Promise<number> {
  const answer = await call(url, 'GET', '/sim/terminals')
  if (answer.status !== 200) {
    process.stderr.write(`${refusedLine('list', answer)}\n`)
    return 1
  }
  if (json) {
    out(JSON.stringify(answer.json, null, 2))
    return 0
  }
  for (const terminal of answer.json['terminals'] as Record<string, unknown>[]) {
    const fare = terminal['fare'] as Record<string, unknown>
    const words =
      fare['kind'] === 'flat'
        ? `flat fare CNY ${(Number(fare['fareFen']) / 100).toFixed(2)}`
        : fare['kind'] === 'entry'
          ? 'subway entry gate'
          : fare['kind'] === 'exit'
            ? 'subway exit gate'
            : 'till (the amount typed)'
    out(
      `${String(terminal['name']).padEnd(10)} ${String(terminal['terminalId'])}  ` +
        `merchant ${String(terminal['merchant'])}  ${words}`,
    )
  }
  return 0
}

export async function runTerminal(args: string[]): Promise<number> {
  let parsed: ParsedArgs
  try {
    parsed = parseOptions(args, optionsHelp.terminal)
  } catch (error) {
    if (error instanceof UsageError) {
      process.stderr.write(`telepay terminal: ${error.message}\n${usage}\n`)
      return 2
    }
    throw error
  }
  const url = gatewayUrl(parsed.options.get('url'))
  const json = parsed.options.get('json') === true
  const action = parsed.positional[0]
  try {
    if (action === 'list') return await list(url, json)
    if (action === 'tap') return await tap(url, parsed, json)
    if (action === 'card') return await card(url, parsed, json)
    process.stderr.write(`${usage}\n`)
    return 2
  } catch (error) {
    if (error instanceof UsageError) {
      process.stderr.write(`telepay terminal: ${error.message}\n${usage}\n`)
      return 2
    }
    process.stderr.write(
      `telepay terminal: no answer from ${url}: ${unreachableCause(error)} ` +
        '(is the gateway running? npm start)\n',
    )
    return 1
  }
}
