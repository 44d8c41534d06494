/**
 * drive-smpp.test.ts - operator mode against an SMSC we did not write: Kannel's test SMSC
 * drive_smpp (Debian kannel-extras). telepay binds to it as a transmitter plus a receiver,
 * drive_smpp pushes MOs "1".."N" from 456 to 123 as deliver_sm right after the bind, counts the
 * submit_sm it gets back, and prints its counts once we unbind. Skipped, with the reason in the
 * name, when drive_smpp is not installed.
 *
 * drive_smpp runs once per file (it quits when its ESME leaves, and its smsbox stand-in port
 * 13001 is fixed), so the tests share one session and run in order: MOs taken, clean unbind,
 * then the counts drive_smpp printed.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { GatewayFixture } from '../../../support/gateway-fixture.js'
import { startTestGateway } from '../../../support/gateway-fixture.js'
import { DriveSmpp, driveSmppMissing, waitFor, waitForAsync } from '../../../support/kannel.js'

/** MOs drive_smpp sends; small enough to pass in a second, big enough to need windowing. */
const messages = 20
/** Bounded waits: drive_smpp sends everything within a second of the bind. */
const flowTimeoutMs = 10_000

const missing = driveSmppMissing()
let drive: DriveSmpp | null = null
let gw: GatewayFixture | null = null
let gatewayClosed = false
/** What drive_smpp printed by the time it ended. */
let printed: string | null = null

/** The lines of GET /metrics (Prometheus text) for one metric name. */
async function metricLines(name: string): Promise<string[]> {
  if (gw === null) throw new Error('the gateway did not start')
  const answer = await gw.admin('GET', '/metrics')
  expect(answer.status).toBe(200)
  return answer.text
    .split('\n')
    .filter((line) => line.startsWith(`${name} `) || line.startsWith(`${name}{`))
}

/** A counter from GET /metrics, summed over its label sets; 0 when absent. */
async function metric(name: string): Promise<number> {
  return (await metricLines(name)).reduce(
    (sum, line) => sum + Number(line.slice(line.lastIndexOf(' ') + 1)),
    0,
  )
}

/**
 * drive_smpp's closing line "Number of messages sent to <what>: <n>", or null when it is missing.
 */
function printedCount(what: string): number | null {
  const match = new RegExp(`Number of messages sent to ${what}: (\\d+)`).exec(printed ?? '')
  return match === null ? null : Number(match[1])
}

describe.skipIf(missing !== null)(
  `operator mode bound to Kannel's drive_smpp${missing === null ? '' : ` (skipped: ${missing})`}`,
  () => {
    beforeAll(async () => {
      drive = await DriveSmpp.start(messages)
      gw = await startTestGateway({
        overrides: {
          sms: {
            mode: 'operator',
            upstream: `smpp://telepay:telepay@127.0.0.1:${drive.port}?bind=transmitter%2Breceiver`,
          },
        },
      })
      await waitForAsync(
        'telepay bound to drive_smpp',
        async () => (await metric('telepay_smpp_upstream_bound')) === 1,
        flowTimeoutMs,
      )
    }, 30_000)

    afterAll(async () => {
      try {
        if (!gatewayClosed) await gw?.close()
      } finally {
        await drive?.stop()
      }
    }, 20_000)

    it(`takes all ${messages} MOs drive_smpp delivers right after the bind`, async () => {
      const box = drive
      if (box === null) throw new Error('drive_smpp did not start')
      await waitFor(
        'drive_smpp to send all its MOs',
        () => box.printed.includes('All messages sent to ESME.'),
        flowTimeoutMs,
      )
      // Every MO answered ESME_ROK reaches the channel; a refused one is lost to this SMSC (it
      // does not retry), so the count must reach N. Waiting for it bounds the time, not the value.
      const handled = await waitForAsync(
        `${messages} MOs handled`,
        async () => {
          const count = await metric('telepay_sms_mo_total')
          return count >= messages ? count : null
        },
        flowTimeoutMs,
      ).catch(() => metric('telepay_sms_mo_total'))
      // On failure, how we answered the deliver_sm tells why (ESME_RINVBNDSTS: not bound yet).
      const answers = (await metricLines('telepay_smpp_pdus_total')).filter((line) =>
        line.includes('deliver_sm_resp'),
      )
      expect(
        handled,
        `MOs the channel handled (telepay_sms_mo_total); our answers: ${answers.join('; ')}`,
      ).toBe(messages)
    })

    it('unbinds cleanly as the gateway closes: drive_smpp ends, printing its counts', async () => {
      const box = drive
      if (box === null || gw === null) throw new Error('the gateway or drive_smpp did not start')
      // Replies, if any, are given time to arrive before the unbind: drive_smpp says when it has
      // counted N submit_sm. Not arriving is asserted in the next test, not here.
      await waitFor(
        'drive_smpp to count every reply',
        () => box.printed.includes('ESME has submitted all messages to SMSC.'),
        5_000,
      ).catch(() => undefined)
      gatewayClosed = true
      await gw.close()
      printed = await box.finished(flowTimeoutMs)
      // Killed by finished() would mean drive_smpp never saw the ESME leave.
      expect(box.exit, printed).toEqual({ code: 0, signal: null })
      expect(printedCount('ESME'), printed).toBe(messages)
      const problems = printed.split('\n').filter((line) => /(ERROR|PANIC):/.test(line))
      expect(problems).toEqual([])
    })

    it(`answers every MO with a submit_sm: drive_smpp counted ${messages} sent to the SMSC`, () => {
      // The MOs come from "456" with texts "1".."N": no subscriber and no command, so each
      // deserves the unknown-command help text; an operator expects an answer per MO.
      expect(printed, 'drive_smpp output (the previous test ends the session)').not.toBeNull()
      expect(printedCount('SMSC'), printed ?? '').toBe(messages)
    })
  },
)
