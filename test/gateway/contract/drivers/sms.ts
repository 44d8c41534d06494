/**
 * sms.ts - the SMS channel's driver: an ESME bound to the gateway's SMSC simulator stands in for
 * the phone, sends `PAY 1001 25` and `YES 1234` as MOs and reads the replies that come back as
 * deliver_sm; a retry is the SMSC sending the very same MO again (its submit_sm_resp was lost),
 * whose answer is the same message id and no second reply. Exports smsDriver, bindPhones and
 * smsTexts.
 */
import { PhoneEsme } from '../../../../src/tools/phones/phone-esme.js'
import type { GatewayFixture } from '../../../support/gateway-fixture.js'
import type { Answer, ChannelDriver, ChannelPhone } from '../driver.js'
import { amount, payee, payer, payerPin, quietMs } from '../driver.js'

/** An ESME bound to the gateway's SMSC simulator, standing in for every phone. */
export async function bindPhones(gw: GatewayFixture): Promise<PhoneEsme> {
  const smpp = gw.gateway.smpp
  if (smpp === null) throw new Error('the SMSC simulator does not run')
  const phones = new PhoneEsme({ host: smpp.host, port: smpp.port })
  const refused = await phones.bind()
  if (refused !== null) throw new Error(`bind: ${refused}`)
  return phones
}

/**
 * What reached the phone: the first SMS within `waitMs` when one is expected (`expect` 'one'),
 * or every SMS within `waitMs` when none should come ('any', quietMs: a second reply shows there).
 */
export async function smsTexts(
  phones: PhoneEsme,
  msisdn: string,
  expect: 'one' | 'any',
  waitMs: number,
): Promise<string[]> {
  if (expect === 'any') return (await phones.collect(msisdn, waitMs, waitMs)).map((mt) => mt.text)
  const first = await phones.next(msisdn, waitMs)
  return first === null ? [] : [first.text]
}

class SmsPhone implements ChannelPhone {
  private last: string | null = null

  constructor(private readonly phones: PhoneEsme) {}

  toConfirm(): Promise<Answer> {
    return this.mo(`PAY ${payee} ${amount.typed}`, 'one')
  }

  act(): Promise<Answer> {
    return this.mo(`YES ${payerPin}`, 'one')
  }

  retry(): Promise<Answer> {
    if (this.last === null) throw new Error('nothing sent to retry')
    return this.mo(this.last, 'any')
  }

  async nextSms(timeoutMs: number): Promise<string | null> {
    return (await this.phones.next(payer, timeoutMs))?.text ?? null
  }

  close(): Promise<void> {
    return this.phones.close()
  }

  /**
   * One MO and what came back: its reply, or (a retry, a refused MO) whatever came within quietMs.
   */
  private async mo(text: string, expect: 'one' | 'any'): Promise<Answer> {
    this.last = text
    const sent = await this.phones.send(payer, text)
    const wire = sent.ok ? `message ids ${sent.messageIds.join(',')}` : sent.error
    const shown =
      sent.ok && expect === 'one'
        ? await smsTexts(this.phones, payer, 'one', 5_000)
        : await smsTexts(this.phones, payer, 'any', quietMs)
    return { wire, shown }
  }
}

export const smsDriver: ChannelDriver = {
  name: 'SMS over an SMPP session to the SMSC simulator',
  done: /^Paid CNY 25\.00 to Ringtone Store/,
  skip: {
    deadline: 'an SMS answer has no deadline to miss: every answer already goes by SMS',
    stale:
      'an SMS YES names no payment: SPEC section 4 has it confirm the one payment waiting, ' +
      'so it cannot be stale',
  },
  open: async (gw) => new SmsPhone(await bindPhones(gw)),
}
