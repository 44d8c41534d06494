/**
 * pos-bench.ts - `telepay bench pos`: purchases a second through the ISO 8583 host over many
 * concurrent terminal connections, each a terminal that sends its next 0200 when the answer to
 * the last has come (PIN block under its PIN key, MAC under its MAC key, a wallet purchase of a
 * random subscriber), beside a bare TCP echo of the same messages (the same framing, the same
 * client work: encode, MAC, decode) in the same run, in alternating slices; the ratio, p50/p99
 * latency, and a money check (every approved purchase paid once: the ledger's completed POS
 * payments are exactly they, in count and sum). The terminals run in a worker thread of their
 * own (pos/load-worker.ts), so the gateway's event loop, or the echo's, is what is measured.
 * The gateway is the real one (a seeded bench world, the SMS bench's gateway); its PIN hashes
 * use a low cost, because every POS purchase checks a PIN and scrypt at the gateway's default
 * cost is a bound of its own: the report prints how many checks a second that default allows.
 * Exports runPosBench, parsePosBenchArgs, posBenchUsage, formatPosBenchReport, posBenchTargets.
 */
import type { AddressInfo, Server } from 'node:net'
import { createServer } from 'node:net'
import { join } from 'node:path'
import { performance } from 'node:perf_hooks'
import { Worker } from 'node:worker_threads'
import Database from 'better-sqlite3'
import { FrameReader, frameOf } from '../../bearer/iso8583/framing.js'
import { compiledModuleUrl, runsCompiled } from '../../gateway/repository-path.js'
import { createPinHasher } from '../../service/pin-hasher.js'
import { inBenchDir } from './bench-dir.js'
import type { LatencySummary, MachineInfo } from './measure.js'
import { machineInfo, ms, rate, summarizeLatency } from './measure.js'
import type { PosLoadReply, PosLoadRequest, PosSide, PosSideCounts } from './pos/load-worker.js'
import { startSmsBenchGateway } from './sms/bench-gateway.js'
import { benchPin } from './sms/flows.js'

export const posBenchTargets = {
  /** The target on two cores. */
  purchasesPerSecondMin: 5_000,
  /** And at least a quarter of a bare echo of the same messages. */
  echoRatioMin: 0.25,
} as const

const defaults = {
  seconds: 8,
  slices: 4,
  warmupSeconds: 1,
  terminals: 64,
  subscribers: 10_000,
  /**
   * scrypt's N for the bench world's PIN hashes: low, so that the host is measured and not the
   * PIN hash (every POS purchase checks one; at the gateway's default a check is tens of ms of a
   * core, and the report prints the bound that sets).
   */
  pinHashCost: 16,
  /** The gateway's own default, timed for the report's line on PIN checks. */
  defaultPinHashCost: 16_384,
} as const

export const posBenchUsage = `usage: telepay bench pos [--seconds N] [--terminals N] \
[--subscribers N] [--dir PATH] [--keep] [--json]
  --seconds N      measured seconds of each side (default ${defaults.seconds}), in \
${defaults.slices} alternating slices
  --terminals N    concurrent terminal connections (default ${defaults.terminals})
  --subscribers N  subscribers the purchases are spread over (default ${defaults.subscribers})
  --dir PATH       where the gateway's files go (default: a new directory under ./data/bench)
  --keep           keep the files
  --json           also print the report as JSON`

export interface PosBenchOptions {
  readonly seconds: number
  readonly terminals: number
  readonly subscribers: number
  readonly dir: string | null
  readonly keep: boolean
}

export function parsePosBenchArgs(
  args: readonly string[],
): { ok: true; options: PosBenchOptions; json: boolean } | { ok: false; error: string } {
  const options = {
    seconds: defaults.seconds as number,
    terminals: defaults.terminals as number,
    subscribers: defaults.subscribers as number,
    dir: null as string | null,
    keep: false,
  }
  let json = false
  for (let index = 0; index < args.length; index += 1) {
    const arg = args[index]
    const value = args[index + 1]
    const number = (min: number, max: number): number | null => {
      index += 1
      const parsed = Number(value)
      return Number.isFinite(parsed) && parsed >= min && parsed <= max ? parsed : null
    }
    if (arg === '--seconds') {
      const seconds = number(1, 600)
      if (seconds === null) return { ok: false, error: '--seconds needs 1 to 600' }
      options.seconds = seconds
    } else if (arg === '--terminals') {
      const terminals = number(1, 2_000)
      if (terminals === null) return { ok: false, error: '--terminals needs 1 to 2000' }
      options.terminals = Math.floor(terminals)
    } else if (arg === '--subscribers') {
      const subscribers = number(10, 1_000_000)
      if (subscribers === null) return { ok: false, error: '--subscribers needs 10 to 1000000' }
      options.subscribers = Math.floor(subscribers)
    } else if (arg === '--dir') {
      if (value === undefined) return { ok: false, error: '--dir needs a path' }
      options.dir = value
      index += 1
    } else if (arg === '--keep') options.keep = true
    else if (arg === '--json') json = true
    else return { ok: false, error: `unknown option ${String(arg)}\n${posBenchUsage}` }
  }
  return { ok: true, options, json }
}

interface SideResult {
  readonly name: string
  readonly messages: number
  readonly approved: number
  readonly perSecond: number
  readonly latency: LatencySummary
  readonly problems: readonly string[]
}

export interface PosBenchReport {
  readonly machine: MachineInfo
  readonly options: PosBenchOptions & { readonly pinHashCost: number }
  readonly telepay: SideResult
  readonly echo: SideResult
  readonly ratio: number
  /** Approved purchases' sum against the POS payments the ledger completed (count, fen). */
  readonly money: {
    readonly approvedMinor: string
    readonly paidMinor: string
    readonly paidCount: string
  }
  /** PIN checks a second at the gateway's default scrypt cost, two at a time (its bound). */
  readonly defaultCostChecksPerSecond: number
  readonly pass: boolean
}

/** A bare TCP echo of framed messages: each frame sent back as it came. */
async function startEcho(): Promise<{ server: Server; port: number }> {
  const server = createServer((socket) => {
    socket.setNoDelay(true)
    const reader = new FrameReader()
    socket.on('data', (chunk: Buffer) => {
      for (const frame of reader.push(chunk)) socket.write(frameOf(frame))
    })
    socket.on('error', () => undefined)
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  return { server, port: (server.address() as AddressInfo).port }
}

function sideResult(name: string, counts: PosSideCounts, elapsedMs: number): SideResult {
  return {
    name,
    messages: counts.messages,
    approved: counts.approved,
    perSecond: elapsedMs === 0 ? 0 : (counts.messages * 1_000) / elapsedMs,
    latency: summarizeLatency(counts.samples),
    problems: counts.problems,
  }
}

/** The terminals in a worker thread: `ask` one request at a time, each answered in turn. */
function startLoad(spec: {
  telepayPort: number
  echoPort: number
  terminals: number
  subscribers: number
}): { ready: Promise<void>; ask: (request: PosLoadRequest) => Promise<PosLoadReply> } {
  const entry = runsCompiled
    ? compiledModuleUrl('src/tools/bench/pos/load-worker.ts')
    : new URL('./pos/boot.mjs', import.meta.url)
  const worker = new Worker(entry, { workerData: spec })
  const waiting: ((reply: PosLoadReply) => void)[] = []
  worker.on('message', (reply: PosLoadReply) => waiting.shift()?.(reply))
  worker.on('error', (error) => waiting.shift()?.({ op: 'failed', message: error.message }))
  const next = () => new Promise<PosLoadReply>((resolve) => waiting.push(resolve))
  const checked = async (reply: Promise<PosLoadReply>) => {
    const answer = await reply
    if (answer.op === 'failed') throw new Error(`the POS bench load failed: ${answer.message}`)
    return answer
  }
  return {
    ready: checked(next()).then(() => undefined),
    ask: (request) => {
      const reply = next()
      worker.postMessage(request)
      return checked(reply)
    },
  }
}

/** PIN checks a second at scrypt cost `cost`, two at a time as the gateway bounds them. */
async function pinChecksPerSecond(cost: number): Promise<number> {
  const hasher = createPinHasher(cost)
  const stored = await hasher.hash(benchPin)
  const started = performance.now()
  let checks = 0
  while (performance.now() - started < 1_000) {
    await Promise.all([hasher.verify(benchPin, stored), hasher.verify(benchPin, stored)])
    checks += 2
  }
  return (checks * 1_000) / (performance.now() - started)
}

export async function runPosBench(
  options: PosBenchOptions,
  progress: (line: string) => void,
): Promise<PosBenchReport> {
  return inBenchDir(options, 'pos-run-', async (dir) => {
    const machine = machineInfo()
    progress(
      `pos bench: ${options.terminals} terminal connections, ` +
        `${options.subscribers.toLocaleString('en')} subscribers, seeding`,
    )
    const gateway = await startSmsBenchGateway(dir, {
      subscribers: options.subscribers,
      pinHashCost: defaults.pinHashCost,
      windowMax: 10,
      flowsPerBind: 10,
    })
    const echo = await startEcho()
    try {
      if (gateway.pos === null) throw new Error('the gateway started without its ISO 8583 host')
      const load = startLoad({
        telepayPort: gateway.pos.port,
        echoPort: echo.port,
        terminals: options.terminals,
        subscribers: options.subscribers,
      })
      await load.ready
      const run = async (side: PosSide, seconds: number, measured: boolean) => {
        const reply = await load.ask({ op: 'run', side, seconds, measured })
        return reply.op === 'ran' ? reply.elapsedMs : 0
      }
      progress(
        `  warm-up ${defaults.warmupSeconds} s a side (the terminals in a thread of their own)`,
      )
      await run('telepay', defaults.warmupSeconds, false)
      await run('echo', defaults.warmupSeconds, false)
      const elapsed = { telepay: 0, echo: 0 }
      const sliceSeconds = options.seconds / defaults.slices
      for (let slice = 0; slice < defaults.slices; slice += 1) {
        const order: PosSide[] = slice % 2 === 0 ? ['telepay', 'echo'] : ['echo', 'telepay']
        for (const side of order) elapsed[side] += await run(side, sliceSeconds, true)
        progress(`  slice ${slice + 1}/${defaults.slices} done`)
      }
      const finished = await load.ask({ op: 'finish' })
      if (finished.op !== 'finished') throw new Error('the POS bench load did not finish')
      const telepayResult = sideResult(
        'telepay ISO 8583 host',
        finished.sides.telepay,
        elapsed.telepay,
      )
      const echoResult = sideResult('bare TCP echo', finished.sides.echo, elapsed.echo)
      const approvedMinor = BigInt(finished.sides.telepay.approvedMinor)
      const paid = paidByPos(join(dir, 'telepay.sqlite'))
      progress('  timing PIN checks at the default scrypt cost')
      const defaultCostChecksPerSecond = await pinChecksPerSecond(defaults.defaultPinHashCost)
      const ratio = echoResult.perSecond === 0 ? 0 : telepayResult.perSecond / echoResult.perSecond
      const sound =
        telepayResult.problems.length === 0 &&
        echoResult.problems.length === 0 &&
        approvedMinor === paid.amountMinor &&
        BigInt(finished.sides.telepay.approved) === paid.count
      return {
        machine,
        options: { ...options, dir, pinHashCost: defaults.pinHashCost },
        telepay: telepayResult,
        echo: echoResult,
        ratio,
        money: {
          approvedMinor: approvedMinor.toString(),
          paidMinor: paid.amountMinor.toString(),
          paidCount: paid.count.toString(),
        },
        defaultCostChecksPerSecond,
        pass:
          sound &&
          telepayResult.perSecond >= posBenchTargets.purchasesPerSecondMin &&
          ratio >= posBenchTargets.echoRatioMin,
      }
    } finally {
      await new Promise((resolve) => echo.server.close(resolve))
      await gateway.close()
    }
  })
}

/** The POS payments the ledger completed, read from its file as any reader would. */
function paidByPos(file: string): { count: bigint; amountMinor: bigint } {
  const db = new Database(file, { readonly: true })
  try {
    db.defaultSafeIntegers(true)
    const row = db
      .prepare(
        'SELECT count(*) AS count, coalesce(sum(amount_minor), 0) AS amount FROM payments ' +
          "WHERE channel = 'pos' AND state = 'completed'",
      )
      .get() as { count: bigint; amount: bigint }
    return { count: row.count, amountMinor: row.amount }
  } finally {
    db.close()
  }
}

function paidOnce(report: PosBenchReport): boolean {
  return (
    report.money.approvedMinor === report.money.paidMinor &&
    report.money.paidCount === String(report.telepay.approved)
  )
}

export function formatPosBenchReport(report: PosBenchReport): string[] {
  const verdict = (pass: boolean) => (pass ? 'PASS' : 'FAIL')
  const side = (result: SideResult) =>
    `${result.name.padEnd(22)} ${rate(result.perSecond).padStart(7)} messages/s  ` +
    `p50 ${ms(result.latency.p50Ms)}  p99 ${ms(result.latency.p99Ms)}  ` +
    `(${result.messages.toLocaleString('en')} in ${report.options.seconds} s)`
  const lines = [
    `machine: ${report.machine.cores} cores, ${report.machine.cpuModel}, ` +
      `node ${report.machine.node}`,
    `${report.options.terminals} terminal connections, closed loop, wallet purchases of ` +
      `${report.options.subscribers.toLocaleString('en')} subscribers, PIN hash cost ` +
      `${report.options.pinHashCost}`,
    side(report.telepay),
    side(report.echo),
    `ratio ${report.ratio.toFixed(3)}`,
    `money: ${report.telepay.approved.toLocaleString('en')} approved purchases, ` +
      `${report.money.approvedMinor} fen; the ledger completed ${report.money.paidCount} POS ` +
      `payments, ${report.money.paidMinor} fen`,
    `PIN checks at the gateway's default scrypt cost ` +
      `(${defaults.defaultPinHashCost}), two at a time: ` +
      `${rate(report.defaultCostChecksPerSecond)}/s here, a bound on PIN purchases at that cost`,
  ]
  for (const problem of [...report.telepay.problems, ...report.echo.problems])
    lines.push(`problem: ${problem}`)
  lines.push(
    `${verdict(report.telepay.perSecond >= posBenchTargets.purchasesPerSecondMin)} purchases/s ` +
      `>= ${rate(posBenchTargets.purchasesPerSecondMin)}`,
    `${verdict(report.ratio >= posBenchTargets.echoRatioMin)} ratio to the bare echo >= ` +
      `${posBenchTargets.echoRatioMin}`,
    `${verdict(paidOnce(report))} every approved purchase paid once`,
  )
  return lines
}
