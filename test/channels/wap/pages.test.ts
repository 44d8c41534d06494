/**
 * pages.test.ts - the WAP pages over real HTTP against a real gateway: every page in every
 * markup (content type, Vary, caching), 406, login with MSISDN and PIN, header enrichment and a
 * forged header from an address outside the allow-list, one-time tokens (double submit, Back and
 * resubmit, an unknown token), a payment to completion checked over the admin API, cancel, the
 * phone bill's PIN-less confirm and the paged statement.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { GatewayFixture } from '../../support/gateway-fixture.js'
import {
  HAN,
  LI,
  LI_PIN,
  RINGTONES,
  startTestGateway,
  ZHANG,
  ZHANG_PIN,
} from '../../support/gateway-fixture.js'
import { Browser } from './browser.js'

let t: GatewayFixture
beforeAll(async () => {
  t = await startTestGateway()
})
afterAll(async () => {
  await t.close()
})

const contentTypes = {
  wml: 'text/vnd.wap.wml',
  xhtml: 'application/vnd.wap.xhtml+xml',
  chtml: 'text/html',
} as const

describe('every page in every markup', () => {
  for (const as of ['wml', 'xhtml', 'chtml'] as const) {
    it(`serves home, balance, the six forms, statement, card and logout as ${as}`, async () => {
      const phone = new Browser(t.url, as, { msisdn: HAN })
      const home = await phone.get('/wap/')
      expect(home.status).toBe(200)
      expect(home.contentType.startsWith(contentTypes[as])).toBe(true)
      expect(home.headers['vary']).toMatch(/Accept.*User-Agent/)
      expect(home.page?.links.map((link) => link.key)).toEqual([
        '1',
        '2',
        '3',
        '4',
        '5',
        '6',
        '7',
        '8',
        '9',
      ])
      const homePath = home.url

      const balance = await phone.follow('1')
      expect(phone.text).toContain('余额：钱包20.00元，话费20.00元')
      expect(balance.headers['cache-control']).toContain('no-store')
      expect(balance.headers['vary']).toMatch(/Accept.*User-Agent/)

      const forms = {
        '2': ['merchant', 'amount', 'account'],
        '3': ['biller', 'customer', 'amount', 'account'],
        '4': ['beneficiary', 'amount', 'account'],
        '5': ['payee', 'amount'],
        '6': ['order', 'account'],
      }
      for (const [key, fields] of Object.entries(forms)) {
        await phone.get(homePath)
        const form = await phone.follow(key)
        expect(form.headers['cache-control']).toContain('no-store')
        expect([...(form.page?.form?.editable ?? [])].sort()).toEqual([...fields].sort())
        expect(form.page?.form?.defaults.get('token')).toMatch(/^[\w-]{22}$/)
      }
      await phone.get(homePath)
      await phone.follow('7')
      expect(phone.text).toContain('您还没有交易记录')
      await phone.get(homePath)
      const card = await phone.follow('8')
      expect(card.headers['cache-control']).toContain('no-store')
      expect(phone.text).toContain('手机卡电子钱包：截至最近清算余额0.00元')
      const load = await phone.follow('1')
      expect([...(load.page?.form?.editable ?? [])].sort()).toEqual(['account', 'amount'])
      await phone.get(homePath)
      await phone.follow('9')
      await phone.get(homePath)
      expect(phone.text).toContain('Your session has ended.')
    })
  }

  it('answers 406 when the handset accepts none of the markups', async () => {
    const answer = await fetch(`${t.url}/wap/`, {
      headers: { accept: 'image/png', 'user-agent': 'Camera/1.0' },
    })
    expect(answer.status).toBe(406)
    expect(answer.headers.get('vary')).toMatch(/Accept.*User-Agent/)
  })
})

describe('identity', () => {
  it('logs in by MSISDN and PIN when no gateway names the phone; bad PINs tell tries', async () => {
    const phone = new Browser(t.url, 'xhtml')
    await phone.get('/wap/')
    expect(phone.text).toContain('Enter your mobile number and PIN.')
    await phone.submit({ msisdn: LI, pin: '9999' })
    expect(phone.text).toContain('Wrong PIN. Tries left before your account is locked: 2.')
    await phone.submit({ msisdn: LI, pin: LI_PIN })
    expect(phone.last?.page?.links.length).toBe(9)
    await phone.follow('Balance')
    expect(phone.text).toContain('wallet CNY')
  })

  it('locks the login after three wrong PINs, even for the right one', async () => {
    const phone = new Browser(t.url, 'wml')
    await phone.get('/wap/login')
    await phone.submit({ msisdn: ZHANG, pin: '0000' })
    await phone.submit({ msisdn: ZHANG, pin: '0000' })
    await phone.submit({ msisdn: ZHANG, pin: '0000' })
    expect(phone.text).toContain('Too many wrong PINs')
    await phone.submit({ msisdn: ZHANG, pin: ZHANG_PIN })
    expect(phone.text).toContain('locked')
    expect(phone.last?.page?.form?.action).toMatch(/\/login$/)
  })

  it('ignores a forged MSISDN header from an address outside the allow-list', async () => {
    // 127.0.0.2 is loopback too, but not the allow-listed 127.0.0.1: a stranger on the network.
    const stranger = new Browser(t.url, 'xhtml', { msisdn: LI, from: '127.0.0.2' })
    await stranger.get('/wap/')
    expect(stranger.text).toContain('Enter your mobile number and PIN.')
    await stranger.get(stranger.last?.page?.form?.action.replace(/\/login$/, '/balance') ?? '')
    expect(stranger.text).not.toContain('CNY')
  })

  it('believes the header the operator names in wap.msisdnHeaders, and no other', async () => {
    const openwave = await startTestGateway({
      overrides: { wap: { msisdnHeaders: ['X-Up-Calling-Line-Id'] } },
    })
    try {
      const open = async (headers: Record<string, string>): Promise<string> => {
        const response = await fetch(`${openwave.url}/wap/`, {
          headers: { accept: 'application/vnd.wap.xhtml+xml', ...headers },
        })
        return response.text()
      }
      expect(await open({ 'X-Up-Calling-Line-Id': LI })).toContain('Pay merchant')
      expect(await open({ 'X-WAP-Network-Client-MSISDN': LI })).toContain(
        'Enter your mobile number and PIN.',
      )
    } finally {
      await openwave.close()
    }
  })

  it('refuses a session URL carried to another phone', async () => {
    const owner = new Browser(t.url, 'xhtml', { msisdn: LI })
    const home = await owner.get('/wap/')
    const other = new Browser(t.url, 'xhtml', { msisdn: HAN })
    await other.get(home.url.replace(/\/$/, '/balance'))
    expect(other.text).toContain('belongs to another phone')
  })
})

describe('payments and one-time tokens', () => {
  it('pays a merchant to completion; Back and resubmit never pay twice', async () => {
    const before = Number(await t.balance(LI, 'wallet'))
    const phone = new Browser(t.url, 'chtml', { msisdn: LI })
    await phone.get('/wap/')
    await phone.follow('Pay merchant')
    await phone.submit({ merchant: RINGTONES, amount: '12.50', account: 'wallet' })
    expect(phone.text).toContain('Pay CNY 12.50 to Ringtone Store from your wallet?')
    const confirmForm = phone.last?.page?.form
    // Submitting the payment form again answers the same confirm page (same token): no second
    // payment waits.
    await phone.resubmit()
    expect(phone.last?.page?.form?.defaults.get('token')).toBe(confirmForm?.defaults.get('token'))
    await phone.submit({ pin: LI_PIN })
    const receipt = phone.text
    expect(receipt).toMatch(/Paid CNY 12\.50 to Ringtone Store from your wallet\. Ref T[0-9A-Z]{6}/)
    await phone.resubmit()
    expect(phone.text).toBe(receipt)
    expect(Number(await t.balance(LI, 'wallet'))).toBeCloseTo(before - 12.5, 2)
    const ledger = await t.admin('GET', '/admin/api/ledger/check')
    expect(ledger.json.balanced).toBe(true)
  })

  it('answers an unknown or expired token with a page that moves nothing', async () => {
    const before = await t.balance(LI, 'wallet')
    const phone = new Browser(t.url, 'xhtml', { msisdn: LI })
    await phone.get('/wap/')
    await phone.follow('Pay merchant')
    await phone.submit({ merchant: RINGTONES, amount: '5', token: 'AAAAAAAAAAAAAAAAAAAAAA' })
    expect(phone.text).toContain(
      'This form has expired or was already used elsewhere. Nothing was paid.',
    )
    expect(await t.balance(LI, 'wallet')).toBe(before)
    expect((await t.subscriber(LI)).pendingPaymentId).toBeNull()
  })

  it('cancels from the confirm page and confirms a phone-bill payment without a PIN', async () => {
    const phone = new Browser(t.url, 'wml', { msisdn: LI })
    await phone.get('/wap/')
    const home = phone.last?.url ?? ''
    await phone.follow('2')
    await phone.submit({ merchant: RINGTONES, amount: '3', account: 'wallet' })
    await phone.follow('Cancel')
    expect(phone.text).toContain('cancelled. No money was taken.')

    const bill = Number(await t.balance(LI, 'phone_bill'))
    await phone.get(home)
    await phone.follow('2')
    await phone.submit({ merchant: RINGTONES, amount: '2', account: 'phone_bill' })
    expect(phone.text).toContain('no PIN is needed')
    expect([...(phone.last?.page?.form?.editable ?? [])]).toEqual([])
    await phone.submit()
    expect(phone.text).toMatch(/Paid CNY 2\.00 .* phone bill/)
    expect(Number(await t.balance(LI, 'phone_bill'))).toBeCloseTo(bill - 2, 2)
  })

  it('asks again after a wrong PIN and pays with the right one', async () => {
    const phone = new Browser(t.url, 'xhtml', { msisdn: LI })
    await phone.get('/wap/')
    await phone.follow('Send money')
    await phone.submit({ payee: HAN, amount: '1' })
    await phone.submit({ pin: '9876' })
    expect(phone.text).toContain('Wrong PIN')
    await phone.submit({ pin: LI_PIN })
    expect(phone.text).toContain('Ref T')
  })

  it('pages a statement longer than a page', async () => {
    // The core keeps the last five payments; three show on a page.
    for (const amount of [1n, 2n]) {
      await t.phone(
        {
          kind: 'pay_merchant',
          msisdn: LI,
          merchantCode: RINGTONES,
          amountMinor: amount * 100n,
          funding: 'wallet',
          authorize: true,
        },
        { pin: LI_PIN },
      )
    }
    const phone = new Browser(t.url, 'wml', { msisdn: LI })
    await phone.get('/wap/')
    await phone.follow('Statement')
    expect(phone.text).toContain('Page 1 of 2')
    await phone.follow('Next')
    expect(phone.text).toContain('Page 2 of 2')
    expect(phone.last?.page?.links.map((link) => link.key)).toContain('*')
  })
})
