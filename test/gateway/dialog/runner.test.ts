/**
 * runner.test.ts - the dialog runner every conversational channel shares: one idempotency key
 * per step, the answer within the deadline, a late command answered by SMS in the user's
 * language with no template left in it, the bound on late commands, and work of one dialog
 * never interleaving.
 */
import { describe, expect, it } from 'vitest'
import type { CommandResult } from '../../../src/core/index.js'
import { refused } from '../../../src/core/index.js'
import type { DialogLimits, Notify } from '../../../src/gateway/dialog/index.js'
import { commandKey, DialogRunner } from '../../../src/gateway/dialog/index.js'
import type { CommandPort } from '../../../src/gateway/ports.js'
import { Metrics } from '../../../src/service/metrics.js'
import { captureLog } from '../../support/log-capture.js'

const balance = { command: { kind: 'balance', msisdn: '8613800138000' } as const, pin: null }
const answer: CommandResult = refused('insufficient_funds', 'en')

/** A core that answers each command when the test says so, and records the keys it was given. */
function slowCore(): {
  port: CommandPort
  keys: string[]
  release(): void
} {
  const keys: string[] = []
  const waiting: (() => void)[] = []
  return {
    keys,
    port: {
      execute: (request) => {
        keys.push(request.key ?? '')
        return new Promise((resolve) => waiting.push(() => resolve(answer)))
      },
    },
    release: () => {
      for (const resolve of waiting.splice(0)) resolve()
    },
  }
}

function runnerOf(
  port: CommandPort,
  notify: Notify | null,
  limits: DialogLimits = { answerDeadlineMs: 20, lateCommandsMax: 5 },
) {
  const metrics = new Metrics()
  const { log, lines } = captureLog('info')
  const runner = new DialogRunner({
    channel: 'ussd',
    commands: port,
    notify,
    log,
    metrics,
    limits,
  })
  return { runner, metrics, lines }
}

describe('the dialog runner', () => {
  it('keys a step by dialog and step, and a chained command by its index', async () => {
    const core = slowCore()
    const { runner } = runnerOf(core.port, null, { answerDeadlineMs: null, lateCommandsMax: 1 })
    const first = runner.execute({
      dialog: 'at:s1',
      step: 3,
      index: 0,
      run: balance,
      lateAnswerTo: null,
    })
    const second = runner.execute({
      dialog: 'at:s1',
      step: 3,
      index: 1,
      run: balance,
      lateAnswerTo: null,
    })
    core.release()
    expect(await first).toEqual({ kind: 'answered', result: answer })
    expect(await second).toEqual({ kind: 'answered', result: answer })
    expect(core.keys).toEqual(['at:s1:3', 'at:s1:3.1'])
    expect(commandKey('form', 'tok', 0)).toBe('form:tok')
  })

  it('answers late past the deadline, then sends the rendered answer by SMS', async () => {
    const core = slowCore()
    const sent: { to: string; text: string }[] = []
    const { runner, metrics, lines } = runnerOf(core.port, (to, text) => {
      sent.push({ to, text })
      return Promise.resolve(true)
    })
    const outcome = await runner.execute({
      dialog: 'at:s1',
      step: 0,
      index: 0,
      run: { ...balance, pin: '1234' },
      lateAnswerTo: '8613800138000',
    })
    expect(outcome).toEqual({ kind: 'late' })
    expect(runner.lateCount).toBe(1)
    expect(sent).toEqual([])
    core.release()
    await runner.drained()
    expect(runner.lateCount).toBe(0)
    expect(sent).toHaveLength(1)
    expect(sent[0]?.to).toBe('8613800138000')
    expect(sent[0]?.text).toContain('Not enough money')
    expect(sent[0]?.text).not.toMatch(/[{}]|refusal\./)
    const text = await metrics.render()
    expect(text).toMatch(/telepay_ussd_deadline_missed_total\{kind="balance"\} 1/)
    expect(text).toMatch(/telepay_ussd_late_answers_total\{sent="true"\} 1/)
    // The PIN never reaches a log line.
    expect(lines.join('\n')).not.toContain('1234')
  })

  it('refuses a step before it starts once lateCommandsMax commands are late', async () => {
    const core = slowCore()
    const { runner } = runnerOf(core.port, null, { answerDeadlineMs: 10, lateCommandsMax: 1 })
    const step = { dialog: 'at:s1', step: 0, index: 0, run: balance, lateAnswerTo: null }
    expect(await runner.execute(step)).toEqual({ kind: 'late' })
    expect(await runner.execute({ ...step, dialog: 'at:s2' })).toEqual({ kind: 'busy' })
    expect(core.keys).toEqual(['at:s1:0'])
    core.release()
    await runner.drained()
    // Once the late one finished, steps start again.
    const after = runner.execute({ ...step, dialog: 'at:s3' })
    core.release()
    expect(await after).toEqual({ kind: 'answered', result: answer })
  })

  it('runs the work of one dialog one at a time, and other dialogs beside it', async () => {
    const core = slowCore()
    const { runner } = runnerOf(core.port, null)
    const order: string[] = []
    let releaseFirst = (): void => undefined
    const first = runner.serialize('d1', async () => {
      order.push('d1 first starts')
      await new Promise<void>((resolve) => {
        releaseFirst = resolve
      })
      order.push('d1 first ends')
    })
    const second = runner.serialize('d1', () => {
      order.push('d1 second')
      return Promise.resolve()
    })
    const other = runner.serialize('d2', () => {
      order.push('d2')
      return Promise.resolve()
    })
    await other
    releaseFirst()
    await Promise.all([first, second])
    expect(order).toEqual(['d1 first starts', 'd2', 'd1 first ends', 'd1 second'])
  })
})
