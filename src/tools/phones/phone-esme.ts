/**
 * phone-esme.ts - an ESME that stands in for phones against an SMSC simulator (ours or any):
 * sends an MO as submit_sm from an MSISDN to the short code, coded GSM or UCS-2 and split when
 * long, and collects the MTs that come back as deliver_sm, reassembled and decoded, per MSISDN.
 * Used by `telepay sms`, the conformance runner, the benchmark and the tests.
 */

import { inboundOf } from '../../bearer/inbound-pdu.js'
import type { SmppClient } from '../../bearer/smpp/client.js'
import { esmClassOf } from '../../bearer/smpp/constants.js'
import type { Pdu } from '../../bearer/smpp/pdu.js'
import { decodeText } from '../../bearer/text/coding.js'
import { concatInfo, Reassembler } from '../../bearer/text/reassembly.js'
import type { Receipt } from '../../bearer/text/receipt.js'
import { parseReceipt } from '../../bearer/text/receipt.js'
import { splitText } from '../../bearer/text/segment.js'
import type { PhoneBindOptions } from './phone-bind.js'
import { bindPhone, Mailbox, openPhoneBind, refusalOf } from './phone-bind.js'

export interface PhoneMt {
  readonly from: string
  readonly to: string
  readonly text: string
  readonly dataCoding: number
  /** SMS parts it came in. */
  readonly parts: number
  readonly receivedMs: number
}

export interface PhoneReceipt {
  readonly to: string
  readonly receiptedMessageId: string | null
  readonly messageState: number | null
  readonly receipt: Receipt | null
}

export interface PhoneEsmeOptions extends PhoneBindOptions {
  readonly shortCode?: string
  /** Called for every complete MT as it arrives (the benchmark measures with it). */
  readonly onMt?: (mt: PhoneMt) => void
}

export type MoResult =
  | { readonly ok: true; readonly messageIds: readonly string[] }
  | { readonly ok: false; readonly error: string }

export class PhoneEsme {
  private readonly client: SmppClient
  private readonly reassembler = new Reassembler()
  private readonly inbox = new Mailbox<PhoneMt>()
  readonly receipts: PhoneReceipt[] = []
  private reference = 0

  constructor(private readonly options: PhoneEsmeOptions) {
    this.client = openPhoneBind(options, 'phones', (pdu) => {
      this.receiveDeliver(pdu)
      return 0
    })
  }

  /** Binds; resolves with an error text when the SMSC refuses or does not answer. */
  bind(timeoutMs = 5_000): Promise<string | null> {
    return bindPhone(this.client, timeoutMs)
  }

  /**
   * Sends an MO from `msisdn`; `to` defaults to the short code; registered_delivery asks for a
   * receipt.
   */
  async send(
    msisdn: string,
    text: string,
    options: { to?: string; receipt?: boolean; userMessageReference?: number } = {},
  ): Promise<MoResult> {
    this.reference = (this.reference + 1) % 256
    const split = splitText(text, this.reference)
    const messageIds: string[] = []
    for (const part of split.parts) {
      const result = await this.client.submit({
        source_addr_ton: 1,
        source_addr_npi: 1,
        source_addr: msisdn,
        dest_addr_ton: 0,
        dest_addr_npi: 1,
        destination_addr: options.to ?? this.options.shortCode ?? '12588',
        esm_class: split.esmClassUdhi ? esmClassOf.udhi : 0,
        registered_delivery: options.receipt === true ? 1 : 0,
        data_coding: split.dataCoding,
        short_message: part,
        ...(options.userMessageReference === undefined
          ? {}
          : { user_message_reference: options.userMessageReference }),
      })
      if (!result.ok) return { ok: false, error: refusalOf(result) }
      messageIds.push(result.messageId)
    }
    return { ok: true, messageIds }
  }

  /** The next MT to `msisdn` not yet taken, waiting up to `timeoutMs`; null when none came. */
  next(msisdn: string, timeoutMs: number): Promise<PhoneMt | null> {
    return this.inbox.next(msisdn, timeoutMs)
  }

  /**
   * Every MT to `msisdn` that arrives until `quietMs` pass without one (at most `timeoutMs` in
   * all).
   */
  async collect(msisdn: string, quietMs: number, timeoutMs: number): Promise<PhoneMt[]> {
    const deadline = Date.now() + timeoutMs
    const collected: PhoneMt[] = []
    for (;;) {
      const remaining = deadline - Date.now()
      if (remaining <= 0) return collected
      const mt = await this.next(
        msisdn,
        collected.length === 0 ? remaining : Math.min(quietMs, remaining),
      )
      if (mt === null) return collected
      collected.push(mt)
    }
  }

  /** MTs received but not taken yet, for every MSISDN. */
  pending(): number {
    return this.inbox.count()
  }

  ready(): boolean {
    return this.client.ready()
  }

  close(): Promise<void> {
    return this.client.close()
  }

  private receiveDeliver(pdu: Pdu): void {
    const sm = inboundOf(pdu, 'smsc')
    if ((sm.esmClass & esmClassOf.typeMask) === esmClassOf.deliveryReceipt) {
      this.receipts.push({
        to: sm.destination,
        receiptedMessageId: sm.receiptedMessageId,
        messageState: sm.messageState,
        receipt: parseReceipt(decodeText(sm.dataCoding, sm.shortMessage).text),
      })
      return
    }
    const concat = concatInfo({
      esmClass: sm.esmClass,
      shortMessage: sm.shortMessage,
      messagePayload: sm.messagePayload ?? undefined,
    })
    if (concat === null) {
      this.deliver({
        from: sm.source,
        to: sm.destination,
        text: decodeText(sm.dataCoding, sm.messagePayload ?? sm.shortMessage).text,
        dataCoding: sm.dataCoding,
        parts: 1,
        receivedMs: Date.now(),
      })
      return
    }
    const added = this.reassembler.add(
      { ...concat, sender: sm.source, receiver: sm.destination, dataCoding: sm.dataCoding },
      Date.now(),
    )
    if (added.status === 'complete') {
      this.deliver({
        from: sm.source,
        to: sm.destination,
        text: added.message.text,
        dataCoding: sm.dataCoding,
        parts: added.message.total,
        receivedMs: Date.now(),
      })
    }
  }

  private deliver(mt: PhoneMt): void {
    this.options.onMt?.(mt)
    this.inbox.put(mt.to, mt)
  }
}
