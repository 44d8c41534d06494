/**
 * merchant.ts - the merchant API's driver: Ringtone Store asks Li Lei to pay 25.00
 * (`POST /api/v1/payment-requests` with an Idempotency-Key), and the phone's part is the SMS
 * prompt that follows, read by an ESME bound to the SMSC simulator. A retry is the merchant
 * posting the same request with the same key (its answer was lost). Exports merchantDriver.
 */
import type { PhoneEsme } from '../../../../src/tools/phones/phone-esme.js'
import type { GatewayFixture } from '../../../support/gateway-fixture.js'
import type { Answer, ChannelDriver, ChannelPhone } from '../driver.js'
import { amount, noAnswer, payee, payer, quietMs } from '../driver.js'
import { bindPhones, smsTexts } from './sms.js'

let requests = 0

class MerchantPhone implements ChannelPhone {
  private key = ''

  constructor(
    private readonly gw: GatewayFixture,
    private readonly phones: PhoneEsme,
  ) {}

  /** Nothing but a new request's key: the merchant's request is the input itself. */
  async toConfirm(): Promise<Answer> {
    requests += 1
    this.key = `contract-${process.pid}-${requests}`
    return noAnswer
  }

  act(): Promise<Answer> {
    return this.request('one')
  }

  retry(): Promise<Answer> {
    return this.request('any')
  }

  async nextSms(timeoutMs: number): Promise<string | null> {
    return (await this.phones.next(payer, timeoutMs))?.text ?? null
  }

  close(): Promise<void> {
    return this.phones.close()
  }

  /**
   * The request; the phone's part is the prompt it brings, or (a retry, a refusal) whatever came
   * within quietMs.
   */
  private async request(expect: 'one' | 'any'): Promise<Answer> {
    const answer = await this.gw.merchant(
      payee,
      'POST',
      '/api/v1/payment-requests',
      { msisdn: payer, amount: amount.shown, reference: this.key, description: 'Ringtone' },
      { 'idempotency-key': this.key },
    )
    const shown =
      answer.status === 202 && expect === 'one'
        ? await smsTexts(this.phones, payer, 'one', 5_000)
        : await smsTexts(this.phones, payer, 'any', quietMs)
    return { wire: `${answer.status} ${answer.text}`, shown }
  }
}

export const merchantDriver: ChannelDriver = {
  name: 'the merchant API',
  done: /Ringtone Store.*25\.00|25\.00.*Ringtone Store/s,
  skip: {
    deadline:
      'the merchant API answers the merchant, not a phone: its 202 does not wait for the payment',
    stale: 'the merchant API confirms nothing: the subscriber confirms on a phone channel',
  },
  open: async (gw) => new MerchantPhone(gw, await bindPhones(gw)),
}
