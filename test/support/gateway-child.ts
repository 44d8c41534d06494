/**
 * gateway-child.ts - a real gateway (`node bin/telepay.js start`) in a child process on a data
 * directory, under mixed load, for the stop and crash tests: phones on several ESMEs bound over
 * SMPP pay by SMS (PAY ... P, then YES), merchants ask phones to pay over the merchant API (the
 * phone answers the notice with YES), and every HTTP request and SMPP answer is recorded with
 * whether it came before the signal. After the child is stopped or killed and started again
 * on the same directory, inspectLoad reads the ledger file and says what each acknowledgement
 * became. Exports seedLoadWorld, startGatewayChild, signalChild, runUntilSignal, sleep, httpCall,
 * MixedLoad, inspectLoad, acknowledgedButMissing.
 */

import type { ChildProcess } from 'node:child_process'
import { spawn } from 'node:child_process'
import { request } from 'node:http'
import { join, resolve } from 'node:path'
import { createInterface } from 'node:readline'
import { checkLedger } from '../../src/ledger/reports/ledger-check.js'
import { openLedgerDatabase } from '../../src/ledger/sqlite-open.js'
import { logCopyDirVariable } from '../../src/service/log.js'
import { benchMsisdn, buildBenchWorld, seedDatabase } from '../../src/tools/bench/bench-world.js'
import { PhoneEsme } from '../../src/tools/phones/phone-esme.js'

const ledgerName = 'telepay.sqlite'

/**
 * A ledger of `subscribers` bench subscribers (PIN 1234, phone bill 100.00 with 500.00 credit) and
 * the default merchants.
 */
export async function seedLoadWorld(dir: string, subscribers: number): Promise<void> {
  await seedDatabase(join(dir, ledgerName), await buildBenchWorld(subscribers), Date.now())
}

export interface GatewayChild {
  readonly process: ChildProcess
  readonly url: string
  readonly smppPort: number
  /** Everything the gateway logged (stderr). */
  log(): string
  readonly exited: Promise<{ readonly code: number | null; readonly signal: NodeJS.Signals | null }>
}

/**
 * Starts `telepay start` on `dir` with ephemeral HTTP and SMPP ports; resolves once both listen.
 */
export function startGatewayChild(dir: string): Promise<GatewayChild> {
  const child = spawn(
    process.execPath,
    [resolve('bin/telepay.js'), 'start', '--port', '0', '--data-dir', dir],
    {
      env: {
        ...withoutTelepaySettings(),
        TELEPAY_SMPP_PORT: '0',
        TELEPAY_POS_PORT: '0',
        TELEPAY_LOG_LEVEL: 'info',
      },
      stdio: ['ignore', 'ignore', 'pipe'],
    },
  )
  let log = ''
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((done) => {
    child.once('close', (code, signal) => done({ code, signal }))
  })
  return new Promise((done, fail) => {
    let url: string | null = null
    let smppPort: number | null = null
    const lines = createInterface({ input: child.stderr as NodeJS.ReadableStream })
    lines.on('line', (line) => {
      log += `${line}\n`
      // stderr is no terminal: the lines are JSON.
      const entry = line.startsWith('{') ? (JSON.parse(line) as Record<string, unknown>) : {}
      if (entry['msg'] === 'telepay listening') url ??= String(entry['http'])
      if (entry['msg'] === 'smsc simulator listening')
        smppPort = Number(/:(\d+)$/.exec(String(entry['smpp']))?.[1])
      if (url !== null && smppPort !== null) {
        const started = { process: child, url, smppPort, log: () => log, exited }
        url = null
        done(started)
      }
    })
    void exited.then(({ code, signal }) =>
      fail(new Error(`gateway exited (${code ?? signal}) before it listened:\n${log}`)),
    )
  })
}

/**
 * Sends `signal` and waits for the exit; a child still running after `waitMs` is killed (SIGKILL).
 */
export async function signalChild(
  child: GatewayChild,
  signal: NodeJS.Signals,
  waitMs: number,
): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
  child.process.kill(signal)
  const timer = setTimeout(() => child.process.kill('SIGKILL'), waitMs)
  try {
    return await child.exited
  } finally {
    clearTimeout(timer)
  }
}

export const sleep = (ms: number): Promise<void> =>
  new Promise((resolve) => setTimeout(resolve, ms))

function withoutTelepaySettings(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {}
  for (const [key, value] of Object.entries(process.env))
    if (!key.startsWith('TELEPAY_') || key === logCopyDirVariable) env[key] = value
  return env
}

/** One HTTP request: its answer, or the error that ended it, and when it was connected. */
export interface HttpCall {
  readonly connectedMs: number | null
  readonly status: number | null
  readonly error: string | null
  /** The parsed body when it is JSON, else the text. */
  readonly json: unknown
}

/**
 * A request on a connection of its own (no keep-alive reuse): `connectedMs` says when it reached
 * the gateway. A URLSearchParams body goes as a form (a USSD provider's callback), others as JSON.
 */
export function httpCall(
  url: string,
  method: string,
  path: string,
  token: string,
  body?: unknown,
): Promise<HttpCall> {
  return new Promise((done) => {
    let connectedMs: number | null = null
    const form = body instanceof URLSearchParams
    const payload = body === undefined ? undefined : form ? body.toString() : JSON.stringify(body)
    const contentType = form ? 'application/x-www-form-urlencoded' : 'application/json'
    const req = request(
      `${url}${path}`,
      {
        method,
        agent: false,
        headers: {
          authorization: `Bearer ${token}`,
          ...(payload === undefined ? {} : { 'content-type': contentType }),
        },
      },
      (response) => {
        let text = ''
        response.setEncoding('utf8')
        response.on('data', (chunk: string) => {
          text += chunk
        })
        response.on('end', () => {
          let json: unknown = text
          try {
            json = JSON.parse(text)
          } catch {
            json = text
          }
          done({ connectedMs, status: response.statusCode ?? null, error: null, json })
        })
        response.on('error', (error) =>
          done({ connectedMs, status: null, error: error.message, json: null }),
        )
      },
    )
    req.on('socket', (socket) =>
      socket.once('connect', () => {
        connectedMs = Date.now()
      }),
    )
    req.on('error', (error) =>
      done({
        connectedMs,
        status: null,
        error: (error as NodeJS.ErrnoException).code ?? error.message,
        json: null,
      }),
    )
    req.end(payload)
  })
}

/** A YES whose submit_sm was answered ESME_ROK: the payment it confirms must be completed. */
export interface AckedYes {
  readonly msisdn: string
  readonly amountMinor: bigint
}

export interface LoadPlanOptions {
  readonly url: string
  readonly smppPort: number
  /**
   * ESMEs bound, each carrying `phonesPerBind` SMS payers and as many payers a merchant asks (one
   * client each).
   */
  readonly binds: number
  readonly phonesPerBind: number
}

const replyWaitMs = 8_000
const refPattern = /T[0-9A-Z]{6}/g

/**
 * The load: each SMS payer runs PAY <merchant> <amount> P, then YES, round after round, with an
 * amount of its own each round (1 fen more each time), so a YES names the payment it confirms;
 * a merchant client per asked payer asks it to pay and the payer answers the notice with YES;
 * a USSD dialer per bind asks for a balance over the Africa's Talking callback.
 * Every MT any ESME receives is kept by MSISDN, across restarts (`bind` again).
 */
export class MixedLoad {
  readonly mts = new Map<string, string[]>()
  readonly ackedYes: AckedYes[] = []
  readonly httpCalls: HttpCall[] = []
  /** Payment ids a merchant got its 202 for. */
  readonly requested: string[] = []
  readonly smsPayers: string[] = []
  readonly askedPayers: string[] = []
  /** USSD sessions that ended with the balance. */
  ussdBalances = 0
  private esmes: PhoneEsme[] = []
  private running = false
  private readonly rounds = new Map<string, number>()
  private loops: Promise<void>[] = []

  constructor(private readonly plan: LoadPlanOptions) {
    for (let bind = 0; bind < plan.binds; bind += 1) {
      for (let phone = 0; phone < plan.phonesPerBind; phone += 1) {
        // Even bench subscribers are English; every payer is English so replies read alike.
        this.smsPayers.push(benchMsisdn(2 * (bind * plan.phonesPerBind + phone)))
        this.askedPayers.push(
          benchMsisdn(2 * (plan.binds * plan.phonesPerBind + bind * plan.phonesPerBind + phone)),
        )
      }
    }
  }

  /** Binds `binds` ESMEs to the gateway at `smppPort`, keeping every MT they receive. */
  async bind(smppPort: number): Promise<void> {
    this.esmes = Array.from(
      { length: this.plan.binds },
      () =>
        new PhoneEsme({
          host: '127.0.0.1',
          port: smppPort,
          onMt: (mt) => {
            const list = this.mts.get(mt.to) ?? []
            list.push(mt.text)
            this.mts.set(mt.to, list)
          },
        }),
    )
    const errors = await Promise.all(this.esmes.map((esme) => esme.bind()))
    const failed = errors.find((error) => error !== null)
    if (failed !== undefined) throw new Error(`ESME bind failed: ${failed}`)
  }

  start(): void {
    this.running = true
    this.esmes.forEach((esme, bind) => {
      for (let phone = 0; phone < this.plan.phonesPerBind; phone += 1) {
        const index = bind * this.plan.phonesPerBind + phone
        this.loops.push(this.smsPayer(esme, this.smsPayers[index] ?? ''))
        this.loops.push(this.askedPayer(esme, this.askedPayers[index] ?? ''))
      }
    })
    for (const msisdn of this.askedPayers) this.loops.push(this.merchantClient(msisdn))
    for (let bind = 0; bind < this.plan.binds; bind += 1)
      this.loops.push(this.ussdDialer(this.smsPayers[bind * this.plan.phonesPerBind] ?? '', bind))
  }

  /** Stops starting new rounds and waits for the rounds under way. */
  async stop(): Promise<void> {
    this.running = false
    await Promise.all(this.loops)
    this.loops = []
  }

  async close(): Promise<void> {
    await Promise.all(this.esmes.map((esme) => esme.close().catch(() => undefined)))
  }

  /** MTs received for `msisdn` so far that name the reference `ref`. */
  receiptsOf(msisdn: string, ref: string): number {
    return (this.mts.get(msisdn) ?? []).filter((text) =>
      [...text.matchAll(refPattern)].some((match) => match[0] === ref),
    ).length
  }

  private async smsPayer(esme: PhoneEsme, msisdn: string): Promise<void> {
    while (this.running) {
      const amountMinor = BigInt(this.nextRound(msisdn))
      const pay = await esme.send(msisdn, `PAY 1001 ${(Number(amountMinor) / 100).toFixed(2)} P`)
      if (!pay.ok || (await esme.next(msisdn, replyWaitMs)) === null) return
      const yes = await esme.send(msisdn, 'YES')
      if (!yes.ok) return
      this.ackedYes.push({ msisdn, amountMinor })
      if ((await esme.next(msisdn, replyWaitMs)) === null) return
    }
  }

  /** Answers each merchant's notice (a text asking for YES) with YES. */
  private async askedPayer(esme: PhoneEsme, msisdn: string): Promise<void> {
    let reference = 0
    while (this.running) {
      const notice = await esme.next(msisdn, 500)
      if (notice === null || !notice.text.includes('YES')) continue
      const amount = /CNY (\d+\.\d\d)/.exec(notice.text)?.[1]
      // YES after YES is a retransmission to the SMSC unless the phone numbers its messages.
      reference = (reference + 1) % 256
      const yes = await esme.send(msisdn, 'YES', { userMessageReference: reference })
      if (!yes.ok) return
      if (amount !== undefined)
        this.ackedYes.push({ msisdn, amountMinor: BigInt(Math.round(Number(amount) * 100)) })
      if ((await esme.next(msisdn, replyWaitMs)) === null) return
    }
  }

  /**
   * Asks its payer to pay, then polls the request until the payer's YES completed it, so that
   * a payer has one request at a time and its YES confirms the amount of the notice it read.
   */
  private async merchantClient(msisdn: string): Promise<void> {
    while (this.running) {
      const round = this.nextRound(msisdn)
      // Amounts of their own, above the SMS payers' (a merchant's payer pays 5.00 and up).
      const call = await this.http('POST', '/api/v1/payment-requests', {
        msisdn,
        amount: ((500 + round) / 100).toFixed(2),
        reference: `stop-${msisdn}-${round}`,
        account: 'phone_bill',
      })
      if (call.status === null) return
      const id = (call.json as { id?: string } | null)?.id
      if (call.status !== 202 || id === undefined) {
        // A refusal (503 while the gateway stops) is tried again a little later.
        await sleep(200)
        continue
      }
      this.requested.push(id)
      for (let polls = 0; polls < 50; polls += 1) {
        const poll = await this.http('GET', `/api/v1/payment-requests/${id}`)
        if (poll.status === null) return
        if ((poll.json as { status?: string } | null)?.status !== 'pending_authorization') break
        await sleep(100)
      }
    }
  }

  /** Dials *123# and asks for the balance (Africa's Talking's callback), session after session. */
  private async ussdDialer(msisdn: string, dialer: number): Promise<void> {
    for (let session = 0; this.running; session += 1) {
      const sessionId = `stop-${dialer}-${Date.now()}-${session}`
      for (const text of ['', '1']) {
        const hop = await this.http(
          'POST',
          '/ussd',
          new URLSearchParams({ sessionId, serviceCode: '*123#', phoneNumber: `+${msisdn}`, text }),
        )
        if (hop.status === null) return
        if (hop.status !== 200) {
          await sleep(200)
          break
        }
        if (text === '1' && typeof hop.json === 'string' && hop.json.startsWith('END'))
          this.ussdBalances += 1
      }
    }
  }

  /** Rounds go on counting across restarts, so that no two payments of a payer have one amount. */
  private nextRound(msisdn: string): number {
    const round = (this.rounds.get(msisdn) ?? 0) + 1
    this.rounds.set(msisdn, round)
    return round
  }

  private async http(method: string, path: string, body?: unknown): Promise<HttpCall> {
    const call = await httpCall(this.plan.url, method, path, 'test_key_1001', body)
    this.httpCalls.push(call)
    return call
  }
}

export interface SignalledRun {
  readonly load: MixedLoad
  readonly child: GatewayChild
  /** When the signal was sent (Date.now()). */
  readonly signalMs: number
  readonly exit: { readonly code: number | null; readonly signal: NodeJS.Signals | null }
}

/**
 * Seeds `dir`, starts a gateway on it, runs the mixed load for `loadMs`, sends `signal`, waits
 * for the exit (at most `exitWaitMs`) and for the load's rounds under way; the ESMEs are closed.
 */
export async function runUntilSignal(
  dir: string,
  plan: {
    readonly binds: number
    readonly phonesPerBind: number
    readonly loadMs: number
    readonly signal: NodeJS.Signals
    readonly exitWaitMs: number
  },
): Promise<SignalledRun> {
  // Twice the payers the load uses, every other one English (bench subscribers alternate).
  await seedLoadWorld(dir, 4 * plan.binds * plan.phonesPerBind)
  const child = await startGatewayChild(dir)
  const load = new MixedLoad({
    url: child.url,
    smppPort: child.smppPort,
    binds: plan.binds,
    phonesPerBind: plan.phonesPerBind,
  })
  await load.bind(child.smppPort)
  load.start()
  await sleep(plan.loadMs)
  const signalMs = Date.now()
  const exit = await signalChild(child, plan.signal, plan.exitWaitMs)
  await load.stop()
  await load.close()
  return { load, child, signalMs, exit }
}

/**
 * What the load was told that the ledger does not show: a YES acknowledged for no completed
 * payment, a 202 for no payment.
 */
export function acknowledgedButMissing(
  load: MixedLoad,
  state: LoadInspection,
): { readonly unconfirmed: readonly AckedYes[]; readonly unknownRequests: readonly string[] } {
  return {
    unconfirmed: load.ackedYes.filter(
      (yes) =>
        !state.completed.some(
          (payment) => payment.msisdn === yes.msisdn && payment.amountMinor === yes.amountMinor,
        ),
    ),
    unknownRequests: load.requested.filter((id) => !state.paymentIds.has(id)),
  }
}

export interface LoadInspection {
  readonly balanced: boolean
  /** Payments moved twice (more than one payment transfer). */
  readonly appliedTwice: number
  /** Completed payments of the load's payers, with the reference their receipt names. */
  readonly completed: readonly {
    readonly id: string
    readonly msisdn: string
    readonly amountMinor: bigint
    readonly ref: string
  }[]
  readonly paymentIds: ReadonlySet<string>
  /** SMS replies the gateway could not send at once and kept in the outbox. */
  readonly keptReplies: number
}

/** Reads the ledger file of `dir` (the gateway stopped). */
export function inspectLoad(dir: string, payers: readonly string[]): LoadInspection {
  const db = openLedgerDatabase(join(dir, ledgerName))
  try {
    const wanted = new Set(payers)
    const rows = db
      .prepare(
        'SELECT id, payer_msisdn, amount_minor, transfer_ref FROM payments WHERE state = ' +
          "'completed'",
      )
      .all() as {
      id: string
      payer_msisdn: string
      amount_minor: bigint
      transfer_ref: string | null
    }[]
    const twice = db
      .prepare(
        "SELECT COUNT(*) AS n FROM (SELECT payment_id FROM transfers WHERE kind = 'payment' " +
          'GROUP BY payment_id HAVING COUNT(*) > 1)',
      )
      .get() as { n: bigint }
    return {
      balanced: checkLedger(db, { mode: 'full' }).balanced,
      appliedTwice: Number(twice.n),
      completed: rows
        .filter((row) => wanted.has(row.payer_msisdn))
        .map((row) => ({
          id: row.id,
          msisdn: row.payer_msisdn,
          amountMinor: row.amount_minor,
          ref: row.transfer_ref ?? '',
        })),
      paymentIds: new Set(
        (db.prepare('SELECT id FROM payments').all() as { id: string }[]).map((row) => row.id),
      ),
      keptReplies: Number(
        (
          db
            .prepare(
              `SELECT COUNT(*) AS n FROM outbox WHERE kind = 'sms' AND payload LIKE ` +
                `'%"commandKey"%'`,
            )
            .get() as { n: bigint }
        ).n,
      ),
    }
  } finally {
    db.close()
  }
}
