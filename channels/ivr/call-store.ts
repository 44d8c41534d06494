/**
 * call-store.ts - where IVR calls live: calls in progress in the gateway's dialog store (the
 * `dialogs` table, compare-and-set on the step, bounded by callsMax), and a call-detail record
 * for every call (`ivr_calls`), both in ivr.sqlite in the data directory (WAL with
 * synchronous=NORMAL); the record is written when the call starts, after each answered request
 * and when it ends. A record holds the caller, the number called, start, end, duration, outcome,
 * the
 * transaction reference of a payment made in the call, and the inputs as the engine's trail
 * gives them (PINs masked as "****"). Exports CallState, CallAnswer, CallDetailRecord,
 * CallStore.
 */
import type Database from 'better-sqlite3'
import type { Language } from '../../src/core/index.js'
import { assert } from '../../src/core/index.js'
import type { DialogRecord } from '../../src/gateway/dialog/index.js'
import { SqliteDialogStore } from '../../src/gateway/dialog/index.js'
import { openWorkingDatabase } from '../../src/gateway/working-db.js'
import type { Gather, IvrCall, Prompt } from './contract.js'
import type { IvrLimits } from './limits.js'

/** What the caller was last told and how input is collected next: what every face renders. */
export interface CallAnswer {
  readonly callId: string
  /** The number of the next request of this call; a request that sends it back is retry-safe. */
  readonly step: number
  readonly language: Language
  readonly prompts: readonly Prompt[]
  readonly gather: Gather | null
  readonly ended: boolean
  /**
   * Why the call ended (completed, hung_up, failed_input, ..., duration_cap, idle_timeout); null
   * while it runs.
   */
  readonly outcome: string | null
  /**
   * The step of the platform's request this answers, when it is not `step - 1`: the keys a
   * platform collected and the silence that ended its gather are two events of one request
   * (IvrService.collected), and a retry of that request must get this answer again.
   */
  readonly answers?: number
}

/**
 * A call in progress, between requests: a dialog whose key is the call id, its MSISDN the caller.
 */
export interface CallState extends DialogRecord {
  readonly callId: string
  /** Which face carries the call: 'sim' (the JSON simulation API), 'twilio', 'vxml'. */
  readonly provider: string
  /** The caller as the platform gave it (normalized when it is an MSISDN). */
  readonly caller: string
  readonly number: string
  /** The engine's call: plain data, never a PIN (contract.ts). */
  readonly call: IvrCall
  /** Requests answered so far: the idempotency step of the next one. */
  readonly step: number
  readonly lastAnswer: CallAnswer
  readonly startedMs: number
  readonly activeMs: number
}

export interface CallDetailRecord {
  readonly callId: string
  readonly provider: string
  readonly caller: string
  /** The subscriber the call acted for (an unregistered caller may give one), or null. */
  readonly msisdn: string | null
  readonly number: string
  readonly language: Language
  readonly startedMs: number
  /** When the call ended; null while it is in progress. */
  readonly endedMs: number | null
  readonly durationMs: number | null
  readonly outcome: string | null
  readonly reference: string | null
  readonly steps: number
  /** Every input as typed, PINs masked. */
  readonly inputs: readonly string[]
  /** The last answer, for a platform's late retry of the request that ended the call. */
  readonly lastAnswer: CallAnswer | null
}

interface Row {
  readonly call_id: string
  readonly provider: string
  readonly caller: string
  readonly msisdn: string | null
  readonly number: string
  readonly language: string
  readonly started_ms: number
  readonly ended_ms: number | null
  readonly outcome: string | null
  readonly reference: string | null
  readonly steps: number
  readonly inputs: string
  readonly last_answer: string | null
}

/**
 * Calls in progress do not outlive the process: a restart of the gateway drops its calls as a
 * switch restart would, and their dialogs and records are closed as `gateway_restart` when the
 * store opens again (no platform can resume a call that lost its media). The record of a call is
 * written at every answered request (a human presses keys
 * seconds apart, so this is a few writes a second even on a busy line), which keeps the trail of
 * a call that was in progress at a crash.
 */
export class CallStore {
  private readonly db: Database.Database
  private readonly statements
  /** Calls in progress. */
  private readonly calls: SqliteDialogStore<CallState, string>
  /** Calls in progress, counted here: this store is the only writer of the IVR dialogs. */
  private inProgress = 0
  /**
   * Records in the file, counted once at open: prune() then costs nothing until there are too many.
   */
  private recordCount: number
  private closed = false

  constructor(
    path: string,
    private readonly limits: IvrLimits,
  ) {
    this.db = openWorkingDatabase(path)
    this.db.exec(`
      CREATE TABLE IF NOT EXISTS ivr_calls (
        call_id TEXT PRIMARY KEY,
        provider TEXT NOT NULL,
        caller TEXT NOT NULL,
        msisdn TEXT,
        number TEXT NOT NULL,
        language TEXT NOT NULL,
        started_ms INTEGER NOT NULL,
        active_ms INTEGER NOT NULL,
        ended_ms INTEGER,
        outcome TEXT,
        reference TEXT,
        steps INTEGER NOT NULL,
        inputs TEXT NOT NULL,
        last_answer TEXT
      );
      CREATE INDEX IF NOT EXISTS ivr_calls_by_start ON ivr_calls (started_ms);
      CREATE INDEX IF NOT EXISTS ivr_calls_by_msisdn ON ivr_calls (msisdn, started_ms);
    `)
    const columns =
      'call_id, provider, caller, msisdn, number, language, started_ms, ended_ms, outcome, ' +
      'reference, steps, inputs, last_answer'
    this.statements = {
      insert: this.db.prepare(`
        INSERT INTO ivr_calls (call_id, provider, caller, msisdn, number, language, started_ms,
          active_ms, steps, inputs, last_answer)
        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`),
      update: this.db.prepare(`
        UPDATE ivr_calls SET msisdn = ?, language = ?, active_ms = ?, ended_ms = ?, outcome = ?,
          reference = ?, steps = ?, inputs = ?, last_answer = ?
        WHERE call_id = ?`),
      get: this.db.prepare<[string], Row>(`SELECT ${columns} FROM ivr_calls WHERE call_id = ?`),
      recent: this.db.prepare<[number], Row>(
        `SELECT ${columns} FROM ivr_calls ORDER BY started_ms DESC, rowid DESC LIMIT ?`,
      ),
      recentOf: this.db.prepare<[string, string, number], Row>(
        `SELECT ${columns} FROM ivr_calls WHERE msisdn = ? OR caller = ?
         ORDER BY started_ms DESC, rowid DESC LIMIT ?`,
      ),
      closeOrphans: this.db.prepare(
        `UPDATE ivr_calls SET outcome = 'gateway_restart', ended_ms = active_ms
         WHERE outcome IS NULL`,
      ),
      count: this.db.prepare<[], { count: number }>('SELECT COUNT(*) AS count FROM ivr_calls'),
      prune: this.db.prepare(`DELETE FROM ivr_calls WHERE rowid IN (
        SELECT rowid FROM ivr_calls WHERE outcome IS NOT NULL ORDER BY started_ms LIMIT ?)`),
    }
    this.calls = new SqliteDialogStore<CallState, string>({
      path,
      name: 'ivr',
      limits: {
        idleMs: limits.callIdleMaxMs,
        totalMs: limits.callDurationMaxMs,
        expireBatchMax: limits.callsMax,
        // An ended call's last answer, for a platform's late retry, is in its record.
        endedKeepMs: 0,
        inMemoryMax: limits.callsMax,
        dirtyMax: limits.callsMax,
        flushIntervalMs: limits.callFlushIntervalMs,
      },
      outcomes: { idle: 'idle_timeout', cap: 'duration_cap' },
    })
    // Calls in progress when the gateway stopped are gone with its memory: they end here.
    void this.calls.endAllOpen('gateway_restart', Date.now())
    this.calls.forget(Number.MAX_SAFE_INTEGER)
    this.statements.closeOrphans.run()
    this.recordCount = Number(this.statements.count.get()?.count ?? 0)
  }

  get openCount(): number {
    return this.inProgress
  }

  /** The calls in progress, the most recently active first, at most `limit`. */
  callsInProgress(limit: number): Promise<readonly CallState[]> {
    this.assertOpen()
    return this.calls.recentOpen(limit)
  }

  /** The call in progress, or null (unknown or ended: see record()). */
  async get(callId: string): Promise<CallState | null> {
    this.assertOpen()
    const state = await this.calls.get(callId)
    return state === null || state.outcome !== null ? null : state
  }

  /** A new call; false when callsMax calls are in progress (nothing written). */
  async open(state: CallState): Promise<boolean> {
    this.assertOpen()
    if (this.inProgress >= this.limits.callsMax) return false
    assert(await this.calls.put(state, null), `call ${state.callId} was already in progress`)
    this.inProgress += 1
    const { call } = state
    this.statements.insert.run(
      state.callId,
      state.provider,
      state.caller,
      call.msisdn,
      state.number,
      call.language,
      state.startedMs,
      state.activeMs,
      state.step,
      JSON.stringify(call.trail),
      JSON.stringify(state.lastAnswer),
    )
    this.recordCount += 1
    return true
  }

  /** The call after an answered request: one step on from the stored one (compare-and-set). */
  async put(state: CallState): Promise<void> {
    this.assertOpen()
    assert(
      await this.calls.put(state, state.step - 1),
      `call ${state.callId} is not in progress at step ${state.step - 1}: it moved on meanwhile`,
    )
    this.write(state, null, null)
  }

  /** Ends a call in progress and returns its record; null when it was not in progress. */
  async end(state: CallState, outcome: string, nowMs: number): Promise<CallDetailRecord | null> {
    this.assertOpen()
    const stored = await this.get(state.callId)
    if (stored === null) return null
    // The call ends as it stood (a cap) or with the request that ended it (one step on).
    assert(
      state.step === stored.step || state.step === stored.step + 1,
      `call ${state.callId} ends at step ${state.step}, stored at ${stored.step}`,
    )
    const activeMs = Math.max(state.activeMs, nowMs)
    if (!(await this.calls.put({ ...state, outcome, activeMs }, stored.step))) return null
    this.inProgress -= 1
    const endedMs = Math.max(nowMs, state.startedMs)
    this.write(state, endedMs, outcome)
    return this.record(state.callId)
  }

  /**
   * Calls in progress past the duration cap or idle for too long at `nowMs` (the cap checked
   * first: a call both idle and too long ended by its cap), still in progress: the service ends
   * each under the call's own lock.
   */
  async due(
    nowMs: number,
  ): Promise<readonly { readonly state: CallState; readonly outcome: string }[]> {
    this.assertOpen()
    const due = await this.calls.due(nowMs)
    this.calls.forget(nowMs)
    return due.map(({ record, outcome }) => ({ state: record, outcome }))
  }

  /** A call's record, in progress or ended; null when the call never was. */
  record(callId: string): CallDetailRecord | null {
    this.assertOpen()
    const row = this.statements.get.get(callId)
    return row === undefined ? null : recordOf(row)
  }

  /**
   * The latest calls first; of one subscriber (as caller or as the MSISDN given) when `msisdn` is
   * set.
   */
  recent(options: {
    readonly limit: number
    readonly msisdn: string | null
  }): readonly CallDetailRecord[] {
    this.assertOpen()
    const limit = Math.min(options.limit, this.limits.callRecordsQueryRowsMax)
    const rows =
      options.msisdn === null
        ? this.statements.recent.all(limit)
        : this.statements.recentOf.all(options.msisdn, options.msisdn, limit)
    return rows.map(recordOf)
  }

  /** Forgets the oldest ended records beyond callRecordsKeptMax; returns how many went. */
  prune(): number {
    this.assertOpen()
    const excess = this.recordCount - this.limits.callRecordsKeptMax
    if (excess <= 0) return 0
    const pruned = this.statements.prune.run(excess).changes
    this.recordCount -= pruned
    return pruned
  }

  async close(): Promise<void> {
    if (this.closed) return
    this.closed = true
    await this.calls.close()
    this.db.close()
  }

  private write(state: CallState, endedMs: number | null, outcome: string | null): void {
    const { call } = state
    this.statements.update.run(
      call.msisdn,
      call.language,
      state.activeMs,
      endedMs,
      outcome,
      call.reference,
      state.step,
      JSON.stringify(call.trail),
      JSON.stringify(state.lastAnswer),
      state.callId,
    )
  }

  private assertOpen(): void {
    if (this.closed) throw new Error('the IVR call store is closed')
  }
}

function recordOf(row: Row): CallDetailRecord {
  return {
    callId: row.call_id,
    provider: row.provider,
    caller: row.caller,
    msisdn: row.msisdn,
    number: row.number,
    language: row.language === 'zh' ? 'zh' : 'en',
    startedMs: Number(row.started_ms),
    endedMs: row.ended_ms === null ? null : Number(row.ended_ms),
    durationMs: row.ended_ms === null ? null : Number(row.ended_ms) - Number(row.started_ms),
    outcome: row.outcome,
    reference: row.reference,
    steps: Number(row.steps),
    inputs: JSON.parse(row.inputs) as string[],
    lastAnswer: row.last_answer === null ? null : (JSON.parse(row.last_answer) as CallAnswer),
  }
}
