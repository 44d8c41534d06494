/**
 * web-pages.test.ts - the gateway's own pages over real HTTP, without a browser: the landing
 * page, /handset and /phone, the API reference (/docs), the documents (only docs/, read-only),
 * the static files, and the handset's WAP gateway (it names the subscriber as an operator's
 * gateway does, from an address the WAP channel trusts, and keeps the next page coming through
 * it); the pieces of the page's scripts that are plain functions (the recorder's YAML and
 * patterns, the PIN masks, the SIM menu's SMS), and the escaping of every value put into HTML.
 */
import { readFileSync } from 'node:fs'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { parseMo } from '../../channels/sms/grammar/parse-mo.js'
import { openApiDocument } from '../../src/http/openapi/document.js'
import { escapeHtml, html } from '../../src/web/html.js'
import type { GatewayFixture } from '../support/gateway-fixture.js'
import { HAN, LI, startTestGateway } from '../support/gateway-fixture.js'

/** The page's scripts are plain JavaScript without types: loaded by URL, typed here. */
const script = (path: string): Promise<unknown> =>
  import(new URL(`../../src/web/static/${path}`, import.meta.url).href)
const { buildSms } = (await script('apps/stk.js')) as {
  buildSms(template: string, answers: Record<string, string>): string
}
const { emit } = (await script('lib/bus.js')) as { emit(type: string, detail: unknown): void }
const { maskSmsText } = (await script('lib/mask.js')) as { maskSmsText(text: string): string }
const { patternOf, scriptYaml, startRecording, stopRecording } = (await script('recorder.js')) as {
  patternOf(text: string, whole?: boolean): string
  scriptYaml(name: string): string
  startRecording(): void
  stopRecording(): void
}

let gw: GatewayFixture

beforeAll(async () => {
  gw = await startTestGateway()
}, 60_000)

afterAll(async () => {
  await gw?.close()
})

const get = (path: string, headers: Record<string, string> = {}) =>
  fetch(`${gw.url}${path}`, { redirect: 'manual', headers })

describe('the landing page and the handset page', () => {
  it('answers / with the landing page in English, and in Chinese with ?lang=zh', async () => {
    const english = await get('/')
    expect(english.status).toBe(200)
    expect(english.headers.get('content-type')).toMatch(/^text\/html/)
    const page = await english.text()
    expect(page).toContain('telecom channel gateway for mobile payments')
    expect(page).toContain('href="/handset?app=ussd"')
    expect(page).toContain('href="/docs/contract.md"')
    const chinese = await (await get('/?lang=zh')).text()
    expect(chinese).toContain('<html lang="zh-Hans">')
    expect(chinese).toContain('逐一试用各渠道')
  })

  it('lists the world subscribers on /handset, and /phone redirects to it', async () => {
    const page = await (await get('/handset')).text()
    expect(page).toContain('"msisdn":"8613800138000","name":"Li Lei","language":"en"')
    expect(page).toContain('<option value="8613800138001" data-language="zh"')
    const phone = await get('/phone?lang=zh')
    expect(phone.status).toBe(302)
    expect(phone.headers.get('location')).toBe('/handset?lang=zh')
  })

  it('serves the static files and the documents as plain text, nothing outside docs/', async () => {
    const script = await get('/static/handset.js')
    expect(script.headers.get('content-type')).toMatch(/javascript/)
    const doc = await get('/docs/channels/ussd.md')
    expect(doc.status).toBe(200)
    expect(doc.headers.get('content-type')).toMatch(/^text\/plain/)
    expect(await doc.text()).toContain('# USSD channel')
    for (const path of ['/docs/../package.json', '/docs/%2e%2e/package.json', '/docs/x.md'])
      expect((await get(path)).status).toBe(404)
    expect((await get('/static/../package.json')).status).toBe(404)
  })

  it('answers /docs with the API reference, every operation and document linked', async () => {
    const answer = await get('/docs')
    expect(answer.status).toBe(200)
    expect(answer.headers.get('content-type')).toMatch(/^text\/html/)
    const page = await answer.text()
    const { paths } = openApiDocument
    for (const item of Object.values(paths))
      for (const operation of Object.values(item))
        expect(page).toContain(`id="op-${operation.operationId}"`)
    expect(page).toContain('href="/docs/channels/ussd.md"')
    expect(page).toContain('href="/api/openapi.json"')
    expect(page).toContain(`curl -X POST &#39;${gw.url}/api/v1/payment-requests&#39;`)
    // Nothing is fetched from elsewhere: every script, stylesheet and image is the gateway's.
    expect(page).not.toMatch(/(?:src|href)="(?:https?:)?\/\//)
    expect(await (await get('/docs?lang=zh')).text()).toContain('接口参考')
  })

  it('redirects /docs/, which once listed the documents, to /docs', async () => {
    const answer = await get('/docs/?lang=zh')
    expect(answer.status).toBe(301)
    expect(answer.headers.get('location')).toBe('/docs?lang=zh')
  })
})

describe("the handset's WAP gateway", () => {
  it('names the subscriber to the pages and keeps the next page coming through it', async () => {
    const entry = await get(`/handset/wap/wml/${LI}/`)
    expect(entry.status).toBe(302)
    const home = entry.headers.get('location') ?? ''
    expect(home).toMatch(new RegExp(`^/handset/wap/wml/${LI}/s/[\\w-]+/$`))
    const deck = await get(home)
    expect(deck.headers.get('content-type')).toMatch(/^text\/vnd\.wap\.wml/)
    const text = await deck.text()
    // Named by the header: the home deck, no login; every link goes through the proxy.
    expect(text).toContain('1 Balance')
    expect(text).not.toMatch(/href="\/wap\//)
    expect(text).toMatch(new RegExp(`href="/handset/wap/wml/${LI}/s/`))
  })

  it('sends no number for `none` (the login page asks); refuses what is no handset', async () => {
    const entry = await get('/handset/wap/xhtml/none/')
    const page = await (
      await get(entry.headers.get('location') ?? '/handset/wap/xhtml/none/')
    ).text()
    expect(page).toMatch(/PIN/)
    expect((await get('/handset/wap/iphone/none/')).status).toBe(404)
    expect((await get('/handset/wap/wml/12/')).status).toBe(404)
  })

  it('hands the frame XHTML-MP as application/xhtml+xml, the type sent in a header', async () => {
    const entry = await get(`/handset/wap/xhtml/${LI}/`)
    const page = await get(entry.headers.get('location') ?? '')
    expect(page.headers.get('content-type')).toMatch(/^application\/xhtml\+xml/)
    expect(page.headers.get('telepay-wap-content-type')).toMatch(
      /^application\/vnd\.wap\.xhtml\+xml/,
    )
  })
})

describe("the page's scripts", () => {
  it('escapes every value put into HTML', () => {
    expect(escapeHtml(`<a href="x">'&'</a>`)).toBe(
      '&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;',
    )
    const name = '<script>alert(1)</script>'
    expect(html`<p title="${name}">${name}</p>`.text).toBe(
      '<p title="&lt;script&gt;alert(1)&lt;/script&gt;">&lt;script&gt;alert(1)&lt;/script&gt;</p>',
    )
  })

  it('masks PINs as the command-line phones do', () => {
    expect(maskSmsText('YES 1234')).toBe('YES ****')
    expect(maskSmsText('确认 4321')).toBe('确认 ****')
    expect(maskSmsText('PIN 1234 567890')).toBe('PIN **** ******')
    expect(maskSmsText('PAY 1001 25')).toBe('PAY 1001 25')
  })

  it('builds the SIM menu SMS from its template, dropping an empty answer', () => {
    const sms = 'TOPUP {amount} {msisdn} {account}'
    expect(buildSms(sms, { amount: '10', msisdn: '', account: 'W' })).toBe('TOPUP 10 W')
    expect(buildSms('PAY {merchant} {amount} {account}', { merchant: '1001', amount: '5' })).toBe(
      'PAY 1001 5',
    )
  })

  it('builds from every SIM menu item an SMS the grammar reads as that item', () => {
    const menu = JSON.parse(
      readFileSync(new URL('../../src/web/static/stk-menu.json', import.meta.url), 'utf8'),
    ) as { items: { id: string; sms: string; ask: { name: string; kind: string }[] }[] }
    // A sample answer per field kind, as a user would type it.
    const byName: Record<string, string> = { merchant: '1001', order: '880001', msisdn: HAN }
    const byKind: Record<string, string> = { amount: '12.5', choice: 'B' }
    const sample = (field: { name: string; kind: string }): string =>
      byName[field.name] ?? byKind[field.kind] ?? ''
    const expected: Record<string, string> = {
      pay_merchant: 'pay_merchant',
      pay_order: 'pay_order',
      top_up: 'top_up_airtime',
      load_card: 'load_card',
      card_balance: 'card_balance',
      balance: 'balance',
    }
    expect(menu.items.map((item) => item.id).sort()).toEqual(Object.keys(expected).sort())
    for (const item of menu.items) {
      const answers = Object.fromEntries(item.ask.map((field) => [field.name, sample(field)]))
      const parsed = parseMo(buildSms(item.sms, answers))
      expect(parsed.kind, item.id).toBe('command')
      if (parsed.kind !== 'command') continue
      expect(parsed.draft.kind, item.id).toBe(expected[item.id])
      if ('funding' in parsed.draft) expect(parsed.draft.funding, item.id).toBe('bank')
    }
  })

  it('records steps as a script: references left open, key presses merged, PINs as typed', () => {
    expect(patternOf('Paid CNY 25.00. Ref T000007.')).toBe(
      '^Paid CNY 25\\.00\\. Ref T[0-9A-Z]{6}\\.$',
    )
    expect(patternOf('Your reference is T 0 0 0 0 0 7.')).toBe(
      '^Your reference is T( [0-9A-Z]){6}\\.$',
    )
    expect(patternOf('TELEPAY')).toBe('^TELEPAY$')
    startRecording()
    emit('step', { step: 'call', args: { from: LI } })
    for (const digits of ['1', '2', '3', '4', '#']) emit('step', { step: 'dtmf', args: { digits } })
    emit('step', { step: 'sms', args: { from: LI, text: 'YES 0042' } })
    stopRecording()
    expect(scriptYaml('a "quoted" name')).toBe(
      [
        'name: "a \\"quoted\\" name"',
        'steps:',
        `  - call: { from: "${LI}" }`,
        '  - dtmf: { digits: "1234#" }',
        `  - sms: { from: "${LI}", text: "YES 0042" }`,
        '  - expect_ledger: balanced',
        '',
      ].join('\n'),
    )
  })
})
