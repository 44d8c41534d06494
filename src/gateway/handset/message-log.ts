/**
 * message-log.ts - the message log: every SMS to or from each phone (messages.ts), in the
 * ledger's `message_log` table (schema version 14), for the operator's GET /admin/api/messages
 * and for the web handset's stream, which reads back what it missed. Recording is a push into
 * memory and a publish to the live streams (hub.ts): the rows are written behind, every
 * flushIntervalMs or once unflushedMax wait, in one transaction on the ledger's connection, so an
 * MO or an MT costs no write of its own on the SMS path. A read flushes first, so it sees every
 * message recorded before it.
 *
 * Retention, in small steps from the gateway's sweep (`step`), never a scan of the table: rows
 * past messageKeepMs go by their seq (the oldest first, at most pruneRowsMax a step, a range of
 * the primary key), and an MSISDN that gained capSlackMessages since its last trim is trimmed to
 * messagesPerMsisdnMax (a walk of its own index entries). Every query is checked against its index
 * by test/gateway/handset/message-log.test.ts (EXPLAIN QUERY PLAN).
 *
 * Texts are the operator's to read here (GET /admin/api/messages masks nothing), but never a log
 * line's: a kept reply may quote a balance, an MO a PIN.
 * Exports SqliteMessageLog, MessageLogOptions, MessagePage, messageLogQueries.
 */
import type { Database, Statement, Transaction } from 'better-sqlite3'
import type { Alphabet } from '../../bearer/text/coding.js'
import type { Logger } from '../../service/log.js'
import type { HandsetHub } from './hub.js'
import type { HandsetLimits } from './limits.js'
import type { LoggedSms, MessageRecorder, SmsDirection, SmsRecord, SmsState } from './messages.js'

/** The statements of the log, by name; the plans test reads them from here. */
export const messageLogQueries = {
  insert:
    'INSERT INTO message_log (seq, msisdn, direction, party, text, coding, parts, message_id, ' +
    'state, created_ms, updated_ms) VALUES (@seq, @msisdn, @direction, @party, @text, @coding, ' +
    '@parts, @messageId, @state, @createdMs, @updatedMs)',
  changeState:
    'UPDATE message_log SET state = @state, updated_ms = @updatedMs WHERE message_id = @messageId',
  byId: 'SELECT * FROM message_log WHERE message_id = ? ORDER BY seq DESC LIMIT 1',
  page:
    'SELECT * FROM message_log WHERE msisdn = @msisdn AND seq < @before ' +
    'ORDER BY seq DESC LIMIT @limit',
  since:
    'SELECT * FROM message_log WHERE msisdn = @msisdn AND seq > @after ' +
    'ORDER BY seq DESC LIMIT @limit',
  oldest: 'SELECT min(seq) AS seq FROM message_log',
  prune: 'DELETE FROM message_log WHERE seq < @upto AND created_ms < @before',
  trim:
    'DELETE FROM message_log WHERE msisdn = @msisdn AND seq <= (SELECT seq FROM message_log ' +
    'WHERE msisdn = @msisdn ORDER BY seq DESC LIMIT 1 OFFSET @keep)',
} as const

export interface MessageLogOptions {
  /** The ledger's connection: the log's writes join no command's transaction. */
  readonly db: Database
  readonly hub: HandsetHub
  readonly limits: HandsetLimits
  /** Where a failed write is told (never with a text); absent: nowhere (tests). */
  readonly log?: Logger
}

/** A page of one MSISDN's messages, newest first; `beforeSeq` null: from the newest. */
export interface MessagePage {
  readonly msisdn: string
  readonly limit: number
  readonly beforeSeq: number | null
}

interface Row {
  readonly seq: bigint | number
  readonly msisdn: string
  readonly direction: string
  readonly party: string
  readonly text: string
  readonly coding: string
  readonly parts: bigint | number
  readonly message_id: string
  readonly state: string
  readonly created_ms: bigint | number
  readonly updated_ms: bigint | number
}

type Pending =
  | { readonly kind: 'insert'; readonly message: LoggedSms }
  | { readonly kind: 'state'; readonly message: LoggedSms }

export class SqliteMessageLog implements MessageRecorder {
  private readonly statements: { readonly [name in keyof typeof messageLogQueries]: Statement }
  private readonly writeBatch: Transaction<
    (batch: readonly Pending[], nowMs: number | null) => number
  >
  private nextSeq: number
  /** Waiting for the next write, in the order they happened. */
  private pending: Pending[] = []
  /** The newest state of each message not written yet, by id: a state change finds it here. */
  private readonly unwritten = new Map<string, LoggedSms>()
  /** Messages each MSISDN gained since its last trim (least recently recorded first). */
  private readonly sinceTrim = new Map<string, number>()
  /** MSISDNs due a trim to their cap, oldest first. */
  private readonly trimDue = new Set<string>()
  private readonly timer: NodeJS.Timeout
  private closed = false

  constructor(private readonly options: MessageLogOptions) {
    const { db } = options
    this.statements = Object.fromEntries(
      Object.entries(messageLogQueries).map(([name, sql]) => [name, db.prepare(sql)]),
    ) as { readonly [name in keyof typeof messageLogQueries]: Statement }
    // AUTOINCREMENT's counter: never below a seq given before, even one since pruned.
    const counter = db
      .prepare("SELECT seq FROM sqlite_sequence WHERE name = 'message_log'")
      .get() as { seq: bigint | number } | undefined
    this.nextSeq = Number(counter?.seq ?? 0) + 1
    this.writeBatch = db.transaction((batch: readonly Pending[], nowMs: number | null) => {
      for (const item of batch) {
        const message = item.message
        if (item.kind === 'insert') this.statements.insert.run({ ...message })
        else
          this.statements.changeState.run({
            messageId: message.messageId,
            state: message.state,
            updatedMs: message.updatedMs,
          })
      }
      return nowMs === null ? 0 : this.retain(nowMs)
    })
    this.timer = setInterval(() => this.flush(), options.limits.flushIntervalMs)
    this.timer.unref()
  }

  record(message: SmsRecord, nowMs: number): LoggedSms {
    const logged: LoggedSms = { ...message, seq: this.nextSeq, createdMs: nowMs, updatedMs: nowMs }
    this.nextSeq += 1
    this.queue({ kind: 'insert', message: logged })
    this.countForTrim(message.msisdn)
    this.options.hub.publish(message.msisdn, { kind: 'sms', message: logged })
    return logged
  }

  update(message: SmsRecord, nowMs: number): LoggedSms {
    const known = this.unwritten.get(message.messageId) ?? this.storedById(message.messageId)
    if (known === null) return this.record(message, nowMs)
    if (known.state === message.state) return known
    const changed: LoggedSms = { ...known, state: message.state, updatedMs: nowMs }
    this.queue({ kind: 'state', message: changed })
    this.options.hub.publish(changed.msisdn, { kind: 'sms_state', message: changed })
    return changed
  }

  /** One MSISDN's messages, newest first, a page at a time. */
  page(query: MessagePage): LoggedSms[] {
    this.flush()
    const rows = this.statements.page.all({
      msisdn: query.msisdn,
      before: query.beforeSeq ?? Number.MAX_SAFE_INTEGER,
      limit: query.limit,
    }) as Row[]
    return rows.map(loggedOfRow)
  }

  /**
   * The newest `limit` messages of an MSISDN after seq `afterSeq` (0: from the first), oldest
   * first: what a stream that opens or resumes sends before the live ones.
   */
  since(msisdn: string, afterSeq: number, limit: number): LoggedSms[] {
    this.flush()
    const rows = this.statements.since.all({ msisdn, after: afterSeq, limit }) as Row[]
    return rows.map(loggedOfRow).reverse()
  }

  /** Writes what waits, in one transaction; a no-op when nothing does. */
  flush(): void {
    if (this.pending.length === 0 || this.closed) return
    this.writePending(null)
  }

  /**
   * One retention step (the gateway's sweep): writes what waits, deletes rows older than
   * messageKeepMs (at most pruneRowsMax) and trims at most capTrimsPerStepMax MSISDNs to their
   * cap, all in one transaction. Returns how many rows went.
   */
  step(nowMs: number): number {
    if (this.closed) return 0
    return this.writePending(nowMs)
  }

  /** Writes what waits and stops the timer; the ledger closes the connection after. */
  close(): void {
    this.flush()
    clearInterval(this.timer)
    this.closed = true
  }

  /**
   * A write that fails (the disk full, the file gone) loses its batch rather than hold memory
   * without bound or throw into the SMS path or a timer: the log is a view, not a record of money.
   */
  private writePending(nowMs: number | null): number {
    const batch = this.pending
    this.pending = []
    this.unwritten.clear()
    try {
      // IMMEDIATE, as every write of the ledger's: the write lock is taken at BEGIN.
      return this.writeBatch.immediate(batch, nowMs)
    } catch (error) {
      this.options.log?.error('message log write failed; its batch is lost', {
        messages: batch.length,
        error: error instanceof Error ? error.message : String(error),
      })
      return 0
    }
  }

  private queue(item: Pending): void {
    this.pending.push(item)
    this.unwritten.set(item.message.messageId, item.message)
    if (this.pending.length >= this.options.limits.unflushedMax) this.flush()
  }

  /** Every capSlackMessages messages of an MSISDN, it is due a trim (see the file comment). */
  private countForTrim(msisdn: string): void {
    const { capSlackMessages, capTrimsPendingMax } = this.options.limits
    const count = (this.sinceTrim.get(msisdn) ?? 0) + 1
    this.sinceTrim.delete(msisdn)
    if (count < capSlackMessages) {
      this.sinceTrim.set(msisdn, count)
      // Forgetting a count only delays that number's trim; the age bounds it meanwhile.
      if (this.sinceTrim.size > capTrimsPendingMax) this.forgetOldest(this.sinceTrim)
      return
    }
    this.trimDue.delete(msisdn)
    this.trimDue.add(msisdn)
    if (this.trimDue.size > capTrimsPendingMax) this.forgetOldest(this.trimDue)
  }

  private forgetOldest(keys: Map<string, number> | Set<string>): void {
    const oldest = keys.keys().next()
    if (oldest.done !== true) keys.delete(oldest.value)
  }

  /** Inside the write's transaction: the age's step, then the caps'. */
  private retain(nowMs: number): number {
    const { limits } = this.options
    let deleted = 0
    const oldest = this.statements.oldest.get() as { seq: bigint | number | null }
    if (oldest.seq !== null) {
      deleted += this.statements.prune.run({
        upto: Number(oldest.seq) + limits.pruneRowsMax,
        before: nowMs - limits.messageKeepMs,
      }).changes
    }
    let trims = 0
    for (const msisdn of this.trimDue) {
      if (trims >= limits.capTrimsPerStepMax) break
      this.trimDue.delete(msisdn)
      deleted += this.statements.trim.run({ msisdn, keep: limits.messagesPerMsisdnMax }).changes
      trims += 1
    }
    return deleted
  }

  private storedById(messageId: string): LoggedSms | null {
    const row = this.statements.byId.get(messageId) as Row | undefined
    return row === undefined ? null : loggedOfRow(row)
  }
}

function loggedOfRow(row: Row): LoggedSms {
  return {
    seq: Number(row.seq),
    msisdn: row.msisdn,
    direction: row.direction as SmsDirection,
    party: row.party,
    text: row.text,
    coding: row.coding as Alphabet,
    parts: Number(row.parts),
    messageId: row.message_id,
    state: row.state as SmsState,
    createdMs: Number(row.created_ms),
    updatedMs: Number(row.updated_ms),
  }
}
