/**
 * ivr.ts - the IVR channel's drivers, one per face of it on the gateway: the JSON simulation
 * API (`POST /ivr/calls`, then digits with the step answered; a retry repeats the step), TwiML
 * (Twilio's form to `/ivr/twiml?step=N`; a retry is Twilio posting the webhook again) and
 * VoiceXML 2.1 (the document's own submit of `callId step event digits`; a retry submits it
 * again). The IVR has no pay-merchant menu, so each call pays an order of 25.00 that Ringtone
 * Store makes over the merchant API first: main menu 2, the order number and #, 1, the PIN and
 * #. Late answers are read by an ESME bound to the SMSC simulator. Exports ivrSimulationDriver,
 * twimlDriver and vxmlDriver.
 */
import type { PhoneEsme } from '../../../../src/tools/phones/phone-esme.js'
import type { GatewayFixture } from '../../../support/gateway-fixture.js'
import type { Answer, ChannelDriver, ChannelPhone } from '../driver.js'
import { amount, payee, payer, payerPin } from '../driver.js'
import { bindPhones } from './sms.js'

let orders = 0
let calls = 0

/** An order of 25.00 by Ringtone Store, made over the merchant API; its number. */
async function newOrder(gw: GatewayFixture): Promise<string> {
  orders += 1
  const made = await gw.merchant(payee, 'POST', '/api/v1/orders', {
    amount: amount.shown,
    reference: `contract-${process.pid}-${orders}`,
    description: 'Ringtone',
  })
  if (made.status !== 201) throw new Error(`order: ${made.status} ${made.text}`)
  return String((made.json as { orderNo: string }).orderNo)
}

/** The text between XML tags as a speech engine reads it. */
function unescapeXml(text: string): string {
  return text
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&apos;/g, "'")
    .replace(/&amp;/g, '&')
}

function spokenIn(document: string, tag: string): string[] {
  return [...document.matchAll(new RegExp(`<${tag}[^>]*>([^<]*)</${tag}>`, 'g'))].map((match) =>
    unescapeXml(match[1] ?? ''),
  )
}

/**
 * One call, whatever face carries it: keys ending in `#` end an input, a single key answers a menu.
 */
abstract class IvrPhone implements ChannelPhone {
  private lastRequest: (() => Promise<Answer>) | null = null

  constructor(
    protected readonly gw: GatewayFixture,
    private readonly phones: PhoneEsme,
  ) {}

  /** A new call, paying a new order. */
  async toConfirm(): Promise<Answer> {
    const orderNo = await newOrder(this.gw)
    await this.remember(() => this.dial())
    await this.press('2')
    await this.press(`${orderNo}#`)
    return this.press('1')
  }

  act(): Promise<Answer> {
    return this.press(`${payerPin}#`)
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

  protected press(keys: string): Promise<Answer> {
    const request = this.keys(keys)
    return this.remember(request)
  }

  private remember(request: () => Promise<Answer>): Promise<Answer> {
    this.lastRequest = request
    return request()
  }

  protected abstract dial(): Promise<Answer>
  /** The request that sends `keys` for the current step, ready to be sent (again). */
  protected abstract keys(keys: string): () => Promise<Answer>
}

class SimulationPhone extends IvrPhone {
  private callId = ''
  private step = 0

  protected async dial(): Promise<Answer> {
    const answer = await this.gw.request('POST', '/ivr/calls', {
      body: { from: payer, to: '12588' },
    })
    return this.read(answer.status, answer.text)
  }

  protected keys(keys: string): () => Promise<Answer> {
    const path = `/ivr/calls/${this.callId}/digits`
    const body = { digits: keys, step: this.step }
    return async () => {
      const answer = await this.gw.request('POST', path, { body })
      return this.read(answer.status, answer.text)
    }
  }

  private read(status: number, text: string): Answer {
    let prompts: string[] = []
    try {
      const json = JSON.parse(text) as { callId?: string; step?: number; prompts?: string[] }
      this.callId = json.callId ?? this.callId
      this.step = json.step ?? this.step
      prompts = json.prompts ?? []
    } catch {
      // Not the simulation's JSON: the handset page would show nothing of it.
    }
    return { wire: `${status} ${text}`, shown: [prompts.join(' ')] }
  }
}

class TwimlPhone extends IvrPhone {
  private sid = ''
  private step: string | null = null

  protected dial(): Promise<Answer> {
    calls += 1
    this.sid = `CA${String(process.pid).padStart(8, '0')}${String(calls).padStart(24, '0')}`
    this.step = null
    return this.post('/ivr/twiml', { CallStatus: 'ringing' })
  }

  protected keys(keys: string): () => Promise<Answer> {
    // Twilio sends the keys without the finishing key, which it names apart.
    const fields = keys.endsWith('#')
      ? { Digits: keys.slice(0, -1), FinishedOnKey: '#' }
      : { Digits: keys }
    const path = this.step ?? '/ivr/twiml'
    return () => this.post(path, { CallStatus: 'in-progress', ...fields })
  }

  private async post(path: string, fields: Record<string, string>): Promise<Answer> {
    const response = await fetch(`${this.gw.url}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        CallSid: this.sid,
        AccountSid: 'AC0',
        From: `+${payer}`,
        To: '+12588',
        ...fields,
      }).toString(),
    })
    const text = await response.text()
    this.step = /<Gather [^>]*action="([^"]+)"/.exec(text)?.[1]?.replace(/&amp;/g, '&') ?? this.step
    return { wire: `${response.status} ${text}`, shown: [spokenIn(text, 'Say').join(' ')] }
  }
}

class VxmlPhone extends IvrPhone {
  private callId = ''
  private step = ''

  protected async dial(): Promise<Answer> {
    const response = await fetch(`${this.gw.url}/ivr/vxml?from=${payer}&to=12588`)
    return this.read(response.status, await response.text())
  }

  protected keys(keys: string): () => Promise<Answer> {
    // The platform strips the termchar: the field's value is the keys before it.
    const fields = {
      callId: this.callId,
      step: this.step,
      event: 'digits',
      digits: keys.replace(/#$/, ''),
    }
    return async () => {
      const response = await fetch(`${this.gw.url}/ivr/vxml`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams(fields).toString(),
      })
      return this.read(response.status, await response.text())
    }
  }

  private read(status: number, text: string): Answer {
    this.callId = /<var name="callId" expr="'([^']*)'"\/>/.exec(text)?.[1] ?? this.callId
    this.step = /<var name="step" expr="(\d+)"\/>/.exec(text)?.[1] ?? this.step
    return { wire: `${status} ${text}`, shown: [spokenIn(text, 'prompt').join(' ')] }
  }
}

const done = /Paid 25\.00 yuan to Ringtone Store/

async function open(
  gw: GatewayFixture,
  Phone: new (gw: GatewayFixture, phones: PhoneEsme) => IvrPhone,
): Promise<ChannelPhone> {
  return new Phone(gw, await bindPhones(gw))
}

export const ivrSimulationDriver: ChannelDriver = {
  name: 'IVR via the JSON simulation API',
  done,
  skip: {},
  open: (gw) => open(gw, SimulationPhone),
}

export const twimlDriver: ChannelDriver = {
  name: 'IVR via TwiML',
  done,
  skip: {},
  open: (gw) => open(gw, TwimlPhone),
}

export const vxmlDriver: ChannelDriver = {
  name: 'IVR via VoiceXML',
  done,
  skip: {},
  breaches: {},
  open: (gw) => open(gw, VxmlPhone),
}
