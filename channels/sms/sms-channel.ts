/**
 * sms-channel.ts - the SMS channel between a transport (simulator or operator SMPP) and the
 * keyword adapter: tells receipts from MOs, gives each MO its id (the idempotency key),
 * reassembles long MOs, decodes their text, hands it to the adapter, and sends the replies split
 * and coded for the wire, with a delivery receipt for the MO when the sender asked for one.
 * Also carries the texts of the gateway's notices outbox (`sendText`, the SMS route of
 * sms-route.ts): merchant requests, expiries, late answers of other channels. A reply that finds
 * no way to the phone is kept in that outbox (`keep`), never in memory, so a stop or a crash
 * does not lose it. Every whole MO and MT is recorded in the gateway's message log
 * (src/gateway/handset), with its coding, its parts and where it went; a receipt is not a
 * message and is not. Exports SmsChannel, SmsChannelOptions.
 */

import type {
  InboundAnswer,
  InboundSm,
  OutboundSm,
  SendResult,
  SmsLink,
} from '../../src/bearer/contract.js'
import { concatOf } from '../../src/bearer/inbound-pdu.js'
import { esmClassOf, smppStatus } from '../../src/bearer/smpp/constants.js'
import type { Alphabet } from '../../src/bearer/text/coding.js'
import { decodeText } from '../../src/bearer/text/coding.js'
import { encodeGsm7, gsm7Septets } from '../../src/bearer/text/gsm7.js'
import { smsTextLimits } from '../../src/bearer/text/limits.js'
import { Reassembler } from '../../src/bearer/text/reassembly.js'
import { formatReceipt, parseReceipt } from '../../src/bearer/text/receipt.js'
import type { SplitText } from '../../src/bearer/text/segment.js'
import { splitText } from '../../src/bearer/text/segment.js'
import { maskMsisdn, normalizeMsisdn } from '../../src/core/index.js'
import type { MessageRecorder } from '../../src/gateway/handset/index.js'
import { InFlight } from '../../src/gateway/in-flight.js'
import type { ReplyKeeper } from '../../src/gateway/notices/index.js'
import type { Clock } from '../../src/service/clock.js'
import type { Logger } from '../../src/service/log.js'
import type { Metrics } from '../../src/service/metrics.js'
import type { LastMoStore } from './last-mo-store.js'
import type { MoIdentityLimits, MoKind } from './mo-identity.js'
import { defaultMoIdentityLimits, MoIdentity, moFingerprint } from './mo-identity.js'
import type { SmsAdapter } from './sms-adapter.js'
import { maskMoText } from './sms-adapter.js'
import type { MtLogAs } from './sms-records.js'
import { recordMt } from './sms-records.js'

export interface SmsChannelOptions {
  readonly shortCode: string
  readonly adapter: SmsAdapter
  readonly clock: Clock
  readonly log: Logger
  readonly metrics: Metrics
  readonly identity?: MoIdentityLimits
  /** Each phone's last MO, kept across SMPP sessions and restarts (last-mo-store.ts). */
  readonly lastMos: LastMoStore
  /** The phone's waiting payment (null: none), from the ledger. */
  readonly waitingOf: (msisdn: string) => Promise<string | null>
  /**
   * Offer delivery receipts: simulator mode answers an MO's registered_delivery; operator mode asks
   * for receipts of our MTs.
   */
  readonly receipts: boolean
  /**
   * Where replies that could not be sent are kept (the gateway's notices outbox), and whether an
   * MO's reply already was.
   */
  readonly keep: ReplyKeeper
  /** The message log every whole MO and MT is recorded in; absent: none (bearer tests). */
  readonly messages?: MessageRecorder | null
}

/** MTs whose receipts we still wait for, by message id: bounded, oldest forgotten first. */
const pendingReceiptsMax = 100_000

export class SmsChannel {
  private transport: Pick<SmsLink, 'mode' | 'send' | 'ready'> | null = null
  private readonly identity: MoIdentity
  private readonly reassembler = new Reassembler(smsTextLimits)
  private concatReference = 0
  private readonly awaitingReceipt = new Map<
    string,
    { readonly msisdn: string; readonly sentMs: number }
  >()
  /** Replies being sent or kept: a graceful stop waits for them before the sessions unbind. */
  private readonly replying = new InFlight()

  constructor(private readonly options: SmsChannelOptions) {
    this.identity = new MoIdentity(
      options.identity ?? defaultMoIdentityLimits,
      options.clock.nowMs(),
      options.lastMos,
      options.waitingOf,
    )
  }

  attach(transport: Pick<SmsLink, 'mode' | 'send' | 'ready'>): void {
    this.transport = transport
  }

  ready(): boolean {
    return this.transport?.ready() ?? false
  }

  /**
   * A new message id for a submit_sm the simulator accepts that is not an MO (a receipt from an
   * ESME, say).
   */
  nextMessageId(): string {
    return this.identity.nextId()
  }

  /** Everything that reaches us: receipts are recorded, MOs run as commands. */
  async receive(sm: InboundSm): Promise<InboundAnswer> {
    if ((sm.esmClass & esmClassOf.typeMask) === esmClassOf.deliveryReceipt)
      return this.receiveReceipt(sm)
    const nowMs = this.options.clock.nowMs()
    const body = sm.messagePayload ?? sm.shortMessage
    const phone = phoneOf(sm.source)
    const concat = concatOf(sm)
    let text: string
    let fingerprint: string
    // A part gets an id of its own for its response; the reassembler drops a repeated part.
    let responseId: string | null = null
    let coding: Alphabet
    let parts = 1
    if (concat === null) {
      const decoded = decodeText(sm.dataCoding, body)
      text = decoded.text
      coding = decoded.alphabet
      fingerprint = moFingerprint({
        bind: sm.origin,
        source: sm.source,
        destination: sm.destination,
        esmClass: sm.esmClass,
        dataCoding: sm.dataCoding,
        message: body,
        extra: `umr:${sm.userMessageReference ?? ''}`,
      })
    } else {
      responseId = this.identity.nextId()
      const added = this.reassembler.add(
        { ...concat, sender: sm.source, receiver: sm.destination, dataCoding: sm.dataCoding },
        nowMs,
      )
      this.options.metrics.count(
        'telepay_sms_mo_parts_total',
        'MO parts of concatenated messages received, by outcome',
        { outcome: added.status },
      )
      if (added.status === 'pending' && added.evicted !== null)
        this.partsLost(added.evicted.sender, added.evicted.receivedSeqs.length, added.evicted.total)
      if (added.status !== 'complete')
        return { status: smppStatus.ok, messageId: responseId, afterResponse: null }
      text = added.message.text
      coding = added.message.alphabet
      parts = added.message.total
      // The whole message is one command, identified by its whole text and concatenation ref.
      fingerprint = moFingerprint({
        bind: sm.origin,
        source: sm.source,
        destination: sm.destination,
        esmClass: 0,
        dataCoding: sm.dataCoding,
        message: Buffer.from(text, 'utf8'),
        extra: `concat:${concat.ref}:${concat.total}`,
      })
    }
    const kind: MoKind =
      sm.userMessageReference !== null || concat !== null
        ? 'numbered'
        : this.options.adapter.acts(text)
          ? 'acting'
          : 'read_only'
    const mo = await this.identity.identify(phone, fingerprint, kind, nowMs)
    responseId ??= mo.id
    // A retransmission (the SMSC lost our submit_sm_resp) is the same message: one row, not two.
    const log = this.options.messages
    const logMo = mo.repeat ? log?.update.bind(log) : log?.record.bind(log)
    logMo?.(
      {
        msisdn: phone,
        direction: 'mo',
        party: sm.destination,
        // The log is read back by the operator and shown on web handsets: never a PIN in it.
        text: maskMoText(text),
        coding,
        parts,
        messageId: responseId,
        state: 'delivered',
      },
      nowMs,
    )
    const replies = await this.options.adapter.handleMo({
      msisdn: sm.source,
      text,
      moId: `${sm.origin}:${mo.id}`,
    })
    this.options.metrics.count(
      'telepay_sms_mo_total',
      'MO messages handled as commands, by whether they repeated an earlier one',
      { repeat: String(mo.repeat) },
    )
    // A retransmission whose first copy was answered: the core replayed the same answer, which
    // the phone already has.
    if (mo.answered) return { status: smppStatus.ok, messageId: responseId, afterResponse: null }
    const moId = mo.id
    // Only an acting MO's retransmission is judged by what the phone waits for (mo-identity.ts).
    if (!mo.repeat && kind === 'acting') await this.identity.handled(phone, moId)
    const receiptId = responseId
    return {
      status: smppStatus.ok,
      messageId: responseId,
      afterResponse: () => {
        this.identity.answered(phone, moId)
        void this.sendReplies(
          replies.map((reply) => ({ msisdn: reply.msisdn, text: reply.text })),
          sm.bind,
          `${sm.origin}:${moId}`,
        ).then((sent) => {
          if (!sent) this.identity.answered(phone, moId, false)
          if ((sm.registeredDelivery & 0x03) !== 0 && this.transport?.mode === 'simulator')
            this.sendReceiptFor(sm, receiptId, text, nowMs)
        })
      },
    }
  }

  /**
   * Sends a text to a phone that its last MO did not ask for (a notice, another channel's
   * answer): it ends the phone's retransmission chain, so the same words after it are new.
   */
  async sendText(
    msisdn: string,
    text: string,
    bind: string | null = null,
    logAs: MtLogAs | null = null,
  ): Promise<SendResult> {
    this.identity.forget(phoneOf(msisdn))
    return this.sendParts(msisdn, text, bind, logAs ?? this.freshLogAs())
  }

  /** An MT recorded for the first time: a new id from the MO ids' sequence. */
  private freshLogAs(): MtLogAs {
    return { messageId: this.identity.nextId(), mayBeLogged: false }
  }

  /** Forgets MOs too old to be retransmitted (the channel's sweep). */
  pruneIdentities(): void {
    this.identity.prune(this.options.clock.nowMs())
  }

  /** Sends a text to a phone, split and coded; resolves when every part was accepted or refused. */
  private async sendParts(
    msisdn: string,
    text: string,
    bind: string | null,
    logAs: MtLogAs,
  ): Promise<SendResult> {
    this.concatReference = (this.concatReference + 1) % 256
    const split = splitText(text, this.concatReference)
    if (split.truncated)
      this.options.log.warn('sms reply cut to fit', {
        msisdn: maskMsisdn(msisdn),
        characters: text.length,
      })
    const result = await this.sendSplit(msisdn, split, bind)
    const recorder = this.options.messages
    if (recorder != null) {
      const mt = { phone: phoneOf(msisdn), shortCode: this.options.shortCode, text }
      recordMt(recorder, mt, split, result, logAs, this.options.clock.nowMs())
    }
    return result
  }

  private async sendSplit(
    msisdn: string,
    split: SplitText,
    bind: string | null,
  ): Promise<SendResult> {
    const transport = this.transport
    if (transport === null)
      return { ok: false, error: 'the SMS channel is not started', temporary: true }
    let last: SendResult = { ok: false, error: 'nothing to send', temporary: false }
    for (const part of split.parts) {
      const sm: OutboundSm = {
        source: this.options.shortCode,
        destination: msisdn,
        esmClass: split.esmClassUdhi ? esmClassOf.udhi : 0,
        dataCoding: split.dataCoding,
        registeredDelivery: this.options.receipts && transport.mode === 'operator' ? 1 : 0,
        shortMessage: part,
        bind,
      }
      last = await transport.send(sm)
      this.options.metrics.count('telepay_sms_mt_total', 'MT parts sent, by result', {
        result: last.ok ? 'ok' : last.temporary ? 'temporary' : 'refused',
      })
      if (!last.ok) {
        // A temporary failure (no ESME bound, the link down, throttled) is the usual state of a
        // simulator nobody bound to, and it comes back on every retry: the caller logs what
        // follows (the outbox's retry, a kept reply). A refusal for good is a warning.
        const fields = { msisdn: maskMsisdn(msisdn), error: last.error }
        if (last.temporary) this.options.log.debug('sms part not sent', fields)
        else this.options.log.warn('sms part not sent', fields)
        return last
      }
      if (sm.registeredDelivery !== 0) this.rememberReceipt(last.messageId, msisdn)
    }
    return last
  }

  /** Incomplete long MOs whose parts did not all arrive: the sender is asked to send again. */
  expireParts(): number {
    const expired = this.reassembler.expire(this.options.clock.nowMs())
    for (const message of expired)
      this.partsLost(message.sender, message.receivedSeqs.length, message.total)
    return expired.length
  }

  private partsLost(msisdn: string, received: number, total: number): void {
    this.options.log.info('sms parts lost', { msisdn: maskMsisdn(msisdn), received, total })
    this.options.metrics.count(
      'telepay_sms_mo_lost_total',
      'Long MOs given up because parts never arrived',
      {},
    )
    void this.sendReplies(
      [{ msisdn, text: this.options.adapter.partsLostText(msisdn) }],
      null,
      null,
    )
  }

  /**
   * Sends the replies in order; one that cannot be sent now is kept in the outbox (sent by its
   * sweep, after a restart too). False when one was neither sent nor kept. A command whose reply
   * was kept before (an MO the SMSC sent again) is not answered again: the outbox answers it.
   */
  private sendReplies(
    replies: readonly { readonly msisdn: string; readonly text: string }[],
    bind: string | null,
    commandKey: string | null,
  ): Promise<boolean> {
    return this.replying.track(this.sendRepliesTracked(replies, bind, commandKey))
  }

  private async sendRepliesTracked(
    replies: readonly { readonly msisdn: string; readonly text: string }[],
    bind: string | null,
    commandKey: string | null,
  ): Promise<boolean> {
    if (
      commandKey !== null &&
      (await this.options.keep.smsReplyKept(commandKey).catch(() => false))
    )
      return true
    let allAnswered = true
    for (const [index, reply] of replies.entries()) {
      const logAs = this.freshLogAs()
      const result = await this.sendParts(reply.msisdn, reply.text, bind, logAs).catch(
        (error: unknown) => {
          this.options.log.error('sms reply failed', {
            msisdn: maskMsisdn(reply.msisdn),
            error: String(error),
          })
          return null
        },
      )
      if (result?.ok) continue
      if (result?.temporary === false) {
        allAnswered = false
        continue
      }
      // Each reply of a command is kept under its own key, so a second keep of it is a no-op.
      const key = commandKey === null ? null : `${commandKey}#${index}`
      const kept = await this.options.keep
        .keepSmsReply(
          { msisdn: reply.msisdn, text: reply.text, commandKey: key, messageId: logAs.messageId },
          this.options.clock.nowMs(),
        )
        .then(
          () => true,
          (error: unknown) => {
            this.options.log.error('sms reply lost: neither sent nor kept', {
              msisdn: maskMsisdn(reply.msisdn),
              error: String(error),
            })
            return false
          },
        )
      this.options.metrics.count(
        'telepay_sms_replies_kept_total',
        'Replies that could not be sent at once, by whether the outbox kept them',
        { kept: String(kept) },
      )
      if (!kept) allAnswered = false
    }
    return allAnswered
  }

  /** Resolves once every reply under way was sent or kept (a graceful stop waits for it). */
  repliesSettled(): Promise<void> {
    return this.replying.idle()
  }

  /** The simulator, as an SMSC, reports the MO delivered to telepay (SMPP 3.4 Appendix B). */
  private sendReceiptFor(sm: InboundSm, messageId: string, text: string, submitMs: number): void {
    const transport = this.transport
    if (transport === null) return
    const receipt = formatReceipt({
      id: messageId,
      submitted: 1,
      delivered: 1,
      submitDateMs: submitMs,
      doneDateMs: this.options.clock.nowMs(),
      // The receipt quotes the message's start; an MO may hold a PIN.
      stat: 'DELIVRD',
      err: 0,
      text: maskMoText(text),
    })
    void transport
      .send({
        source: sm.destination,
        destination: sm.source,
        esmClass: esmClassOf.deliveryReceipt,
        dataCoding: 0,
        registeredDelivery: 0,
        shortMessage: encodeGsm7(gsmSafe(receipt)),
        bind: sm.bind,
        receiptedMessageId: messageId,
        messageState: 2,
      })
      .then((result) => {
        this.options.metrics.count(
          'telepay_sms_receipts_sent_total',
          'Delivery receipts the simulator sent for MOs',
          { result: result.ok ? 'ok' : 'failed' },
        )
      })
  }

  private receiveReceipt(sm: InboundSm): InboundAnswer {
    const receipt = parseReceipt(decodeText(sm.dataCoding, sm.shortMessage).text)
    const id = sm.receiptedMessageId ?? receipt?.id ?? null
    const stat = receipt?.stat ?? 'UNKNOWN'
    const waiting = id === null ? undefined : this.awaitingReceipt.get(id)
    if (id !== null) this.awaitingReceipt.delete(id)
    this.options.metrics.count(
      'telepay_sms_receipts_total',
      'Delivery receipts received for our MTs, by stat',
      { stat },
    )
    this.options.log.info('sms receipt', {
      id: id ?? undefined,
      stat,
      known: waiting !== undefined,
      msisdn: waiting === undefined ? undefined : maskMsisdn(waiting.msisdn),
    })
    return { status: smppStatus.ok, messageId: '', afterResponse: null }
  }

  private rememberReceipt(messageId: string, msisdn: string): void {
    this.awaitingReceipt.set(messageId, { msisdn, sentMs: this.options.clock.nowMs() })
    if (this.awaitingReceipt.size > pendingReceiptsMax) {
      const oldest = this.awaitingReceipt.keys().next()
      if (oldest.done !== true) this.awaitingReceipt.delete(oldest.value)
    }
  }
}

/** A receipt travels as GSM 03.38 (data_coding 0): a character outside it becomes '?'. */
function gsmSafe(text: string): string {
  let safe = ''
  for (const char of text) safe += gsm7Septets(char) === null ? '?' : char
  return safe
}

/**
 * The key a phone's last MO is kept under: its stored MSISDN, or the sender as given when it is
 * none.
 */
function phoneOf(sender: string): string {
  return normalizeMsisdn(sender) ?? sender
}
