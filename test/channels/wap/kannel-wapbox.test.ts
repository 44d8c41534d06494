/**
 * kannel-wapbox.test.ts - end to end through a real WAP gateway: a WAP 1.x handset speaks
 * connectionless WSP over UDP to Kannel's bearerbox; wapbox fetches our WML over HTTP, compiles it
 * to WMLC and sends it back; the handset reads the decks decoded by wbxml2xml, logs in with its
 * MSISDN and PIN (Kannel adds no MSISDN header of its own), pays a merchant and resubmits. The
 * compiled size of every deck that went over the air is measured and kept in
 * test-artifacts/wap/wmlc-over-the-air.txt. Skipped, saying so, without Kannel or libwbxml2-utils.
 */
import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { defaultRenderLimits } from '../../../channels/wap/render/index.js'
import type { ParsedPage } from '../../../src/tools/conformance/wap-page.js'
import { findLink, formBody, parsePage } from '../../../src/tools/conformance/wap-page.js'
import type { GatewayFixture } from '../../support/gateway-fixture.js'
import { LI, LI_PIN, startTestGateway, TRANSFER_REF } from '../../support/gateway-fixture.js'
import type { WspReply } from '../../support/wapbox.js'
import { KannelWapGateway, WspHandset, wapboxMissing } from '../../support/wapbox.js'

const missing = wapboxMissing()
const skipNote = missing === null ? '' : ` (skipped: ${missing})`
const nokia = 'Nokia6230/2.0 (05.43) Profile/MIDP-2.0 Configuration/CLDC-1.1'

let gw: GatewayFixture
let kannel: KannelWapGateway
/** Page title → WMLC bytes of every deck the handsets received. */
const sizes = new Map<string, number>()

beforeAll(async () => {
  if (missing !== null) return
  gw = await startTestGateway()
  kannel = await KannelWapGateway.start()
}, 30_000)

afterAll(async () => {
  if (sizes.size > 0) {
    mkdirSync(join('test-artifacts', 'wap'), { recursive: true })
    const rows = [...sizes].map(
      ([title, bytes]) => `${title.padEnd(24)} ${String(bytes).padStart(5)} bytes`,
    )
    writeFileSync(
      join('test-artifacts', 'wap', 'wmlc-over-the-air.txt'),
      `WMLC decks as Kannel wapbox compiled them ` +
        `(budget ${defaultRenderLimits.wbxmlBytesMax} bytes)\n${rows.join('\n')}\n`,
    )
  }
  await kannel?.stop()
  await gw?.close()
})

/**
 * A handset's view of one deck: checks what every deck from the gateway must be, then parses it.
 */
function deck(reply: WspReply): ParsedPage {
  expect(reply.status).toBe(200)
  expect(reply.contentType).toBe('application/vnd.wap.wmlc')
  expect(reply.body.length).toBeLessThanOrEqual(defaultRenderLimits.wbxmlBytesMax)
  const page = parsePage(reply.text, 'wml')
  const title = /<card\b[^>]*\btitle="([^"]*)"/.exec(reply.text)?.[1] ?? '(untitled)'
  sizes.set(title, Math.max(sizes.get(title) ?? 0, reply.body.length))
  return page
}

/** Submits the deck's form as the handset would: postfields filled from the typed variables. */
async function submit(
  handset: WspHandset,
  page: ParsedPage,
  typed: Readonly<Record<string, string>>,
): Promise<{ reply: WspReply; body: URLSearchParams; url: string }> {
  expect(page.form).not.toBeNull()
  const form = page.form!
  const filled = formBody(form, typed)
  if (!('body' in filled)) throw new Error(`the deck has no field ${filled.unknown}`)
  const url = new URL(form.action, gw.url).toString()
  return { reply: await handset.post(url, filled.body), body: filled.body, url }
}

async function follow(handset: WspHandset, page: ParsedPage, label: string): Promise<WspReply> {
  const link = findLink(page, label)
  expect(link, `a link "${label}" in: ${page.text}`).not.toBeNull()
  return handset.get(new URL(link!.href, gw.url).toString())
}

describe.skipIf(missing !== null)(
  `through Kannel bearerbox + wapbox to a WSP handset${skipNote}`,
  () => {
    it('logs in by MSISDN and PIN, pays from the wallet; a resent confirm pays once', async () => {
      const handset = new WspHandset(nokia)
      try {
        const before = await kannel.wdpCounts()
        const login = deck(await handset.get(`${gw.url}/wap/`))
        expect(login.text).toContain('Enter your mobile number and PIN.')

        const home = deck((await submit(handset, login, { msisdn: LI, pin: LI_PIN })).reply)
        expect(home.text).toContain('2 Pay merchant')

        const balance = deck(await follow(handset, home, 'Balance'))
        expect(balance.text).toContain('wallet CNY 500.00')

        const form = deck(await follow(handset, home, 'Pay merchant'))
        expect(form.text).toContain('Merchant code')
        const confirm = deck(
          (await submit(handset, form, { merchant: '1001', amount: '10', account: 'wallet' }))
            .reply,
        )
        expect(confirm.text).toContain('Pay CNY 10.00 to Ringtone Store from your wallet?')

        const paid = await submit(handset, confirm, { pin: LI_PIN })
        const result = deck(paid.reply)
        const ref = /Ref (T[0-9A-Z]{6})/.exec(result.text)?.[1]
        expect(ref).toMatch(TRANSFER_REF)
        expect(result.text).toContain('Paid CNY 10.00 to Ringtone Store from your wallet.')
        // The PIN went out in the postfields only: the deck that comes back does not carry it.
        expect(result.text).not.toContain(LI_PIN)

        // The confirm resubmitted as it was (a retry after a lost reply): the first receipt, no
        // second payment.
        const again = deck(await handset.post(paid.url, paid.body))
        expect(again.text).toContain(`Ref ${ref}`)
        expect(await gw.balance(LI, 'wallet')).toBe('490.00')
        expect((await gw.admin('GET', '/admin/api/ledger/check')).json.balanced).toBe(true)

        const after = deck(await follow(handset, home, 'Balance'))
        expect(after.text).toContain('wallet CNY 490.00')

        // Every request went through Kannel as a datagram and every deck came back as one.
        const counts = await kannel.wdpCounts()
        expect(counts.received - before.received).toBe(8)
        expect(counts.sent - before.sent).toBe(8)
        expect(kannel.compilerComplaints()).toEqual([])
      } finally {
        handset.close()
      }
    }, 30_000)

    it('does not believe an MSISDN header the handset forged: the login deck is back', async () => {
      const handset = new WspHandset(nokia, { 'X-WAP-Network-Client-MSISDN': LI, 'X-MSISDN': LI })
      try {
        const page = deck(await handset.get(`${gw.url}/wap/`))
        expect(page.text).toContain('Enter your mobile number and PIN.')
        expect(page.text).not.toContain('Pay merchant')
      } finally {
        handset.close()
      }
    }, 30_000)

    it('keeps every deck of the page set in the WBXML budget as wapbox compiles it', async () => {
      const handset = new WspHandset(nokia)
      try {
        const home = deck(
          (
            await submit(handset, deck(await handset.get(`${gw.url}/wap/`)), {
              msisdn: LI,
              pin: LI_PIN,
            })
          ).reply,
        )
        const fields: Readonly<Record<string, readonly string[]>> = {
          'Pay bill': ['biller', 'customer', 'amount'],
          'Buy airtime': ['beneficiary', 'amount'],
          'Send money': ['payee', 'amount'],
          'Pay order': ['order'],
        }
        for (const [label, names] of Object.entries(fields)) {
          const form = deck(await follow(handset, home, label)).form
          for (const name of names)
            expect([...(form?.variables.values() ?? [])], `${label} asks for ${name}`).toContain(
              name,
            )
        }
        // The first test's payment, as the statement deck lists it.
        expect(deck(await follow(handset, home, 'Statement')).text).toMatch(
          /T[0-9A-Z]{6} -10\.00 Ringtone Store/,
        )
        const out = deck(await follow(handset, home, 'Log out'))
        expect(out.text).toContain('You are logged out.')
        expect(kannel.compilerComplaints()).toEqual([])
      } finally {
        handset.close()
      }
    }, 30_000)
  },
)
