/**
 * kannel-esme.test.ts - Kannel 1.4.5 (bearerbox + smsbox) bound as an ESME (transceiver) to
 * our SMSC simulator, as an independent SMPP implementation: MOs sent through Kannel's sendsms
 * reach the payment core, our replies reach the application behind Kannel's get-url, and
 * Kannel matches our delivery receipts to its messages and calls its dlr-url. Skipped, with the
 * reason in the name, when Kannel is not installed.
 *
 * One gateway and one Kannel serve the whole file (starting Kannel takes seconds), so the tests
 * run in order: BAL sees the opening balance before the payment moves it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { GatewayFixture } from '../../../support/gateway-fixture.js'
import { HAN, LI, LI_PIN, startTestGateway } from '../../../support/gateway-fixture.js'
import type { KannelInbound, KannelReport } from '../../../support/kannel.js'
import {
  KannelApp,
  KannelEsme,
  kannelMissing,
  waitFor,
  waitForAsync,
} from '../../../support/kannel.js'

const shortCode = '12588'
/** Kannel retries and queues inside; a reply normally takes well under a second. */
const replyTimeoutMs = 15_000

const missing = kannelMissing()
let gw: GatewayFixture | null = null
let app: KannelApp | null = null
let kannel: KannelEsme | null = null

function started(): { gw: GatewayFixture; app: KannelApp; kannel: KannelEsme } {
  if (gw === null || app === null || kannel === null)
    throw new Error('the gateway or Kannel did not start')
  return { gw, app, kannel }
}

/**
 * How Kannel's %P shows a receiver we sent with TON 1 (international): with a leading "+". So
 * this also checks that our deliver_sm marks subscriber numbers as international.
 */
function asKannelSees(msisdn: string): string {
  return `+${msisdn}`
}

/**
 * The next message our gateway sent to `msisdn` as Kannel's application saw it, after `seen`
 * earlier ones.
 */
async function replyTo(msisdn: string, seen: number, what: string): Promise<KannelInbound> {
  const { app: application } = started()
  return waitFor(
    what,
    () => application.inbound.filter((message) => message.to === asKannelSees(msisdn))[seen],
    replyTimeoutMs,
  )
}

function countTo(msisdn: string): number {
  return started().app.inbound.filter((message) => message.to === asKannelSees(msisdn)).length
}

/** sendsms through Kannel with a dlr-url tagged so the report can be told apart. */
async function send(from: string, text: string, tag: string, coding?: number): Promise<void> {
  const { app: application, kannel: box } = started()
  const dlrUrl = `http://127.0.0.1:${application.port}/dlr?tag=${tag}&type=%d&id=%F&reply=%A`
  const answer = await box.sendsms(from, shortCode, text, {
    dlrUrl,
    ...(coding === undefined ? {} : { coding }),
  })
  // Kannel answers 202 "0: Accepted for delivery" once the message is queued to bearerbox.
  expect(answer, `sendsms ${tag}`).toMatchObject({ status: 202 })
}

function reportFor(tag: string): KannelReport | undefined {
  return started().app.reports.find((report) => report.params['tag'] === tag)
}

describe.skipIf(missing !== null)(
  `Kannel as an ESME of our SMSC simulator${missing === null ? '' : ` (skipped: ${missing})`}`,
  () => {
    beforeAll(async () => {
      gw = await startTestGateway()
      const smpp = gw.gateway.smpp
      if (smpp === null) throw new Error('the SMSC simulator did not start')
      app = await KannelApp.start()
      kannel = await KannelEsme.start({
        smscPort: smpp.port,
        systemId: 'telepay',
        password: 'telepay',
        app,
      })
      const box = kannel
      await waitForAsync(
        'Kannel to report its SMPP link online',
        async () => /online/.test(await box.status()),
        replyTimeoutMs,
      )
    }, 40_000)

    afterAll(async () => {
      try {
        await kannel?.stop()
      } finally {
        try {
          await app?.close()
        } finally {
          await gw?.close()
        }
      }
    }, 20_000)

    it('shows our SMSC link online on Kannel status page', async () => {
      const status = await started().kannel.status()
      const link = status.split('\n').find((line) => line.includes('TELEPAY'))
      expect(link, status).toBeDefined()
      expect(link).toMatch(/online/)
    })

    it('BAL: our reply reaches get-url from the short code; Kannel matches our DLR', async () => {
      await send(LI, 'BAL', 'bal')
      const reply = await replyTo(LI, 0, 'the BAL reply at the get-url')
      expect(reply).toMatchObject({ from: shortCode, to: asKannelSees(LI), coding: '0' })
      expect(reply.text).toContain('500.00')
      const report = await waitFor(
        'the dlr-url call for BAL',
        () => reportFor('bal'),
        replyTimeoutMs,
      )
      expect(report.type).toBe(1)
      // %F: the SMSC's id for the message, i.e. the message_id of our submit_sm_resp, which our
      // receipt (esm_class 0x04) quoted in receipted_message_id and in its text.
      expect(report.id).toMatch(/^\d+$/)
      const receipt = started()
        .kannel.receivedPdus()
        .find(
          (pdu) => pdu.type === 'deliver_sm' && pdu.fields['receipted_message_id'] === report.id,
        )
      expect(receipt?.fields['esm_class']).toBe(String(0x04))
      expect(receipt?.shortMessage.toString('latin1')).toMatch(
        new RegExp(`^id:${report.id} .*stat:DELIVRD`),
      )
    })

    it('PAY 1001 25, YES <PIN> through Kannel pays; the admin API shows 475.00', async () => {
      const before = countTo(LI)
      await send(LI, 'PAY 1001 25', 'pay')
      const ask = await replyTo(LI, before, 'the PAY confirmation request')
      expect(ask.text).toContain('Ringtone Store')
      expect(ask.text).toContain('25.00')
      expect(ask.text).toMatch(/YES <PIN>/)
      await send(LI, `YES ${LI_PIN}`, 'yes')
      const paid = await replyTo(LI, before + 1, 'the payment receipt text')
      expect(paid.from).toBe(shortCode)
      expect(paid.text).toMatch(/Paid CNY 25\.00 to Ringtone Store/)
      expect(paid.text).not.toContain(LI_PIN)
      expect(await started().gw.balance(LI, 'wallet')).toBe('475.00')
      const reports = await waitFor(
        'dlr-url calls for PAY and YES',
        () => {
          const both = [reportFor('pay'), reportFor('yes')]
          return both.every((report) => report !== undefined) ? both : undefined
        },
        replyTimeoutMs,
      )
      expect(reports.map((report) => report?.type)).toEqual([1, 1])
      expect(reports[0]?.id).not.toBe(reports[1]?.id)
    })

    it('BAL after the payment shows the new balance (a repeated text is a new MO)', async () => {
      // Kannel submits the same bytes for the same text from the same number: nothing in the
      // submit_sm tells this BAL from the first one but the time between them.
      const before = countTo(LI)
      await send(LI, 'BAL', 'bal-again')
      const reply = await replyTo(LI, before, 'the second BAL reply')
      expect(reply.text).toContain('475.00')
    })

    it('a Chinese MO (UCS-2 from Kannel) is answered in Chinese, UCS-2 on the wire', async () => {
      const before = countTo(HAN)
      // coding=2 with charset=UTF-8: Kannel converts the text to UCS-2 for the submit_sm.
      await send(HAN, '余额', 'zh', 2)
      const reply = await replyTo(HAN, before, 'the Chinese reply')
      expect(reply.from).toBe(shortCode)
      // %a is UTF-8 text: smsbox's mo-recode turned our UCS-2 into UTF-8 (and %c then says 0).
      expect(reply.text).toMatch(/余额|钱包/)
      expect(reply.text).toContain('20.00')
      const onWire = started()
        .kannel.receivedPdus()
        .filter(
          (pdu) =>
            pdu.type === 'deliver_sm' &&
            pdu.fields['destination_addr'] === HAN &&
            pdu.fields['esm_class'] === '0',
        )
      expect(onWire.map((pdu) => pdu.fields['data_coding'])).toEqual(['8'])
      const report = await waitFor(
        'the dlr-url call for the Chinese MO',
        () => reportFor('zh'),
        replyTimeoutMs,
      )
      expect(report.type).toBe(1)
    })

    it('our two-part Chinese help reaches get-url whole: Kannel reassembles our UDH', async () => {
      const before = countTo(HAN)
      await send(HAN, '帮助', 'zh-help', 2)
      const reply = await replyTo(HAN, before, 'the Chinese help text')
      // More than one UCS-2 SMS holds (70 characters), in one piece, ending where the text ends.
      expect(reply.text.length).toBeGreaterThan(70)
      expect(reply.text).toMatch(/^指令：余额/)
      expect(reply.text).toMatch(/。$/)
      const parts = started()
        .kannel.receivedPdus()
        .filter(
          (pdu) =>
            pdu.type === 'deliver_sm' &&
            pdu.fields['destination_addr'] === HAN &&
            pdu.fields['esm_class'] === String(0x40),
        )
      expect(parts.length).toBeGreaterThan(1)
      expect(parts.map((pdu) => pdu.fields['data_coding'])).toEqual(parts.map(() => '8'))
      // Kannel's own reading of our UDH: 05 00 03 ref total seq, seq running 1..total.
      expect(
        parts.map((pdu) => [
          ...pdu.shortMessage.subarray(0, 3),
          pdu.shortMessage[4],
          pdu.shortMessage[5],
        ]),
      ).toEqual(parts.map((_, index) => [5, 0, 3, parts.length, index + 1]))
      const report = await waitFor(
        'the dlr-url call for the help MO',
        () => reportFor('zh-help'),
        replyTimeoutMs,
      )
      expect(report.type).toBe(1)
    })

    it('leaves no SMPP error or panic in bearerbox.log', () => {
      const log = started().kannel.log('bearerbox')
      expect(log).toContain('SMPP')
      const bad = log.split('\n').filter((line) => /(ERROR|PANIC):/.test(line))
      expect(bad).toEqual([])
    })
  },
)
