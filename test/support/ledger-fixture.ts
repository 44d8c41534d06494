/**
 * ledger-fixture.ts - a real SQLite ledger loaded with the default world, for tests that drive
 * the core through the store. PINs are hashed with a cheap fake here: the core only ever sees
 * the outcome of a PIN check (match / mismatch / absent), which tests pass directly.
 */

import { createHash } from 'node:crypto'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Command, CommandResult, Envelope, Limits, PinCheck } from '../../src/core/index.js'
import { defaultLimits } from '../../src/core/index.js'
import { encodeJson } from '../../src/ledger/codec.js'
import { SqliteLedger } from '../../src/ledger/sqlite-ledger.js'
import { defaultWorld } from '../../src/tools/world/default-world.js'
import type { WorldSpec } from '../../src/world/world.js'
import { prepareWorld } from '../../src/world/world.js'

/** 2026-11-21 10:00 China Standard Time, well inside a local day. */
export const testStartMs = Date.UTC(2026, 10, 21, 2, 0, 0)

export interface TestLedger {
  readonly ledger: SqliteLedger
  readonly dir: string
  /** The test clock: tests move it, nothing reads the real time. */
  nowMs: number
  /** Runs one command through decide() in its own batch; key defaults to a fresh one. */
  run(
    command: Command,
    options?: { key?: string; pin?: PinCheck; newPinHash?: string | null; channel?: string },
  ): CommandResult
  /** Runs several commands in one batch, as group commit would. */
  runBatch(envelopes: readonly Envelope[]): CommandResult[]
  envelope(
    command: Command,
    options?: { key?: string; pin?: PinCheck; newPinHash?: string | null; channel?: string },
  ): Envelope
  balance(msisdn: string, kind: 'wallet' | 'phone_bill' | 'bank'): Promise<bigint>
  close(): Promise<void>
}

export function commandHashOf(command: Command): string {
  return createHash('sha256').update(encodeJson(command)).digest('hex')
}

export async function openTestLedger(
  options: {
    limits?: Limits
    world?: WorldSpec
    file?: boolean
    cacheRowsMax?: number | undefined
  } = {},
): Promise<TestLedger> {
  const dir = mkdtempSync(join(tmpdir(), 'telepay-test-'))
  const limits = options.limits ?? defaultLimits
  const ledger = new SqliteLedger(
    options.file === false ? ':memory:' : join(dir, 'ledger.sqlite'),
    limits,
    { cacheRowsMax: options.cacheRowsMax },
  )
  const world = await prepareWorld(options.world ?? defaultWorld, (pin) =>
    Promise.resolve(`fake$${pin}`),
  )
  await ledger.seedWorld(world, testStartMs)
  let counter = 0
  const fixture: TestLedger = {
    ledger,
    dir,
    nowMs: testStartMs,
    envelope(command, opts = {}) {
      counter += 1
      return {
        key: opts.key ?? `test:${counter}`,
        commandHash: commandHashOf(command),
        channel: opts.channel ?? 'test',
        nowMs: fixture.nowMs,
        pin: opts.pin ?? 'absent',
        newPinHash: opts.newPinHash ?? null,
        command,
      }
    },
    run(command, opts = {}) {
      const [outcome] = ledger.executeBatchNow([fixture.envelope(command, opts)])
      if (outcome === undefined) throw new Error('no outcome')
      if (!outcome.ok) throw outcome.error
      return outcome.result
    },
    runBatch(envelopes) {
      return ledger.executeBatchNow(envelopes).map((outcome) => {
        if (!outcome.ok) throw outcome.error
        return outcome.result
      })
    },
    async balance(msisdn, kind) {
      const detail = await ledger.subscriber(msisdn)
      const account = detail?.accounts.find((candidate) => candidate.kind === kind)
      if (account === undefined) throw new Error(`${msisdn} has no ${kind} account`)
      return account.balanceMinor
    },
    async close() {
      await ledger.close()
      rmSync(dir, { recursive: true, force: true })
    },
  }
  return fixture
}
