/**
 * crash.test.ts - I4, exactly once under crash and retry. A child process submits payments
 * through group commit on a SQLite file and acknowledges each only after its batch committed;
 * the test SIGKILLs it in the middle, restarts a child on the same file that re-submits every key
 * (acknowledged or not), and then checks: every acknowledged payment is there with the same
 * reference, none was applied twice, the ledger check is balanced, and the balances are the
 * opening balances moved by exactly the distinct payments of the plan.
 *
 * The same for a whole gateway (`telepay start` in a child process) under mixed load: phones
 * on several ESMEs paying by SMS and merchants asking phones to pay over the merchant API; it is
 * SIGKILLed in the middle and started again on the same data directory, takes load again, and
 * then every YES whose submit_sm got ESME_ROK has its payment completed, every merchant's 202
 * names a payment in the ledger, none moved twice and the ledger is balanced.
 */
import { spawn } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { createInterface } from 'node:readline'
import { fileURLToPath } from 'node:url'
import { afterAll, describe, expect, it } from 'vitest'
import { checkLedger } from '../../src/ledger/reports/ledger-check.js'
import type { Row } from '../../src/ledger/rows.js'
import { paymentOfRow } from '../../src/ledger/rows.js'
import { openLedgerDatabase } from '../../src/ledger/sqlite-open.js'
import { parseStoredResult } from '../../src/ledger/stored-result.js'
import {
  acknowledgedButMissing,
  inspectLoad,
  runUntilSignal,
  signalChild,
  sleep,
  startGatewayChild,
} from '../support/gateway-child.js'
import { crashPayers, plannedPayment } from './plan.js'

const here = dirname(fileURLToPath(import.meta.url))
const repoRoot = join(here, '..', '..')
const childScript = join(repoRoot, 'test', 'support', 'crash-child.ts')

/** Enough payments that the child is still busy when the kill lands (it runs ~10k/s). */
const paymentCount = 20_000

interface ChildRun {
  readonly acks: Map<string, string>
  readonly others: string[]
  readonly done: boolean
  readonly signal: NodeJS.Signals | null
  readonly code: number | null
  readonly stderr: string
  readonly ms: number
}

/**
 * Runs a child on the ledger file; kills it with SIGKILL once it has acknowledged killAfter
 * payments.
 */
function runChild(
  path: string,
  inFlight: number,
  killAfter: number | null,
  ackDelayMs = 0,
): Promise<ChildRun> {
  const started = performance.now()
  const child = spawn(
    process.execPath,
    [
      '--import',
      'tsx',
      childScript,
      path,
      String(paymentCount),
      String(inFlight),
      String(ackDelayMs),
    ],
    {
      cwd: repoRoot,
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  )
  const acks = new Map<string, string>()
  const others: string[] = []
  let done = false
  let stderr = ''
  let killed = false
  child.stderr.setEncoding('utf8')
  child.stderr.on('data', (chunk: string) => {
    stderr += chunk
  })
  const lines = createInterface({ input: child.stdout })
  lines.on('line', (line) => {
    const [word, key, ref] = line.split(' ')
    if (word === 'ACK' && key !== undefined && ref !== undefined) {
      // A line written before the kill is still an acknowledgement: keep it even after killing.
      if (acks.has(key)) others.push(`second ACK for ${key}`)
      acks.set(key, ref)
      if (killAfter !== null && !killed && acks.size >= killAfter) {
        killed = true
        child.kill('SIGKILL')
      }
    } else if (word === 'DONE') done = true
    else if (word !== 'READY') others.push(line)
  })
  return new Promise((resolve, reject) => {
    child.on('error', reject)
    child.on('close', (code, signal) => {
      resolve({
        acks,
        others,
        done,
        signal,
        code,
        stderr,
        ms: Math.round(performance.now() - started),
      })
    })
  })
}

interface Inspection {
  readonly balanced: boolean
  readonly totalMinor: bigint
  readonly paymentTransfers: number
  readonly paymentsWithTwoTransfers: number
  readonly payments: number
  readonly notCompleted: number
  /** Per key: the payment and reference stored in the command log. */
  readonly logged: Map<
    string,
    { paymentId: string; reference: string | null; transferPaymentId: string | null }
  >
  readonly balances: Map<string, bigint>
  readonly opening: Map<string, bigint>
}

function inspect(path: string): Inspection {
  const db = openLedgerDatabase(path)
  try {
    return db.transaction(() => {
      const count = (sql: string): number => Number((db.prepare(sql).get() as { n: bigint }).n)
      const logged = new Map<
        string,
        { paymentId: string; reference: string | null; transferPaymentId: string | null }
      >()
      const transferPayment = db.prepare('SELECT payment_id FROM transfers WHERE id = ?')
      const paymentRow = db.prepare('SELECT * FROM payments WHERE seq = ?')
      for (const row of db
        .prepare("SELECT key, result, payment_seq FROM command_log WHERE key LIKE 'crash:%'")
        .all() as { key: string; result: string; payment_seq: bigint | null }[]) {
        const referenced =
          row.payment_seq === null
            ? undefined
            : (paymentRow.get(row.payment_seq) as Row | undefined)
        const result = parseStoredResult(
          row.result,
          referenced === undefined ? null : paymentOfRow(referenced),
        )
        const transferId =
          result.reference === null ? null : Number.parseInt(result.reference.slice(1), 36)
        const transfer =
          transferId === null
            ? undefined
            : (transferPayment.get(transferId) as { payment_id: string } | undefined)
        logged.set(row.key, {
          paymentId: result.payment?.id ?? '',
          reference: result.reference,
          transferPaymentId: transfer?.payment_id ?? null,
        })
      }
      const balances = new Map<string, bigint>()
      for (const row of db.prepare('SELECT owner, kind, balance_minor FROM accounts').all() as {
        owner: string
        kind: string
        balance_minor: bigint
      }[]) {
        balances.set(`${row.owner}/${row.kind}`, row.balance_minor)
      }
      const opening = new Map<string, bigint>()
      for (const row of db
        .prepare(`
        SELECT a.owner AS owner, a.kind AS kind, SUM(e.amount_minor) AS s FROM entries e
        JOIN transfers t ON t.id = e.transfer_id JOIN accounts a ON a.id = e.account_id
        WHERE t.kind = 'opening' GROUP BY a.id`)
        .all() as { owner: string; kind: string; s: bigint }[]) {
        opening.set(`${row.owner}/${row.kind}`, row.s)
      }
      const check = checkLedger(db, { mode: 'full' })
      return {
        balanced: check.balanced,
        totalMinor: check.totalMinor,
        paymentTransfers: count("SELECT COUNT(*) AS n FROM transfers WHERE kind = 'payment'"),
        paymentsWithTwoTransfers: count(
          'SELECT COUNT(*) AS n FROM (SELECT payment_id FROM transfers WHERE kind = ' +
            "'payment' GROUP BY payment_id HAVING COUNT(*) > 1)",
        ),
        payments: count('SELECT COUNT(*) AS n FROM payments'),
        notCompleted: count("SELECT COUNT(*) AS n FROM payments WHERE state != 'completed'"),
        logged,
        balances,
        opening,
      }
    })()
  } finally {
    db.close()
  }
}

/**
 * Right after a kill, before any retry: every acknowledged key is already durable, with its
 * reference.
 */
function expectAcksDurable(
  path: string,
  run: ChildRun,
): { committed: number; committedUnacked: number } {
  const state = inspect(path)
  expect(state.balanced, 'ledger check right after the kill').toBe(true)
  for (const [key, ref] of run.acks)
    expect(state.logged.get(key)?.reference, `${key} acknowledged but not durable`).toBe(ref)
  expect(state.paymentsWithTwoTransfers).toBe(0)
  expect(state.paymentTransfers).toBe(state.logged.size)
  return { committed: state.logged.size, committedUnacked: state.logged.size - run.acks.size }
}

/**
 * The balances the plan must produce: opening, moved once by each of the first `count` payments.
 */
function expectedBalances(
  opening: ReadonlyMap<string, bigint>,
  count: number,
): Map<string, bigint> {
  const expected = new Map(opening)
  const move = (key: string, minor: bigint): void => {
    expected.set(key, (expected.get(key) ?? 0n) + minor)
  }
  for (let n = 0; n < count; n += 1) {
    const planned = plannedPayment(n)
    move(`${planned.payer}/${planned.from}`, -planned.amountMinor)
    if (planned.payeeWallet !== null) move(`${planned.payeeWallet}/wallet`, planned.amountMinor)
  }
  return expected
}

const dirs: string[] = []
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true })
})

describe('SIGKILL in the middle of group commits, then retry of every key', () => {
  // [in flight, ACKs before the first kill, ACKs before killing the recovering child too (or
  // null), delay of each ACK after its commit]. Without a delay the kill lands while the next
  // batch runs (rolled back on restart); with one it also lands between commits and their ACKs.
  const scenarios: [number, number, number | null, number][] = [
    [50, 150, null, 0],
    [300, 600, null, 5],
    [1_000, 1_500, 4_000, 20],
  ]

  it.each(scenarios)(
    'in flight %i, killed after %i ACKs, recovery killed after %s ACKs, ACKs %i ms after commit',
    async (inFlight, killAfter, killRecoveryAfter, ackDelayMs) => {
      const dir = mkdtempSync(join(tmpdir(), 'telepay-crash-'))
      dirs.push(dir)
      const path = join(dir, 'ledger.sqlite')

      const runs: ChildRun[] = []
      const afterKills: { committed: number; committedUnacked: number }[] = []
      const first = await runChild(path, inFlight, killAfter, ackDelayMs)
      runs.push(first)
      expect(first.signal, first.stderr).toBe('SIGKILL')
      expect(first.done, 'the first child finished before the kill: nothing was tested').toBe(false)
      expect(first.acks.size).toBeGreaterThanOrEqual(killAfter)
      afterKills.push(expectAcksDurable(path, first))
      if (killRecoveryAfter !== null) {
        const second = await runChild(path, inFlight, killRecoveryAfter, ackDelayMs)
        runs.push(second)
        expect(second.signal, second.stderr).toBe('SIGKILL')
        expect(second.done).toBe(false)
        afterKills.push(expectAcksDurable(path, second))
      }
      const final = await runChild(path, inFlight, null)
      runs.push(final)
      expect(final.code, final.stderr).toBe(0)
      expect(final.done).toBe(true)
      for (const run of runs) expect(run.others, 'NACK, ERR or duplicate ACK lines').toEqual([])

      // Every payment acknowledged by any run answers again with the same reference.
      expect(final.acks.size).toBe(paymentCount)
      for (const run of runs.slice(0, -1)) {
        for (const [key, ref] of run.acks) expect(final.acks.get(key), key).toBe(ref)
      }
      // One transfer per key: the references are all different.
      expect(new Set(final.acks.values()).size).toBe(paymentCount)

      const state = inspect(path)
      expect(state.balanced).toBe(true)
      expect(state.totalMinor).toBe(0n)
      // Exactly one payment and one transfer per key, none applied twice, none lost.
      expect(state.payments).toBe(paymentCount)
      expect(state.notCompleted).toBe(0)
      expect(state.paymentTransfers).toBe(paymentCount)
      expect(state.paymentsWithTwoTransfers).toBe(0)
      expect(state.logged.size).toBe(paymentCount)
      const paymentIds = new Set<string>()
      for (let n = 0; n < paymentCount; n += 1) {
        const key = `crash:${n}`
        const logged = state.logged.get(key)
        expect(logged?.reference, key).toBe(final.acks.get(key))
        expect(logged?.transferPaymentId, `${key}: transfer of its reference`).toBe(
          logged?.paymentId,
        )
        paymentIds.add(logged?.paymentId ?? '')
      }
      expect(paymentIds.size).toBe(paymentCount)

      // Balances: opening, moved by each distinct payment exactly once.
      const expected = expectedBalances(state.opening, paymentCount)
      for (const msisdn of crashPayers) {
        for (const kind of ['wallet', 'phone_bill'] as const) {
          expect(state.balances.get(`${msisdn}/${kind}`), `${msisdn} ${kind}`).toBe(
            expected.get(`${msisdn}/${kind}`),
          )
        }
      }
      let paidToMerchants = 0n
      for (let n = 0; n < paymentCount; n += 1) {
        const planned = plannedPayment(n)
        if (planned.payeeWallet === null) paidToMerchants += planned.amountMinor
      }
      const merchantsAndParties = [...state.balances.entries()]
        .filter(([key]) => !key.startsWith('861') && !key.endsWith('/opening'))
        .reduce((sum, [, minor]) => sum + minor, 0n)
      expect(merchantsAndParties).toBe(paidToMerchants)

      // What each kill left behind: committed keys, and those committed but never acknowledged.
      console.info(
        `crash scenario in flight ${inFlight}: ` +
          runs
            .map((run, index) => {
              const after = afterKills[index]
              const left =
                after === undefined
                  ? ''
                  : `, ${after.committed} committed, ${after.committedUnacked} of them ` +
                    `unacknowledged`
              return (
                `${run.signal === null ? 'final' : 'killed'} run ${run.acks.size} ACKs in ` +
                `${run.ms} ms${left}`
              )
            })
            .join('; '),
      )
    },
  )
})

describe('SIGKILL of a real gateway in mixed load (SMS over SMPP, merchant API), restart', () => {
  const binds = 3
  const phonesPerBind = 3

  it('keeps every acknowledged payment, applies none twice and stays balanced', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'telepay-kill-'))
    dirs.push(dir)
    const { load, exit } = await runUntilSignal(dir, {
      binds,
      phonesPerBind,
      loadMs: 2_500,
      signal: 'SIGKILL',
      exitWaitMs: 10_000,
    })
    expect(exit.signal).toBe('SIGKILL')
    const ackedBeforeKill = load.ackedYes.length

    // The restarted gateway recovers on the same files and takes load again.
    const second = await startGatewayChild(dir)
    await load.bind(second.smppPort)
    load.start()
    await sleep(1_500)
    await load.stop()
    expect(await signalChild(second, 'SIGTERM', 20_000)).toEqual({ code: 0, signal: null })
    await load.close()

    const state = inspectLoad(dir, [...load.smsPayers, ...load.askedPayers])
    const { unconfirmed, unknownRequests } = acknowledgedButMissing(load, state)
    console.info(
      `gateway SIGKILL: ${ackedBeforeKill} YES acknowledged before the kill, ` +
        `${load.ackedYes.length} in all, ${load.requested.length} merchant requests ` +
        `accepted, ${state.completed.length} payments completed`,
    )
    expect(
      ackedBeforeKill,
      'nothing was acknowledged before the kill: nothing was tested',
    ).toBeGreaterThan(binds * phonesPerBind)
    expect(load.ackedYes.length, 'the restarted gateway took no payment').toBeGreaterThan(
      ackedBeforeKill,
    )
    expect(unconfirmed, 'acknowledged YES whose payment is not completed').toEqual([])
    expect(unknownRequests, 'accepted merchant requests missing from the ledger').toEqual([])
    expect(state.appliedTwice).toBe(0)
    expect(state.balanced).toBe(true)
  })
})
