/**
 * ussd-http.ts - the USSD channel's drivers over its providers' HTTP callbacks on the gateway:
 * Africa's Talking (`POST /ussd`, the form whose `text` accumulates every input with `*`,
 * answered `CON`/`END` in text/plain; a retry is the same form again) and Hubtel
 * (`POST /ussd/hubtel`, JSON with one input and a Sequence; a retry repeats the Sequence). Both
 * open at the account choice of "pay 25.00 to 1001" by its shortcut and choose the wallet; late
 * answers are read by an ESME bound to the SMSC simulator. Exports africasTalkingDriver and
 * hubtelDriver.
 */
import type { PhoneEsme } from '../../../../src/tools/phones/phone-esme.js'
import type { GatewayFixture } from '../../../support/gateway-fixture.js'
import type { Answer, ChannelDriver, ChannelPhone } from '../driver.js'
import { amount, payee, payer, payerPin } from '../driver.js'
import { bindPhones } from './sms.js'

let sessions = 0

/** A provider's session id, new for every phone of the run. */
function sessionId(provider: string): string {
  sessions += 1
  return `${provider}_contract_${process.pid}_${sessions}`
}

abstract class UssdHttpPhone implements ChannelPhone {
  private lastRequest: (() => Promise<Answer>) | null = null

  constructor(
    protected readonly gw: GatewayFixture,
    private readonly phones: PhoneEsme,
  ) {}

  abstract toConfirm(): Promise<Answer>

  act(): Promise<Answer> {
    return this.input(payerPin)
  }

  retry(): Promise<Answer> {
    if (this.lastRequest === null) throw new Error('nothing sent to retry')
    return this.lastRequest()
  }

  async nextSms(timeoutMs: number): Promise<string | null> {
    return (await this.phones.next(payer, timeoutMs))?.text ?? null
  }

  close(): Promise<void> {
    return this.phones.close()
  }

  /** Sends a request, kept as the last one for the retry. */
  protected remember(request: () => Promise<Answer>): Promise<Answer> {
    this.lastRequest = request
    return request()
  }

  /** One input in the open session. */
  protected abstract input(text: string): Promise<Answer>
}

class AfricasTalkingPhone extends UssdHttpPhone {
  private session = ''
  private inputs: string[] = []

  toConfirm(): Promise<Answer> {
    this.session = sessionId('ATUid')
    this.inputs = []
    // The shortcut's inputs arrive as `text` prefilled on the first hop, the wallet (1) with them.
    return this.input(`2*${payee}*${amount.typed}*1`)
  }

  protected input(text: string): Promise<Answer> {
    this.inputs.push(text)
    const form = {
      sessionId: this.session,
      serviceCode: '*123#',
      phoneNumber: `+${payer}`,
      networkCode: '46000',
      text: this.inputs.join('*'),
    }
    return this.remember(async () => {
      const response = await fetch(`${this.gw.url}/ussd`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams(form).toString(),
      })
      const body = await response.text()
      return { wire: `${response.status} ${body}`, shown: [body] }
    })
  }
}

class HubtelPhone extends UssdHttpPhone {
  private session = ''
  private sequence = 0

  async toConfirm(): Promise<Answer> {
    this.session = sessionId('hubtel')
    this.sequence = 0
    await this.post('initiation', `*123*2*${payee}*${amount.typed}#`)
    return this.input('1')
  }

  protected input(text: string): Promise<Answer> {
    return this.post('response', text)
  }

  private post(type: string, message: string): Promise<Answer> {
    this.sequence += 1
    const body = JSON.stringify({
      Type: type,
      Message: message,
      ServiceCode: '123',
      Operator: 'vodafone',
      ClientState: '',
      Mobile: payer,
      SessionId: this.session,
      Sequence: this.sequence,
    })
    return this.remember(async () => {
      const response = await fetch(`${this.gw.url}/ussd/hubtel`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body,
      })
      const text = await response.text()
      let shown = text
      try {
        shown = (JSON.parse(text) as { Message: string }).Message
      } catch {
        // Not Hubtel's JSON: the phone would show whatever the provider made of it.
      }
      return { wire: `${response.status} ${text}`, shown: [shown] }
    })
  }
}

const done = /^(END )?Paid CNY 25\.00 to Ringtone Store/

export const africasTalkingDriver: ChannelDriver = {
  name: "USSD via Africa's Talking",
  done,
  skip: {},
  open: async (gw) => new AfricasTalkingPhone(gw, await bindPhones(gw)),
}

export const hubtelDriver: ChannelDriver = {
  name: 'USSD via Hubtel',
  done,
  skip: {},
  open: async (gw) => new HubtelPhone(gw, await bindPhones(gw)),
}
