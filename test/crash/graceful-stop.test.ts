/**
 * graceful-stop.test.ts - issue 11, nothing lost on a graceful stop. A real gateway in a child
 * process runs mixed load (phones on several ESMEs paying by SMS, merchants asking phones to
 * pay over the merchant API, the phones answering YES, USSD balance sessions); it gets SIGTERM
 * in the middle, exits 0, and starts again on the same data directory with the phones bound
 * again. Then: the HTTP requests in flight at the SIGTERM were all answered, every acknowledged
 * YES completed its payment and every completed payment's YES was acknowledged, every
 * merchant's 202 names a payment that exists, every completed payment's receipt SMS reached its
 * phone exactly once, no payment moved twice and the ledger is balanced.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import {
  acknowledgedButMissing,
  inspectLoad,
  runUntilSignal,
  signalChild,
  sleep,
  startGatewayChild,
} from '../support/gateway-child.js'

const binds = 4
const phonesPerBind = 4
/** Load before the signal: long enough for every kind of flow to be under way many times. */
const loadBeforeSignalMs = 3_000
/**
 * A stop takes its bounds at worst: stopInFlightMs 10 s, stopHttpCloseGraceMs 1 s,
 * stopOutboxDrainMs 5 s, the unbind 5 s.
 */
const exitWaitMs = 25_000
const receiptsWaitMs = 10_000

const dirs: string[] = []
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true })
})

describe('SIGTERM of a real gateway under mixed load, then a restart', () => {
  it('answers in-flight requests; one receipt per completed payment; no double moves', async () => {
    const started = Date.now()
    const dir = mkdtempSync(join(tmpdir(), 'telepay-stop-'))
    dirs.push(dir)
    const {
      load,
      child: first,
      signalMs,
      exit,
    } = await runUntilSignal(dir, {
      binds,
      phonesPerBind,
      loadMs: loadBeforeSignalMs,
      signal: 'SIGTERM',
      exitWaitMs,
    })
    expect(exit, first.log().slice(-3_000)).toEqual({ code: 0, signal: null })

    // HTTP: every request that reached the gateway before the signal got an answer.
    const inFlight = load.httpCalls.filter(
      (call) => call.connectedMs !== null && call.connectedMs <= signalMs,
    )
    const cut = inFlight
      .filter((call) => call.status === null)
      .map(
        (call) =>
          `${call.error ?? ''} connected ${signalMs - (call.connectedMs ?? 0)} ms before SIGTERM`,
      )
    const ackedBeforeRestart = load.ackedYes.length

    // The restart: the phones bind again; kept receipts come from the outbox.
    const second = await startGatewayChild(dir)
    await load.bind(second.smppPort)
    const payers = [...load.smsPayers, ...load.askedPayers]
    const receiptsMissing = (): number => {
      const state = inspectLoad(dir, payers)
      return state.completed.filter((payment) => load.receiptsOf(payment.msisdn, payment.ref) === 0)
        .length
    }
    const waitUntil = Date.now() + receiptsWaitMs
    while (receiptsMissing() > 0 && Date.now() < waitUntil) await sleep(250)
    // A little longer, so that a receipt sent twice would be seen twice.
    await sleep(1_500)
    expect(await signalChild(second, 'SIGTERM', exitWaitMs)).toEqual({ code: 0, signal: null })
    await load.close()

    const state = inspectLoad(dir, payers)
    const missing = state.completed.filter(
      (payment) => load.receiptsOf(payment.msisdn, payment.ref) === 0,
    )
    const twice = state.completed.filter(
      (payment) => load.receiptsOf(payment.msisdn, payment.ref) > 1,
    )
    const { unconfirmed, unknownRequests } = acknowledgedButMissing(load, state)
    // An MO in flight at the signal is answered too: no payment completed behind the phone's back.
    const unanswered = state.completed.filter(
      (payment) =>
        !load.ackedYes.some(
          (yes) => yes.msisdn === payment.msisdn && yes.amountMinor === payment.amountMinor,
        ),
    )
    console.info(
      `graceful stop: ${load.httpCalls.length} HTTP requests (${inFlight.length} reached ` +
        `the gateway before SIGTERM, ${cut.length} of them cut), ` +
        `${ackedBeforeRestart} acknowledged YES, ${load.requested.length} merchant requests ` +
        `accepted, ${load.ussdBalances} USSD balances, ${state.completed.length} ` +
        `payments completed, ` +
        `${unanswered.length} completed by an unanswered YES, ${state.keptReplies} replies ` +
        `kept in the outbox, ${missing.length} receipts missing, ${twice.length} sent ` +
        `twice; ${Date.now() - started} ms`,
    )
    expect(
      state.completed.length,
      'the load completed no payment: nothing was tested',
    ).toBeGreaterThan(binds * phonesPerBind)
    expect(load.requested.length, 'no merchant request was accepted').toBeGreaterThan(0)
    expect(load.ussdBalances, 'no USSD session was answered').toBeGreaterThan(0)
    if (cut.length > 0)
      console.info(
        first
          .log()
          .split('\n')
          .filter((line) => /stop|error/i.test(line))
          .slice(-20)
          .join('\n'),
      )
    expect(cut, 'HTTP requests in flight at SIGTERM cut instead of answered').toEqual([])
    expect(
      missing.map((payment) => `${payment.msisdn} ${payment.ref}`),
      'completed payments whose receipt SMS never came',
    ).toEqual([])
    expect(
      twice.map((payment) => `${payment.msisdn} ${payment.ref}`),
      'receipts sent twice',
    ).toEqual([])
    expect(unconfirmed, 'acknowledged YES whose payment is not completed').toEqual([])
    expect(unknownRequests, 'accepted merchant requests missing from the ledger').toEqual([])
    expect(
      unanswered.map((payment) => `${payment.msisdn} ${payment.ref}`),
      'payments completed by a YES that got no submit_sm_resp',
    ).toEqual([])
    expect(state.appliedTwice).toBe(0)
    expect(state.balanced).toBe(true)
  })
})
