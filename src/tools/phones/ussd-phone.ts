/**
 * ussd-phone.ts - an ESME that stands in for USSD phones against an SMSC simulator that serves
 * USSD over SMPP (ours): dials with a PSSR indication (submit_sm, ussd_service_op 0x01, the dial
 * string in short_message, its own its_session_info), answers screens with USSR confirms (0x12),
 * and collects per MSISDN the screens that come back as deliver_sm with ussd_service_op, and the
 * SMS that come without it. A bind that has spoken USSD is where telepay pushes payment
 * prompts. For tests, the conformance runner and a CLI; the SMS-only PhoneEsme stays as it is.
 * Exports UssdPhone, UssdPhoneOptions, UssdScreen, UssdSendResult.
 */
import type { SmppClient } from '../../bearer/smpp/client.js'
import type { Pdu, PduParams } from '../../bearer/smpp/pdu.js'
import { pduBuffer, pduNumber, pduString } from '../../bearer/smpp/pdu.js'
import { ussdOp } from '../../bearer/smpp/ussd-op.js'
import { decodeText, encodeUcs2 } from '../../bearer/text/coding.js'
import { encodeGsm7, isGsm7 } from '../../bearer/text/gsm7.js'
import { concatInfo, Reassembler } from '../../bearer/text/reassembly.js'
import type { PhoneBindOptions } from './phone-bind.js'
import { bindPhone, Mailbox, openPhoneBind, refusalOf } from './phone-bind.js'

/** A screen telepay sent: the op says whether it waits for input (0x02) or closes (0x11, 0x03). */
export interface UssdScreen {
  readonly from: string
  readonly to: string
  readonly op: number
  readonly sessionInfo: Buffer | null
  readonly dataCoding: number
  readonly serviceType: string
  readonly text: string
}

export type UssdSendResult =
  | { readonly ok: true; readonly messageId: string }
  | { readonly ok: false; readonly status: number | null; readonly error: string }

export interface UssdPhoneOptions extends PhoneBindOptions {
  /** The service dialled when none is given, and the default destination_addr. */
  readonly serviceCode?: string
  /**
   * deliver_sm_resp status for a screen (0 accepts); a phone that refuses pushes answers non-zero.
   */
  readonly screenStatus?: (screen: UssdScreen) => number
}

export interface DialOptions {
  /** Two octets; a fresh one by default. */
  readonly sessionInfo?: Buffer | null
  /** destination_addr; the service code by default. */
  readonly to?: string
  /** data_coding of GSM text (0x0F by default; 0x00 also seen). */
  readonly gsmDataCoding?: number
}

export class UssdPhone {
  private readonly client: SmppClient
  private readonly screens = new Mailbox<UssdScreen>()
  private readonly sms = new Mailbox<string>()
  private readonly parts = new Reassembler()
  private sessionInfos = 0

  constructor(private readonly options: UssdPhoneOptions) {
    this.client = openPhoneBind(options, 'ussd-phones', (pdu) => this.receive(pdu))
  }

  bind(timeoutMs = 5_000): Promise<string | null> {
    return bindPhone(this.client, timeoutMs)
  }

  /** A fresh its_session_info, as a handset's USSD stack would pick one. */
  newSessionInfo(): Buffer {
    this.sessionInfos = (this.sessionInfos + 1) % 0x8000
    const info = Buffer.alloc(2)
    info.writeUInt16BE(this.sessionInfos << 1)
    return info
  }

  /** A PSSR indication: `msisdn` dials `dial` (the service code by default). */
  dial(
    msisdn: string,
    dial = this.options.serviceCode ?? '*123#',
    options: DialOptions = {},
  ): Promise<UssdSendResult> {
    return this.sendUssd(
      msisdn,
      ussdOp.pssrIndication,
      dial,
      options.sessionInfo === undefined ? this.newSessionInfo() : options.sessionInfo,
      options,
    )
  }

  /** A USSR confirm: the user's answer to the screen of dialogue `sessionInfo`. */
  answer(
    msisdn: string,
    text: string,
    sessionInfo: Buffer | null,
    options: DialOptions = {},
  ): Promise<UssdSendResult> {
    return this.sendUssd(msisdn, ussdOp.ussrConfirm, text, sessionInfo, options)
  }

  /** Any USSD PDU (an op telepay does not serve, a USSN confirm...). */
  sendUssd(
    msisdn: string,
    op: number,
    text: string,
    sessionInfo: Buffer | null,
    options: DialOptions = {},
  ): Promise<UssdSendResult> {
    const gsm = isGsm7(text)
    return this.submit({
      service_type: 'USSD',
      source_addr_ton: 1,
      source_addr_npi: 1,
      source_addr: msisdn,
      dest_addr_ton: 0,
      dest_addr_npi: 0,
      destination_addr: options.to ?? this.options.serviceCode ?? '*123#',
      esm_class: 0,
      registered_delivery: 0,
      data_coding: gsm ? (options.gsmDataCoding ?? 0x0f) : 0x08,
      short_message: gsm ? encodeGsm7(text) : encodeUcs2(text),
      ussd_service_op: op,
      ...(sessionInfo === null ? {} : { its_session_info: sessionInfo }),
    })
  }

  async submit(params: PduParams): Promise<UssdSendResult> {
    const result = await this.client.submit(params)
    if (result.ok) return { ok: true, messageId: result.messageId }
    return {
      ok: false,
      status: result.reason === 'status' ? result.status : null,
      error: refusalOf(result),
    }
  }

  /** The next screen to `msisdn`, waiting up to `timeoutMs`; null when none came. */
  nextScreen(msisdn: string, timeoutMs: number): Promise<UssdScreen | null> {
    return this.screens.next(msisdn, timeoutMs)
  }

  /**
   * The next SMS text to `msisdn` (reassembled), waiting up to `timeoutMs`; null when none came.
   */
  nextSms(msisdn: string, timeoutMs: number): Promise<string | null> {
    return this.sms.next(msisdn, timeoutMs)
  }

  /** Screens and SMS received but not taken yet. */
  pending(): number {
    return this.screens.count() + this.sms.count()
  }

  close(): Promise<void> {
    return this.client.close()
  }

  private receive(pdu: Pdu): number {
    const dataCoding = pduNumber(pdu, 'data_coding') ?? 0
    const shortMessage = pduBuffer(pdu, 'short_message') ?? Buffer.alloc(0)
    const to = pduString(pdu, 'destination_addr') ?? ''
    const from = pduString(pdu, 'source_addr') ?? ''
    const op = pduNumber(pdu, 'ussd_service_op')
    if (op !== undefined) {
      const screen: UssdScreen = {
        from,
        to,
        op,
        dataCoding,
        sessionInfo: pduBuffer(pdu, 'its_session_info') ?? null,
        serviceType: pduString(pdu, 'service_type') ?? '',
        text: decodeText(dataCoding, shortMessage).text,
      }
      const status = this.options.screenStatus?.(screen) ?? 0
      if (status === 0) this.screens.put(to, screen)
      return status
    }
    const esmClass = pduNumber(pdu, 'esm_class') ?? 0
    // Delivery receipts (esm_class type 0001) are not texts for the user.
    if ((esmClass & 0x3c) === 0x04) return 0
    const concat = concatInfo({ esmClass, shortMessage })
    if (concat === null) {
      this.sms.put(to, decodeText(dataCoding, shortMessage).text)
      return 0
    }
    const added = this.parts.add({ ...concat, sender: from, receiver: to, dataCoding }, Date.now())
    if (added.status === 'complete') this.sms.put(to, added.message.text)
    return 0
  }
}
