/**
 * notices.test.ts - the gateway's notices outbox on its own, over an in-memory outbox and routes
 * that record what they were offered: a notice goes to the first route that can take it (the
 * push before SMS), a route that passes hands it to the next, a shown notice is held until its
 * answer is due and goes by the next route after, a failed try backs off and is abandoned at the
 * attempt limit, a stale payment request is dropped before any route sees it, the drain at stop
 * passes over a route that awaits an answer, and a late answer is carried at once or kept.
 */
import { describe, expect, it } from 'vitest'
import type { Message, OperatingLimits, Payment } from '../../src/core/index.js'
import { defaultOperatingLimits } from '../../src/core/index.js'
import type { Notice, NoticeRoute, RouteAnswer } from '../../src/gateway/notices/index.js'
import { NoticeOutbox } from '../../src/gateway/notices/index.js'
import type { NoticeOutboxDeps } from '../../src/gateway/notices/outbox.js'
import type { OutboxItem } from '../../src/ledger/store.js'
import { TestClock } from '../../src/service/clock.js'
import type { Logger } from '../../src/service/log.js'
import { silentLogger } from '../../src/service/log.js'
import { Metrics } from '../../src/service/metrics.js'

interface Row {
  readonly id: number
  readonly payload: string
  attempts: number
  nextMs: number | null
  delivered: boolean
  error: string | null
}

const prompt: Message = {
  key: 'request.prompt',
  params: { payee: 'Ringtone Store', amount: '3.00', account: 'wallet', reference: 'R1' },
}

function memoryOutbox(clock: TestClock, payments: Record<string, Partial<Payment>> = {}) {
  const rows: Row[] = []
  const ledger: NoticeOutboxDeps['ledger'] = {
    dueOutbox: (_kind, nowMs, limit) =>
      Promise.resolve(
        rows
          .filter((row) => !row.delivered && row.nextMs !== null && row.nextMs <= nowMs)
          .slice(0, limit)
          .map(
            (row): OutboxItem => ({
              id: row.id,
              kind: 'sms',
              payload: row.payload,
              attempts: row.attempts,
              createdMs: 0,
            }),
          ),
      ),
    outboxDelivered: (id) => {
      const row = rows.find((candidate) => candidate.id === id)
      if (row !== undefined) row.delivered = true
      return Promise.resolve()
    },
    outboxFailed: (id, nextMs, error) => {
      const row = rows.find((candidate) => candidate.id === id)
      if (row !== undefined) {
        row.attempts += 1
        row.nextMs = nextMs
        row.error = error
      }
      return Promise.resolve()
    },
    payment: (id) =>
      Promise.resolve(
        payments[id] === undefined
          ? null
          : ({
              id,
              state: 'awaiting_authorization',
              expiresMs: Number.MAX_SAFE_INTEGER,
              ...payments[id],
            } as Payment),
      ),
    keepSmsReply: (reply, nowMs) => {
      rows.push({
        id: rows.length + 1,
        payload: JSON.stringify(reply),
        attempts: 0,
        nextMs: nowMs,
        delivered: false,
        error: null,
      })
      return Promise.resolve(true)
    },
    smsReplyKept: () => Promise.resolve(false),
  }
  const queue = (payload: unknown): number => {
    rows.push({
      id: rows.length + 1,
      payload: JSON.stringify(payload),
      attempts: 0,
      nextMs: clock.nowMs(),
      delivered: false,
      error: null,
    })
    return rows.length
  }
  return { rows, ledger, queue }
}

function outboxOver(
  clock: TestClock,
  ledger: NoticeOutboxDeps['ledger'],
  limits: Partial<OperatingLimits> = {},
  log: Logger = silentLogger,
): NoticeOutbox {
  return new NoticeOutbox({
    ledger,
    clock,
    limits: { ...defaultOperatingLimits, ...limits },
    log,
    metrics: new Metrics(),
  })
}

/** A logger that keeps `level message` lines. */
function keeping(lines: string[]): Logger {
  const keep =
    (level: string) =>
    (message: string): void => {
      lines.push(`${level} ${message}`)
    }
  return { debug: keep('debug'), info: keep('info'), warn: keep('warn'), error: keep('error') }
}

/** A route that answers from `answer` and records each notice it was offered as `name:text`. */
function recording(
  name: string,
  offered: string[],
  answer: (notice: Notice) => RouteAnswer,
  options: { awaitsAnswer?: boolean; canDeliver?: (notice: Notice) => boolean } = {},
): NoticeRoute {
  return {
    name,
    awaitsAnswer: options.awaitsAnswer ?? false,
    canDeliver: options.canDeliver ?? (() => true),
    deliver(notice) {
      offered.push(`${name}:${notice.text}`)
      return Promise.resolve(answer(notice))
    },
  }
}

const firstTryOfPrompt = (notice: Notice): boolean =>
  notice.attempts === 0 && notice.queued?.message.key === 'request.prompt'

describe('the notices outbox', () => {
  it('offers a notice to the routes in order: a push that passes hands it to SMS', async () => {
    const clock = new TestClock(1_000)
    const memory = memoryOutbox(clock)
    const outbox = outboxOver(clock, memory.ledger)
    const offered: string[] = []
    outbox.register(
      recording('ussd_push', offered, () => ({ outcome: 'passed', why: 'busy' }), {
        awaitsAnswer: true,
        canDeliver: firstTryOfPrompt,
      }),
    )
    outbox.register(recording('sms', offered, () => ({ outcome: 'delivered' })))
    memory.queue({ msisdn: '8613800138000', language: 'en', message: prompt })
    memory.queue({ msisdn: '8613800138000', text: 'Kept reply.', commandKey: null })
    expect(await outbox.sweep()).toBe(2)
    expect(offered).toHaveLength(3)
    expect(offered[0]).toMatch(/^ussd_push:.*Ringtone Store/)
    expect(offered[1]).toMatch(/^sms:.*Ringtone Store/)
    // A kept text is no payment prompt: SMS alone is offered it.
    expect(offered[2]).toBe('sms:Kept reply.')
    expect(memory.rows.every((row) => row.delivered)).toBe(true)
    expect(() =>
      outbox.register(recording('sms', offered, () => ({ outcome: 'delivered' }))),
    ).toThrow(/sms is registered already/)
  })

  it('holds a shown notice until its answer is due, then sends it by the next route', async () => {
    const clock = new TestClock(1_000)
    const memory = memoryOutbox(clock)
    const outbox = outboxOver(clock, memory.ledger)
    const offered: string[] = []
    outbox.register(
      recording('ussd_push', offered, () => ({ outcome: 'shown', answerByMs: 31_000 }), {
        awaitsAnswer: true,
        canDeliver: firstTryOfPrompt,
      }),
    )
    outbox.register(recording('sms', offered, () => ({ outcome: 'delivered' })))
    memory.queue({ msisdn: '8613800138000', language: 'en', message: prompt })
    await outbox.sweep()
    expect(offered.map((line) => line.split(':')[0])).toEqual(['ussd_push'])
    expect(memory.rows[0]).toMatchObject({ delivered: false, attempts: 1, nextMs: 31_000 })
    expect(await outbox.hasDue()).toBe(false)
    clock.advance(30_000)
    await outbox.sweep()
    expect(offered.map((line) => line.split(':')[0])).toEqual(['ussd_push', 'sms'])
    expect(memory.rows[0]?.delivered).toBe(true)
  })

  it('lets the route holding a row mark it answered, or due at once for the next', async () => {
    const clock = new TestClock(1_000)
    const memory = memoryOutbox(clock)
    const outbox = outboxOver(clock, memory.ledger)
    const first = memory.queue({ msisdn: '8613800138000', language: 'en', message: prompt })
    const second = memory.queue({ msisdn: '8613800138001', language: 'en', message: prompt })
    await outbox.answered(first)
    await outbox.unanswered(second, 'USSD push ended without an answer')
    expect(memory.rows[0]?.delivered).toBe(true)
    expect(memory.rows[1]).toMatchObject({ delivered: false, nextMs: 1_000 })
  })

  it('backs off a failed try, doubling, and abandons the row at the attempt limit', async () => {
    const clock = new TestClock(1_000)
    const memory = memoryOutbox(clock)
    const logged: string[] = []
    const outbox = outboxOver(
      clock,
      memory.ledger,
      { webhookAttemptsMax: 3, webhookBackoffBaseMs: 1_000 },
      keeping(logged),
    )
    const offered: string[] = []
    outbox.register(
      recording('sms', offered, () => ({ outcome: 'failed', error: 'no bind', temporary: true })),
    )
    memory.queue({ msisdn: '8613800138000', text: 'Kept reply.', commandKey: null })
    await outbox.sweep()
    expect(memory.rows[0]).toMatchObject({ attempts: 1, nextMs: 2_000, error: 'no bind' })
    clock.advance(1_000)
    await outbox.sweep()
    expect(memory.rows[0]).toMatchObject({ attempts: 2, nextMs: 4_000 })
    clock.advance(2_000)
    await outbox.sweep()
    expect(memory.rows[0]).toMatchObject({ attempts: 3, nextMs: null, delivered: false })
    expect(offered).toHaveLength(3)
    // No phone bound is the simulator's usual state: one line at info, the retries at debug,
    // a warning only for the notice given up on.
    expect(logged).toEqual([
      'info sms notice not sent, will retry',
      'debug sms notice not sent again, will retry',
      'warn sms notice abandoned',
    ])
  })

  it('drops a request whose payment no longer waits before any route sees it', async () => {
    const clock = new TestClock(1_000)
    const memory = memoryOutbox(clock, { P1: { state: 'cancelled' } })
    const outbox = outboxOver(clock, memory.ledger)
    const offered: string[] = []
    outbox.register(recording('sms', offered, () => ({ outcome: 'delivered' })))
    memory.queue({ msisdn: '8613800138000', language: 'en', message: prompt, paymentId: 'P1' })
    expect(await outbox.sweep()).toBe(0)
    expect(offered).toEqual([])
    expect(memory.rows[0]).toMatchObject({
      delivered: false,
      nextMs: null,
      error: 'dropped: payment P1 is cancelled, no longer waiting',
    })
  })

  it('passes over a route that awaits an answer once the drain at stop began', async () => {
    const clock = new TestClock(1_000)
    const memory = memoryOutbox(clock)
    const outbox = outboxOver(clock, memory.ledger)
    const offered: string[] = []
    outbox.register(
      recording('ussd_push', offered, () => ({ outcome: 'shown', answerByMs: 31_000 }), {
        awaitsAnswer: true,
        canDeliver: firstTryOfPrompt,
      }),
    )
    outbox.register(recording('sms', offered, () => ({ outcome: 'delivered' })))
    memory.queue({ msisdn: '8613800138000', language: 'en', message: prompt })
    outbox.drainStarts()
    expect(await outbox.hasDue()).toBe(true)
    await outbox.sweep()
    expect(offered.map((line) => line.split(':')[0])).toEqual(['sms'])
    expect(await outbox.hasDue()).toBe(false)
  })

  it('carries a late answer at once, keeps it if it cannot go, else refuses it', async () => {
    const clock = new TestClock(1_000)
    const memory = memoryOutbox(clock)
    const outbox = outboxOver(clock, memory.ledger)
    expect(await outbox.notify('8613800138000', 'Paid.')).toBe(false)
    expect(await outbox.hasDue()).toBe(false)
    let up = true
    const offered: string[] = []
    outbox.register(
      recording('sms', offered, () =>
        up ? { outcome: 'delivered' } : { outcome: 'failed', error: 'no bind', temporary: true },
      ),
    )
    expect(await outbox.notify('8613800138000', 'Paid.')).toBe(true)
    expect(memory.rows).toHaveLength(0)
    up = false
    expect(await outbox.notify('8613800138000', 'Paid later.')).toBe(true)
    await outbox.settled()
    expect(memory.rows.map((row) => JSON.parse(row.payload).text)).toEqual(['Paid later.'])
    expect(offered).toEqual(['sms:Paid.', 'sms:Paid later.'])
  })

  it('gives a late answer one message-log id, kept with it for the later tries', async () => {
    const clock = new TestClock(1_000)
    const memory = memoryOutbox(clock)
    const outbox = outboxOver(clock, memory.ledger)
    let up = false
    const ids: (string | undefined)[] = []
    outbox.register(
      recording('sms', [], (notice) => {
        ids.push(notice.messageId)
        return up
          ? { outcome: 'delivered' }
          : { outcome: 'failed', error: 'no bind', temporary: true }
      }),
    )
    expect(await outbox.notify('8613800138000', 'Paid later.')).toBe(true)
    up = true
    await outbox.sweep()
    expect(ids).toHaveLength(2)
    expect(ids[0]).toMatch(/^late-/)
    expect(ids[1]).toBe(ids[0])
  })
})
