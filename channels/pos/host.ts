/**
 * host.ts - the acquiring host's answer to one ISO 8583 message from an online shop terminal:
 * the message decoded in the terminal's dialect, its MAC checked, and handed to what it asks:
 * sign-on (0800) here, the financial messages (0200, 0220, 0400: transactions.ts), settlement and
 * batch upload (0500, 0320: settlement.ts). Other messages are answered 12 (invalid transaction)
 * and change nothing. Exports PosHost, PosHostOptions.
 */
import type { FieldValue, Iso8583Message } from '../../src/bearer/iso8583/codec.js'
import { decodeMessage, encodeMessage, Iso8583Error } from '../../src/bearer/iso8583/codec.js'
import { dialects } from '../../src/bearer/iso8583/dialects.js'
import type { Payment } from '../../src/core/index.js'
import type { ChannelContext } from '../../src/gateway/context.js'
import { encodeWithMac, macFieldOf, macMatches } from '../../src/gateway/pos/pos-mac.js'
import { approved, macFailed } from '../../src/gateway/pos/response-codes.js'
import type { Fields } from './message.js'
import { answerOf, formatAnswer, isRequestMti, text } from './message.js'
import type { LoggedResults } from './settlement.js'
import { PosSettlement } from './settlement.js'
import type { Decision, PosTerminal } from './transactions.js'
import { PosTransactions } from './transactions.js'

export interface PosHostOptions {
  readonly terminals: readonly PosTerminal[]
  /** Where the terminals' local dates begin (China: +8 h), for fields 12 and 13. */
  readonly zoneOffsetMs: number
  /** Whether a command was logged under a key of this channel (`pos:` and the key). */
  readonly purchaseLogged: (key: string) => Promise<boolean>
  /** A payment as it stands now (the ledger's). */
  readonly payment: (id: string) => Promise<Payment | null>
  readonly loggedResults: LoggedResults
}

export class PosHost {
  private readonly terminals: ReadonlyMap<string, PosTerminal>
  private readonly transactions: PosTransactions
  private readonly settlement: PosSettlement

  constructor(
    private readonly ctx: ChannelContext,
    private readonly options: PosHostOptions,
  ) {
    this.terminals = new Map(options.terminals.map((terminal) => [terminal.terminalId, terminal]))
    this.transactions = new PosTransactions(ctx, {
      purchaseLogged: options.purchaseLogged,
      loggedResult: async (key) => {
        const logged = await options.loggedResults(key, 8)
        return logged.find((row) => row.key === key)?.result ?? null
      },
      payment: options.payment,
    })
    this.settlement = new PosSettlement(ctx, { loggedResults: options.loggedResults })
  }

  /**
   * The answer to `raw` (a message without its length), or null when it cannot be answered (not
   * a request this host can even read the type of): the connection is then closed.
   */
  async answer(raw: Buffer): Promise<Buffer | null> {
    const dialect = raw[0] === 0x60 ? dialects.cup : dialects.ascii
    let request: Iso8583Message
    try {
      request = decodeMessage(raw, dialect)
    } catch (error) {
      if (!(error instanceof Iso8583Error)) throw error
      this.ctx.log.warn('pos: a message that does not decode', { error: error.message })
      return formatAnswer(raw, dialect)
    }
    // Only a request is answered (0x00, 0x20, ...); an answer or advice code sent to the host is
    // no conversation: the connection is closed.
    if (!isRequestMti(request.mti)) return null
    const terminalId = text(request.fields.get(41))?.trimEnd() ?? ''
    const terminal = this.terminals.get(terminalId)
    if (terminal === undefined || dialects[terminal.dialect] !== dialect) {
      this.ctx.log.warn('pos: a terminal the host does not serve', { terminal: terminalId })
      return encodeMessage(answerOf(request, '03', this.timeFields()), dialect)
    }
    if (request.mti === '0800')
      return this.sealed(answerOf(request, approved, this.timeFields()), terminal)
    if (!this.macChecks(request, raw, terminal))
      return this.sealed(answerOf(request, macFailed, this.timeFields()), terminal)
    const code = await this.decide(request, terminal)
    return this.sealed(answerOf(request, code.code, this.timeFields(), code.extra), terminal)
  }

  private decide(request: Iso8583Message, terminal: PosTerminal): Promise<Decision> {
    return request.mti === '0500' || request.mti === '0320'
      ? this.settlement.decide(request, terminal)
      : this.transactions.decide(request, terminal)
  }

  private macChecks(request: Iso8583Message, raw: Buffer, terminal: PosTerminal): boolean {
    // The MAC is the last field: 128 with a secondary bitmap, and then no field 64 beside it.
    const macField = macFieldOf(request.fields)
    const mac = request.fields.get(macField)
    if (!Buffer.isBuffer(mac) || (macField === 128 && request.fields.has(64))) return false
    return macMatches(terminal.keys.mac, raw, dialects[terminal.dialect], mac)
  }

  /** The answer's bytes in the terminal's dialect, with its MAC but for a sign-on's. */
  private sealed(answer: Iso8583Message, terminal: PosTerminal): Buffer {
    const dialect = dialects[terminal.dialect]
    if (answer.mti === '0810') return encodeMessage(answer, dialect)
    return encodeWithMac(answer, dialect, terminal.keys.mac)
  }

  /** Fields 12 and 13: the host's local time and date of the answer. */
  private timeFields(): Fields {
    const local = new Date(this.ctx.clock.nowMs() + this.options.zoneOffsetMs).toISOString()
    return new Map<number, FieldValue>([
      [12, `${local.slice(11, 13)}${local.slice(14, 16)}${local.slice(17, 19)}`],
      [13, `${local.slice(5, 7)}${local.slice(8, 10)}`],
    ])
  }
}
