/**
 * ussd-smpp.ts - the USSD channel's driver over SMPP: a raw SMPP transceiver session to the
 * gateway's SMSC simulator plays the phone's side of USSD over SMPP (a PSSR indication with
 * the shortcut `*123*2*1001*25#`, then USSR confirms in the same its_session_info), reads the
 * screens that come back as deliver_sm with ussd_service_op, and the SMS that come without it.
 * It is raw because a retry is the very same submit_sm sent again with its sequence_number
 * (the peer got no submit_sm_resp), which an SMPP client library never does by itself.
 * Exports ussdSmppDriver.
 */
import type { Pdu, PduParams } from '../../../../src/bearer/smpp/pdu.js'
import { encodePdu, pduBuffer, pduNumber } from '../../../../src/bearer/smpp/pdu.js'
import { ussdOp, ussdOpName } from '../../../../src/bearer/smpp/ussd-op.js'
import { decodeText } from '../../../../src/bearer/text/coding.js'
import { encodeGsm7 } from '../../../../src/bearer/text/gsm7.js'
import { Mailbox } from '../../../../src/tools/phones/phone-bind.js'
import type { RawPdu } from '../../../bearer/smpp/raw-peer.js'
import { bindParams, RawPeer } from '../../../bearer/smpp/raw-peer.js'
import type { GatewayFixture } from '../../../support/gateway-fixture.js'
import type { Answer, ChannelDriver, ChannelPhone } from '../driver.js'
import { amount, payee, payer, payerPin } from '../driver.js'

const commandIds = {
  bindTransceiverResp: 0x80000009,
  submitSmResp: 0x80000004,
  deliverSm: 0x00000005,
  enquireLink: 0x00000015,
  unbind: 0x00000006,
} as const

interface Screen {
  readonly op: number
  readonly text: string
}

let sessionInfos = 0

/**
 * The phone's side of one SMPP session: PDUs out with chosen sequence numbers, screens and SMS in.
 */
class RawUssdPhone implements ChannelPhone {
  private readonly screens = new Mailbox<Screen>()
  private readonly sms = new Mailbox<string>()
  private readonly responses = new Map<number, (status: number) => void>()
  private sequence = 0
  private closed = false
  private sessionInfo = Buffer.alloc(2)
  private last: { params: PduParams; sequence: number } | null = null
  private pumping: Promise<void> = Promise.resolve()

  private constructor(private readonly peer: RawPeer) {}

  static async open(gw: GatewayFixture): Promise<RawUssdPhone> {
    const smpp = gw.gateway.smpp
    if (smpp === null) throw new Error('the SMSC simulator does not run')
    const phone = new RawUssdPhone(await RawPeer.connect(smpp.port))
    phone.peer.send('bind_transceiver', bindParams(), ++phone.sequence)
    const bound = await phone.peer.next(5_000)
    if (bound?.commandId !== commandIds.bindTransceiverResp || bound.status !== 0)
      throw new Error(`bind: ${bound === null ? 'no answer' : `status ${bound.status}`}`)
    phone.pumping = phone.pump()
    return phone
  }

  async toConfirm(): Promise<Answer> {
    sessionInfos += 1
    this.sessionInfo = Buffer.alloc(2)
    // Bit 0 of the second octet says "end of session": a phone's dialogue keeps it clear.
    this.sessionInfo.writeUInt16BE((sessionInfos << 1) & 0xfffe)
    await this.send(ussdOp.pssrIndication, `*123*2*${payee}*${amount.typed}#`)
    return this.send(ussdOp.ussrConfirm, '1')
  }

  act(): Promise<Answer> {
    return this.send(ussdOp.ussrConfirm, payerPin)
  }

  retry(): Promise<Answer> {
    if (this.last === null) throw new Error('nothing sent to retry')
    return this.submit(this.last.params, this.last.sequence)
  }

  nextSms(timeoutMs: number): Promise<string | null> {
    return this.sms.next(payer, timeoutMs)
  }

  async close(): Promise<void> {
    this.closed = true
    this.peer.close()
    await this.pumping
  }

  private send(op: number, text: string): Promise<Answer> {
    const params: PduParams = {
      service_type: 'USSD',
      source_addr_ton: 1,
      source_addr_npi: 1,
      source_addr: payer,
      dest_addr_ton: 0,
      dest_addr_npi: 0,
      destination_addr: '*123#',
      esm_class: 0,
      registered_delivery: 0,
      data_coding: 0x0f,
      short_message: encodeGsm7(text),
      ussd_service_op: op,
      its_session_info: this.sessionInfo,
    }
    this.sequence += 1
    this.last = { params, sequence: this.sequence }
    return this.submit(params, this.sequence)
  }

  /** One submit_sm; its answer is the screen that follows an accepting submit_sm_resp. */
  private async submit(params: PduParams, sequence: number): Promise<Answer> {
    const status = new Promise<number>((resolve) => this.responses.set(sequence, resolve))
    this.peer.write(encodePdu('submit_sm', sequence, params))
    const answered = await Promise.race([status, delay(5_000).then(() => null)])
    if (answered !== 0) return { wire: `submit_sm_resp ${answered ?? 'none'}`, shown: [] }
    const screen = await this.screens.next(payer, 5_000)
    if (screen === null) return { wire: 'no screen', shown: [] }
    return { wire: `${ussdOpName(screen.op)} ${screen.text}`, shown: [screen.text] }
  }

  /** Reads until the phone or the gateway closes the session (then next() answers null at once). */
  private async pump(): Promise<void> {
    while (!this.closed && !this.peer.stream.closed) {
      const pdu = await this.peer.next(1_000)
      if (pdu !== null) this.receive(pdu)
    }
  }

  private receive(raw: RawPdu): void {
    if (raw.commandId === commandIds.submitSmResp) {
      this.responses.get(raw.sequence)?.(raw.status)
      this.responses.delete(raw.sequence)
      return
    }
    if (raw.commandId === commandIds.enquireLink) {
      this.peer.write(encodePdu('enquire_link_resp', raw.sequence))
      return
    }
    if (raw.commandId === commandIds.unbind) {
      this.peer.write(encodePdu('unbind_resp', raw.sequence))
      return
    }
    if (raw.commandId !== commandIds.deliverSm || raw.pdu === null) return
    this.peer.write(encodePdu('deliver_sm_resp', raw.sequence, { message_id: '' }))
    this.deliver(raw.pdu)
  }

  private deliver(pdu: Pdu): void {
    const text = decodeText(
      pduNumber(pdu, 'data_coding') ?? 0,
      pduBuffer(pdu, 'short_message') ?? Buffer.alloc(0),
    ).text
    const op = pduNumber(pdu, 'ussd_service_op')
    if (op !== undefined) {
      this.screens.put(payer, { op, text })
      return
    }
    // Delivery receipts (esm_class type 0001) are not texts for the user.
    if (((pduNumber(pdu, 'esm_class') ?? 0) & 0x3c) === 0x04) return
    this.sms.put(payer, text)
  }
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms).unref())
}

export const ussdSmppDriver: ChannelDriver = {
  name: 'USSD over SMPP (ussd_service_op)',
  done: /^Paid CNY 25\.00 to Ringtone Store/,
  skip: {},
  breaches: {},
  open: (gw) => RawUssdPhone.open(gw),
}
