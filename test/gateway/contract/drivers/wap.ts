/**
 * wap.ts - the WAP channel's driver: a handset browsing the gateway's XHTML-MP pages over HTTP
 * with the operator's MSISDN header from the allow-listed loopback gateway, through the
 * pay-merchant form to the confirm page and its PIN. A retry is the browser posting the same
 * form again (Back and resubmit, or a reload after a lost answer): the same one-time token.
 * Exports wapDriver.
 */
import type { PhoneEsme } from '../../../../src/tools/phones/phone-esme.js'
import { Browser } from '../../../channels/wap/browser.js'
import type { Answer, ChannelDriver, ChannelPhone } from '../driver.js'
import { amount, payee, payer, payerPin } from '../driver.js'
import { bindPhones } from './sms.js'

class WapPhone implements ChannelPhone {
  constructor(
    private readonly browser: Browser,
    private readonly phones: PhoneEsme,
  ) {}

  async toConfirm(): Promise<Answer> {
    await this.browser.get('/wap/')
    await this.browser.follow('Pay merchant')
    await this.browser.submit({ merchant: payee, amount: amount.typed, account: 'wallet' })
    return this.page()
  }

  async act(): Promise<Answer> {
    await this.browser.submit({ pin: payerPin })
    return this.page()
  }

  async retry(): Promise<Answer> {
    await this.browser.resubmit()
    return this.page()
  }

  async nextSms(timeoutMs: number): Promise<string | null> {
    return (await this.phones.next(payer, timeoutMs))?.text ?? null
  }

  close(): Promise<void> {
    return this.phones.close()
  }

  private page(): Answer {
    const last = this.browser.last
    return { wire: `${last?.status ?? 0} ${last?.raw ?? ''}`, shown: [this.browser.text] }
  }
}

export const wapDriver: ChannelDriver = {
  name: 'WAP form posts (XHTML-MP)',
  done: /Paid CNY 25\.00 to Ringtone Store/,
  skip: {
    deadline:
      'a WAP page has no answer deadline: the handset waits for the page, ' +
      'and no answer goes by SMS',
  },
  open: async (gw) =>
    new WapPhone(new Browser(gw.url, 'xhtml', { msisdn: payer }), await bindPhones(gw)),
}
