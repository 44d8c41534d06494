/**
 * forms.test.ts - the WAP payment forms and home page under each operating model: the account
 * list holds the offered accounts only, preselecting the model's default; a form sent without
 * an account pays from that default; Send money (from the wallet) is linked only where there is
 * a wallet.
 */
import { describe, expect, it } from 'vitest'
import { paymentFormPage, readPaymentForm } from '../../../channels/wap/forms.js'
import { homePage } from '../../../channels/wap/pages.js'
import { accountOfferOf, operatingModelIds } from '../../../src/core/index.js'

const urls = { action: '/wap/s/x/pay/merchant', home: '/wap/s/x/' }
const LI = '8613800138000'

describe.each(operatingModelIds)('the WAP forms under the %s model', (model) => {
  const offer = accountOfferOf(model)

  it('list the offered accounts, the default selected', () => {
    const page = paymentFormPage('pay_merchant', 'en', offer, urls, 'token-1')
    const choice = page.form?.choices[0]
    expect(choice?.options.map((option) => option.value)).toEqual(offer.accounts)
    expect(choice?.selected).toBe(offer.defaultFunding)
  })

  it('keep an offered account chosen before a refusal, and not another', () => {
    const last = offer.accounts[offer.accounts.length - 1] ?? 'bank'
    const again = paymentFormPage('pay_bill', 'en', offer, urls, 't', { account: last })
    expect(again.form?.choices[0]?.selected).toBe(last)
    const unknown = paymentFormPage('pay_bill', 'en', offer, urls, 't', { account: 'purse' })
    expect(unknown.form?.choices[0]?.selected).toBe(offer.defaultFunding)
  })

  it('pay from the default account when the form names none', () => {
    const body = { merchant: '1001', amount: '25' }
    const reading = readPaymentForm('pay_merchant', LI, 'en', body, offer.defaultFunding)
    expect(reading).toMatchObject({ ok: true, command: { funding: offer.defaultFunding } })
  })

  it('link Send money from home only where a wallet is offered', () => {
    const home = homePage({ base: '/wap/s/x', entry: '/wap/' }, 'en', offer)
    const keys = home.links.map((link) => link.key)
    expect(keys.includes('5')).toBe(offer.accounts.includes('wallet'))
    expect(keys).toContain('6')
  })
})

describe('send money', () => {
  it('asks no account: it is always from the wallet', () => {
    const page = paymentFormPage('send_money', 'en', accountOfferOf('cooperative'), urls, 't')
    expect(page.form?.choices).toEqual([])
    const body = { payee: '8613800138001', amount: '5' }
    expect(readPaymentForm('send_money', LI, 'en', body, 'bank')).toMatchObject({
      ok: true,
      command: { kind: 'send_money', amountMinor: 500n },
    })
  })
})
