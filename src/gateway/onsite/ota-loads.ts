/**
 * ota-loads.ts - a top-up paid into the float (LOAD CARD) goes to the subscriber's RFID-SIM over
 * the air, as SMS-PP data downloads to the purse applet (src/gateway/ota/secured-packet.ts), in
 * two round trips: SELECT and INITIALIZE FOR LOAD (the card's balance, online serial, random and
 * MAC1 come back in the proof of receipt), then CREDIT FOR LOAD with the host's MAC2 (the card's
 * TAC comes back). A load whose packet or proof is lost is asked again from the start: once a
 * CREDIT was sent, the next INITIALIZE answer's online serial tells whether it happened (the
 * serial moves on only with a load), so the money is neither loaded twice nor refunded while it
 * may be on the card. A load the card never took within its bound is refunded; one the card went
 * silent on after a CREDIT is the operator's to close. Exports OtaLoads, otaLimits,
 * OperatorClose.
 */
import type { InboundAnswer, InboundSm, OutboundSm } from '../../bearer/contract.js'
import { simDataDownloadPid } from '../../bearer/contract.js'
import { smppStatus } from '../../bearer/smpp/constants.js'
import type { Limits } from '../../core/index.js'
import { cardNumberOf, maskMsisdn } from '../../core/index.js'
import { decodeJson } from '../../ledger/codec.js'
import type { LedgerStore } from '../../ledger/store.js'
import type { Clock } from '../../service/clock.js'
import type { Logger } from '../../service/log.js'
import type { PaymentService } from '../../service/payment-service.js'
import { scriptOf } from '../ota/applet-script.js'
import {
  commandPacket,
  commandPacketHeader,
  openResponsePacket,
  porHeader,
  porStatus,
} from '../ota/secured-packet.js'
import { purseTimeOf } from '../pboc/fields.js'
import type { KeyStore } from '../pboc/key-store.js'
import {
  creditForLoadApdu,
  initForLoadApdu,
  parseInitForLoad,
  selectPurseApdu,
} from '../pboc/load-host.js'
import { loadHostTerminalId } from './card-loader.js'
import type { OtaLoad, OtaLoadStore } from './ota-load-store.js'

/** The operator's close of a load: the load as it is now, or why it was not closed. */
export type OperatorClose =
  | { readonly ok: true; readonly load: OtaLoad }
  | { readonly ok: false; readonly code: 'load_not_found' | 'load_closed' }

export const otaLimits = {
  /**
   * How long a packet's proof of receipt is waited for before the load is asked again: an SMS to
   * a phone that is on arrives in seconds; one that is off waits in the SMSC, and asking again
   * sooner only queues more.
   */
  porTimeoutMs: 30_000,
  /** The wait doubles with each attempt, up to this. */
  retryDelayMaxMs: 10 * 60_000,
  /**
   * Attempts before a load no CREDIT was sent for is refunded: with the doubling, 30 s + 60 s +
   * ... + 600 s, about 45 minutes of a phone out of reach (an SMSC keeps an MT longer: the
   * phone back in reach then gets the packets, whose counter the SIM refuses as too low).
   */
  attemptsMax: 8,
  /** How long an outcome the ledger refused waits before it is posted again (with an alarm). */
  settleRetryMs: 60_000,
  /** Loads and outbox rows taken per sweep. */
  perSweepMax: 50,
} as const

/** The sms-transport side the service sends by. */
export interface OtaSender {
  send(sm: OutboundSm): Promise<{ readonly ok: boolean }>
}

export interface OtaLoadsDeps {
  readonly store: OtaLoadStore
  readonly ledger: LedgerStore
  readonly service: PaymentService
  readonly keys: KeyStore
  readonly sender: OtaSender
  readonly clock: Clock
  readonly limits: Limits
  readonly log: Logger
  /** The address the packets come from and the proofs go back to (the platform's short code). */
  readonly address: string
}

/** The data of a compact proof of receipt: commands run, the last status word, its data. */
interface ScriptAnswer {
  readonly run: number
  readonly status: number
  readonly data: Buffer
}

function hex(value: number): string {
  return value.toString(16).toUpperCase().padStart(4, '0')
}

export class OtaLoads {
  /** Per load, the work running on it: a sweep and a proof of receipt never act on it at once. */
  private readonly running = new Map<string, Promise<void>>()

  constructor(private readonly deps: OtaLoadsDeps) {}

  /** Runs `work` on the load after whatever runs on it now, with the load as it is then. */
  private serialized(paymentId: string, work: (load: OtaLoad) => Promise<void>): Promise<void> {
    const before = this.running.get(paymentId) ?? Promise.resolve()
    const next = before.then(async () => {
      const load = this.deps.store.get(paymentId)
      if (load !== null && load.stage !== 'done') await work(load)
    })
    const settled = next.catch((error: unknown) =>
      this.deps.log.error('card load failed a step', { payment: paymentId, error: String(error) }),
    )
    this.running.set(paymentId, settled)
    void settled.then(() => {
      if (this.running.get(paymentId) === settled) this.running.delete(paymentId)
    })
    return settled
  }

  /** Top-ups still on their way to the cards, the oldest first. */
  openLoads(limit: number): OtaLoad[] {
    return this.deps.store.open(limit)
  }

  /**
   * The operator ends a load the card does not answer for (a SIM lost or destroyed after a
   * CREDIT was sent, which the sweep never refunds on a guess): `loaded` when the card shows the
   * load (read at a ticket office: its online serial and its log), `undeliverable` when it shows
   * none, which refunds the account it came from. Posted as the card's own answer would be, once;
   * a proof of receipt arriving later finds the load closed and changes nothing.
   */
  async closeByOperator(
    paymentId: string,
    outcome: 'loaded' | 'undeliverable',
    reason: string,
  ): Promise<OperatorClose> {
    let answer: OperatorClose = { ok: false, code: 'load_not_found' }
    await this.serialized(paymentId, async (load) => {
      if (load.stage !== 'init' && load.stage !== 'credit') {
        answer = { ok: false, code: 'load_closed' }
        return
      }
      this.deps.log.warn('card load closed by the operator', {
        payment: paymentId,
        msisdn: maskMsisdn(load.msisdn),
        outcome,
        creditSent: load.creditSerial !== null,
      })
      await this.end(load, outcome, `closed by the operator: ${reason}`)
      answer = { ok: true, load: this.deps.store.get(paymentId) ?? load }
    })
    if (!answer.ok && answer.code === 'load_not_found') {
      const known = this.deps.store.get(paymentId)
      if (known !== null) answer = { ok: false, code: 'load_closed' }
    }
    return answer
  }

  /** One sweep: takes the new top-ups from the outbox, sends what is due, posts what ended. */
  async sweep(): Promise<void> {
    const { ledger, store, clock } = this.deps
    const nowMs = clock.nowMs()
    for (const item of await ledger.dueOutbox('card_load', nowMs, otaLimits.perSweepMax)) {
      const { paymentId, msisdn } = decodeJson<{ paymentId: string; msisdn: string }>(item.payload)
      const payment = await ledger.payment(paymentId)
      if (payment !== null)
        store.add(
          {
            paymentId,
            msisdn,
            cardNumber: cardNumberOf(msisdn),
            amountFen: Number(payment.amountMinor),
          },
          nowMs,
        )
      await ledger.outboxDelivered(item.id, nowMs)
    }
    for (const due of store.due(nowMs, otaLimits.perSweepMax))
      await this.serialized(due.paymentId, async (load) => {
        // Read again: a proof may have moved it on since the due list was read.
        if (load.nextAttemptMs > this.deps.clock.nowMs() || load.counter !== due.counter) return
        await this.advance(load, this.deps.clock.nowMs())
      })
  }

  /** A due load: its outcome posted, or asked of the card (again), or given up. */
  private async advance(load: OtaLoad, nowMs: number): Promise<void> {
    if (load.stage === 'settle') return this.settle(load)
    if (load.attempts >= otaLimits.attemptsMax && load.creditSerial === null)
      return this.end(load, 'undeliverable', `no answer from the SIM after ${load.attempts} tries`)
    if (load.attempts >= otaLimits.attemptsMax)
      // Never refunded on a guess: the money may be on the card. Asked again every retry delay
      // until the card answers (a SIM destroyed is the operator's to settle).
      this.deps.log.error('card load: a CREDIT was sent and the SIM has not answered since', {
        payment: load.paymentId,
        msisdn: maskMsisdn(load.msisdn),
        attempts: load.attempts,
      })
    await this.sendInit(load, nowMs)
  }

  private async sendInit(load: OtaLoad, nowMs: number): Promise<void> {
    const keys = this.deps.keys
    await this.sendScript(load, nowMs, 'init', [
      selectPurseApdu(),
      initForLoadApdu(keys.index, load.amountFen, loadHostTerminalId),
    ])
  }

  private async sendScript(
    load: OtaLoad,
    nowMs: number,
    stage: 'init' | 'credit',
    apdus: readonly Buffer[],
  ): Promise<void> {
    const { store, keys } = this.deps
    const counter = store.nextCounter(load.cardNumber)
    const attempts = load.attempts + 1
    const waitMs = Math.min(
      otaLimits.porTimeoutMs * 2 ** Math.min(attempts - 1, 16),
      otaLimits.retryDelayMaxMs,
    )
    // Recorded before it goes: a proof of receipt can come back before send() resolves.
    store.update(load.paymentId, { stage, attempts, counter, nextAttemptMs: nowMs + waitMs })
    const packet = commandPacket(keys.otaKeys(load.cardNumber), BigInt(counter), scriptOf(apdus))
    const sent = await this.deps.sender.send({
      source: this.deps.address,
      destination: load.msisdn,
      esmClass: 0x40,
      protocolId: simDataDownloadPid,
      // Class 2 (to the SIM), 8-bit data.
      dataCoding: 0xf6,
      registeredDelivery: 0,
      shortMessage: Buffer.concat([commandPacketHeader, packet]),
      bind: null,
    })
    if (!sent.ok)
      this.deps.log.warn('card load: the OTA packet was not taken; it is tried again', {
        payment: load.paymentId,
        msisdn: maskMsisdn(load.msisdn),
      })
  }

  /** A SIM's proof of receipt (TP-PID 0x7F to our address), as the bearer hands it over. */
  readonly onProof = async (sm: InboundSm): Promise<InboundAnswer> => {
    const ok: InboundAnswer = { status: smppStatus.ok, messageId: '', afterResponse: null }
    const userData = sm.shortMessage
    if (!userData.subarray(0, 3).equals(porHeader)) return ok
    let cardNumber: string
    try {
      cardNumber = cardNumberOf(sm.source)
    } catch {
      return ok
    }
    const opened = openResponsePacket(this.deps.keys.otaKeys(cardNumber), userData.subarray(3))
    if (!opened.ok) {
      this.deps.log.warn('card load: a proof of receipt that does not verify', {
        msisdn: maskMsisdn(sm.source),
        why: opened.why,
      })
      return ok
    }
    const found = this.deps.store.byCounter(sm.source, Number(opened.counter))
    if (found === null) return ok
    await this.serialized(found.paymentId, async (load) => {
      // The answer to the packet last sent, while the load still waits for it.
      if (load.counter !== found.counter || (load.stage !== 'init' && load.stage !== 'credit'))
        return
      const nowMs = this.deps.clock.nowMs()
      if (opened.status === porStatus.counterLow) {
        this.deps.store.skipCounter(cardNumber, 1_000)
        return this.sendInit(load, nowMs)
      }
      if (opened.status !== porStatus.ok || opened.data.length < 3) {
        this.deps.log.warn('card load: the SIM refused the packet', {
          payment: load.paymentId,
          status: opened.status,
        })
        return
      }
      const answer: ScriptAnswer = {
        run: opened.data[0] ?? 0,
        status: opened.data.readUInt16BE(1),
        data: opened.data.subarray(3),
      }
      if (load.stage === 'init') await this.onInitAnswer(load, answer, nowMs)
      else await this.onCreditAnswer(load, answer, nowMs)
    })
    return ok
  }

  private async onInitAnswer(load: OtaLoad, answer: ScriptAnswer, nowMs: number): Promise<void> {
    const { keys } = this.deps
    if (answer.status !== 0x9000 || answer.run !== 2) {
      const what = answer.run <= 1 ? 'SELECT' : 'INITIALIZE FOR LOAD'
      // The card refuses the load itself (blocked, past its cap): nothing went on it since, if
      // no CREDIT was ever sent; if one was, its fate is what the card's serial says, asked again.
      if (load.creditSerial === null)
        return this.end(load, 'undeliverable', `the card refused ${what}: ${hex(answer.status)}`)
      return
    }
    const init = parseInitForLoad(Buffer.concat([answer.data, Buffer.from([0x90, 0x00])]))
    if (init === null) return
    if (load.creditSerial !== null && init.onlineSerial > load.creditSerial)
      return this.end(load, 'loaded', `online serial ${load.creditSerial} used`, init.balanceFen)
    const at = purseTimeOf(nowMs, this.deps.limits.dayOffsetMs)
    const fields = { amountFen: load.amountFen, terminalId: loadHostTerminalId, at }
    const mac2 = keys.hostLoadMac2(load.cardNumber, init, fields)
    if (mac2 === null) {
      this.deps.log.error('card load: the card’s MAC1 does not verify', { payment: load.paymentId })
      if (load.creditSerial === null)
        return this.end(load, 'undeliverable', 'the card’s answer does not verify')
      return
    }
    this.deps.store.update(load.paymentId, {
      creditSerial: init.onlineSerial,
      creditDate: at.date,
      creditTime: at.time,
      balanceBeforeFen: init.balanceFen,
    })
    const updated = this.deps.store.get(load.paymentId)
    if (updated !== null)
      await this.sendScript(updated, nowMs, 'credit', [creditForLoadApdu(at, mac2)])
  }

  private async onCreditAnswer(load: OtaLoad, answer: ScriptAnswer, nowMs: number): Promise<void> {
    const { creditSerial, creditDate, creditTime, balanceBeforeFen } = load
    if (creditSerial === null || creditDate === null || creditTime === null) return
    if (answer.status !== 0x9000 || answer.data.length !== 4 || balanceBeforeFen === null) {
      // The card lost the load it had begun (a MAC error, a card that restarted): ask again.
      return this.sendInit(load, nowMs)
    }
    const balanceFen = balanceBeforeFen + load.amountFen
    const fields = {
      amountFen: load.amountFen,
      terminalId: loadHostTerminalId,
      at: { date: creditDate, time: creditTime },
    }
    if (
      !this.deps.keys.verifyLoadTac(load.cardNumber, balanceFen, creditSerial, fields, answer.data)
    ) {
      this.deps.log.error('card load: the TAC does not verify', { payment: load.paymentId })
      return
    }
    const tac = answer.data.toString('hex').toUpperCase()
    return this.end(load, 'loaded', `TAC ${tac}, online serial ${creditSerial}`, balanceFen)
  }

  private async end(
    load: OtaLoad,
    outcome: 'loaded' | 'undeliverable',
    detail: string,
    cardBalanceFen: number | null = null,
  ): Promise<void> {
    this.deps.store.update(load.paymentId, {
      stage: 'settle',
      outcome,
      detail,
      cardBalanceFen,
    })
    const settled = this.deps.store.get(load.paymentId)
    if (settled !== null) await this.settle(settled)
  }

  /** Posts the outcome; a ledger that cannot take it now is asked at the next sweep. */
  private async settle(load: OtaLoad): Promise<void> {
    if (load.outcome === null) return
    const result = await this.deps.service.execute({
      key: `${load.paymentId}:${load.outcome}`,
      channel: 'ota',
      command: {
        kind: 'card_load_outcome',
        paymentId: load.paymentId,
        outcome: load.outcome,
        detail: load.detail ?? '',
        cardBalanceMinor: load.cardBalanceFen === null ? null : BigInt(load.cardBalanceFen),
      },
    })
    if (!result.ok) {
      // Busy, or refused (an account gone): the outcome is kept and posted again, never dropped.
      const log = result.reason === 'system_busy' ? this.deps.log.warn : this.deps.log.error
      log.call(this.deps.log, 'card load: the ledger did not take its outcome; asked again', {
        payment: load.paymentId,
        outcome: load.outcome,
        reason: result.reason,
      })
      this.deps.store.update(load.paymentId, {
        nextAttemptMs: this.deps.clock.nowMs() + otaLimits.settleRetryMs,
      })
      return
    }
    this.deps.store.update(load.paymentId, { stage: 'done' })
    this.deps.log.info('card load', {
      payment: load.paymentId,
      msisdn: maskMsisdn(load.msisdn),
      outcome: load.outcome,
      detail: load.detail,
    })
  }
}
