/**
 * host.ts - the acquiring host's answer to one ISO 8583 message from an online shop terminal:
 * the message decoded in the terminal's dialect, its MAC checked, and what it asks turned into a
 * core command under the terminal's id and STAN (so a repeated 0200 gets the first answer), the
 * command's result turned into field 39 by the one table (response-codes.ts). What it serves:
 * sign-on (0800), purchase (0200, processing code 00), balance inquiry (0200, 31), reversal
 * (0400). Other messages are
 * answered 12 (invalid transaction) and change nothing. Exports PosHost, PosTerminal,
 * PosHostOptions, posProcessing.
 */
import type { FieldValue, Iso8583Message } from '../../src/bearer/iso8583/codec.js'
import { decodeMessage, encodeMessage, Iso8583Error } from '../../src/bearer/iso8583/codec.js'
import type { DialectName } from '../../src/bearer/iso8583/dialects.js'
import { dialects } from '../../src/bearer/iso8583/dialects.js'
import type { Dialect } from '../../src/bearer/iso8583/field-spec.js'
import type { Command, CommandResult, FundingKind } from '../../src/core/index.js'
import type { ChannelContext } from '../../src/gateway/context.js'
import { decryptPinBlock, pinOfBlock } from '../../src/gateway/pos/pin-block.js'
import { encodeWithMac, macMatches } from '../../src/gateway/pos/pos-mac.js'
import { approved, macFailed, responseCodeOf } from '../../src/gateway/pos/response-codes.js'
import { msisdnOfPan } from '../../src/gateway/pos/virtual-pan.js'

/** An online terminal the host serves: its id (field 41), merchant, dialect and keys. */
export interface PosTerminal {
  readonly terminalId: string
  readonly merchantCode: string
  readonly dialect: DialectName
  readonly keys: { readonly pin: Uint8Array; readonly mac: Uint8Array }
}

export interface PosHostOptions {
  readonly terminals: readonly PosTerminal[]
  /** Where the terminals' local dates begin (China: +8 h), for fields 12 and 13. */
  readonly zoneOffsetMs: number
  /** Whether a command was logged under a key of this channel (`pos:` and the key). */
  readonly purchaseLogged: (key: string) => Promise<boolean>
}

/**
 * The account a purchase pays from, by field 3's "from account" digits (3-4): 00 the default of
 * the operating model, 10 the wallet (the intermediate account), 20 the bank-linked card, 30
 * the phone bill (the operator's credit).
 */
export const posProcessing = {
  purchase: '00',
  void: '20',
  balance: '31',
  fromAccount: { '10': 'wallet', '20': 'bank', '30': 'phone_bill' },
} as const

type Fields = Map<number, FieldValue>

/** The requests a host answers: MTI version 0, a class 1-8, function 0 (request) or 2 (advice). */
const requestMti = /^0[1-8][02]0$/

/** Format error: the message decoded but does not ask what it should. */
const formatError = '30'
const invalidTransaction = '12'

export class PosHost {
  private readonly terminals: ReadonlyMap<string, PosTerminal>

  constructor(
    private readonly ctx: ChannelContext,
    private readonly options: PosHostOptions,
  ) {
    this.terminals = new Map(options.terminals.map((terminal) => [terminal.terminalId, terminal]))
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
    if (!requestMti.test(request.mti)) return null
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

  private async decide(
    request: Iso8583Message,
    terminal: PosTerminal,
  ): Promise<{ code: string; extra?: Fields }> {
    const processing = text(request.fields.get(3)) ?? ''
    if (request.mti === '0200' && processing.startsWith(posProcessing.purchase))
      return this.purchase(request, terminal)
    if (request.mti === '0200' && processing.startsWith(posProcessing.balance))
      return this.balance(request, terminal)
    if (request.mti === '0400' && processing.startsWith(posProcessing.purchase))
      return this.reversal(request, terminal)
    return { code: invalidTransaction }
  }

  /** The phone and the account a message names (fields 2, 3 and 11); a code when it does not. */
  private payerOf(
    request: Iso8583Message,
  ): { msisdn: string; pan: string; funding: FundingKind } | { code: string } {
    const pan = text(request.fields.get(2))
    if (pan === null || text(request.fields.get(11)) === null) return { code: formatError }
    const msisdn = msisdnOfPan(pan)
    if (msisdn === null) return { code: '14' }
    const from = (text(request.fields.get(3)) ?? '').slice(2, 4)
    const funding: FundingKind | undefined =
      from === '00'
        ? this.ctx.accounts.defaultFunding
        : posProcessing.fromAccount[from as keyof typeof posProcessing.fromAccount]
    if (funding === undefined) return { code: invalidTransaction }
    return { msisdn, pan, funding }
  }

  /** The PIN typed on the terminal's PIN pad (field 52); null when there is none to read. */
  private pinOf(request: Iso8583Message, terminal: PosTerminal, pan: string): string | null {
    const block = request.fields.get(52)
    // A PIN block that does not open to a format 0 block is no PIN: the core asks for one (55).
    return Buffer.isBuffer(block)
      ? pinOfBlock(decryptPinBlock(terminal.keys.pin, block), pan)
      : null
  }

  /** The purchase a 0200 (or the 0400 that reverses it) asks for; a code when it asks none. */
  private purchaseOf(
    request: Iso8583Message,
    terminal: PosTerminal,
  ): { command: Extract<Command, { kind: 'pay_merchant' }>; pan: string } | { code: string } {
    const payer = this.payerOf(request)
    if ('code' in payer) return payer
    const { msisdn, pan, funding } = payer
    const amount = text(request.fields.get(4))
    if (amount === null) return { code: formatError }
    const currency = text(request.fields.get(49))
    if (currency !== null && currency !== '156') return { code: '13' }
    const amountMinor = BigInt(amount)
    if (amountMinor <= 0n) return { code: '13' }
    return {
      pan,
      command: {
        kind: 'pay_merchant',
        msisdn,
        merchantCode: terminal.merchantCode,
        amountMinor,
        funding,
        authorize: true,
      },
    }
  }

  private async purchase(
    request: Iso8583Message,
    terminal: PosTerminal,
  ): Promise<{ code: string; extra?: Fields }> {
    const asked = this.purchaseOf(request, terminal)
    if ('code' in asked) return asked
    // At a till the PIN is what authorizes, whatever the account: the core lets a phone bill's
    // micro-payment through on the SIM's word, and no SIM speaks here.
    const pin = this.pinOf(request, terminal, asked.pan)
    if (pin === null) return { code: responseCodeOf('pin_required') }
    const result = await this.ctx.commands.execute({
      key: keyOf(terminal, request),
      channel: 'pos',
      command: asked.command,
      pin,
    })
    return codeOf(result)
  }

  /**
   * A balance inquiry: the PIN checked (a wrong one counts as on every channel), then the
   * account's available balance in field 54 as ISO 8583's additional amounts carry it: account
   * type, amount type 02 (available), currency 156, C or D, twelve digits of fen.
   */
  private async balance(
    request: Iso8583Message,
    terminal: PosTerminal,
  ): Promise<{ code: string; extra?: Fields }> {
    const payer = this.payerOf(request)
    if ('code' in payer) return payer
    const key = keyOf(terminal, request)
    const checked = await this.ctx.commands.execute({
      key,
      channel: 'pos',
      command: { kind: 'verify_pin', msisdn: payer.msisdn },
      pin: this.pinOf(request, terminal, payer.pan),
    })
    if (!checked.ok) return codeOf(checked)
    const result = await this.ctx.commands.execute({
      key: `${key}:balance`,
      channel: 'pos',
      command: { kind: 'balance', msisdn: payer.msisdn },
    })
    if (!result.ok) return codeOf(result)
    const line =
      result.data?.kind === 'balances'
        ? result.data.lines.find((entry) => entry.funding === payer.funding)
        : undefined
    if (line === undefined) return { code: invalidTransaction }
    const accountType =
      Object.entries(posProcessing.fromAccount).find(([, kind]) => kind === line.funding)?.[0] ??
      '00'
    const sign = line.balanceMinor < 0n ? 'D' : 'C'
    const digits = (line.balanceMinor < 0n ? -line.balanceMinor : line.balanceMinor).toString()
    return {
      code: approved,
      extra: new Map<number, FieldValue>([
        [54, `${accountType}02156${sign}${digits.padStart(12, '0')}`],
      ]),
    }
  }

  /**
   * A reversal. A purchase the host answered under that terminal, date and STAN is asked again
   * under its key (logged: it is not run again, its answer comes back); an approved one is
   * refunded, once, under the reversal's key. A purchase the host never saw is barred: a command
   * that cannot pay (an amount of zero) is logged under its key, so the 0200 that arrives after
   * its reversal is refused as a duplicate (94), never paid. Answered 00 when nothing of the
   * purchase stands; 25 when the reversal names another purchase than the one under that STAN.
   */
  private async reversal(
    request: Iso8583Message,
    terminal: PosTerminal,
  ): Promise<{ code: string; extra?: Fields }> {
    const asked = this.purchaseOf(request, terminal)
    if ('code' in asked) return asked
    const key = keyOf(terminal, request)
    if (!(await this.options.purchaseLogged(key))) {
      await this.ctx.commands.execute({
        key,
        channel: 'pos',
        command: { ...asked.command, amountMinor: 0n },
      })
      return { code: approved }
    }
    const original = await this.ctx.commands.execute({
      key,
      channel: 'pos',
      command: asked.command,
      pin: null,
    })
    if (original.reason === 'idempotency_key_reused') return { code: '25' }
    if (!original.ok || original.payment === null) return { code: approved }
    const refund = await this.ctx.commands.execute({
      key: `${keyOf(terminal, request)}:reversal`,
      channel: 'pos',
      command: {
        kind: 'refund',
        merchantCode: terminal.merchantCode,
        paymentId: original.payment.id,
        // What is left of it: the merchant may have refunded a part through its API.
        amountMinor: original.payment.amountMinor - original.payment.refundedMinor,
      },
    })
    return refund.ok ? { code: approved } : codeOf(refund)
  }

  private macChecks(request: Iso8583Message, raw: Buffer, terminal: PosTerminal): boolean {
    const mac = request.fields.get(64)
    if (!Buffer.isBuffer(mac) || [...request.fields.keys()].some((field) => field > 64))
      return false
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

function text(value: FieldValue | undefined): string | null {
  return typeof value === 'string' ? value : null
}

/**
 * The idempotency key of a terminal's transaction: its id, its local date (field 13, when it
 * sends one) and its STAN. The date, because a STAN wraps at 999999 and a terminal resets it
 * (a restart, a new batch), and a key is kept for a week.
 */
function keyOf(terminal: PosTerminal, request: Iso8583Message): string {
  const date = text(request.fields.get(13)) ?? ''
  return `${terminal.terminalId}:${date}:${text(request.fields.get(11)) ?? ''}`
}

function codeOf(result: CommandResult): { code: string; extra?: Fields } {
  if (!result.ok) return { code: responseCodeOf(result.reason) }
  const reference = (result.payment?.transferRef ?? result.reference ?? result.payment?.id ?? '')
    .replace(/[^A-Za-z0-9]/g, '')
    .toUpperCase()
  const extra = new Map<number, FieldValue>([
    [37, reference.slice(-12).padStart(12, '0')],
    [38, reference.slice(-6).padStart(6, '0')],
  ])
  return { code: approved, extra }
}

/** The fields an answer echoes from its request. */
const echoed = [2, 3, 4, 11, 25, 41, 42, 49] as const

function answerOf(
  request: Iso8583Message,
  code: string,
  time: Fields,
  extra: Fields = new Map(),
): Iso8583Message {
  const fields = new Map<number, FieldValue>(time)
  for (const field of echoed) {
    const value = request.fields.get(field)
    if (value !== undefined) fields.set(field, value)
  }
  for (const [field, value] of extra) fields.set(field, value)
  fields.set(39, code)
  return {
    mti: answerMti(request.mti),
    fields,
    tpdu: swapped(request.tpdu),
    header: request.header,
  }
}

/** 0200 → 0210, 0400 → 0410, 0800 → 0810. */
function answerMti(mti: string): string {
  return `${mti.slice(0, 2)}${String(Number(mti[2] ?? '0') + 1)}${mti.slice(3)}`
}

/** CUP's TPDU answered with its destination and source swapped. */
function swapped(tpdu: Buffer): Buffer {
  if (tpdu.length !== 5) return tpdu
  return Buffer.concat([tpdu.subarray(0, 1), tpdu.subarray(3, 5), tpdu.subarray(1, 3)])
}

/**
 * A format error answered to a request whose type can be read (its first four characters in the
 * ASCII dialect, or its BCD MTI after CUP's TPDU and header); null for anything else.
 */
function formatAnswer(raw: Buffer, dialect: Dialect): Buffer | null {
  const start = dialect.tpduBytes + dialect.headerBytes
  const mti =
    dialect.mti === 'ascii'
      ? raw.subarray(0, 4).toString('latin1')
      : raw.subarray(start, start + 2).toString('hex')
  if (!/^0[1-8][02]0$/.test(mti)) return null
  const answer: Iso8583Message = {
    mti: answerMti(mti),
    fields: new Map([[39, formatError]]),
    tpdu: swapped(raw.subarray(0, dialect.tpduBytes)),
    header: raw.subarray(dialect.tpduBytes, start),
  }
  return encodeMessage(answer, dialect)
}
