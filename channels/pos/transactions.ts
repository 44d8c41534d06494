/**
 * transactions.ts - the financial messages of an online shop terminal, each one core command
 * under the terminal's key (message.ts): purchase (0200, processing code 00), balance inquiry
 * (0200, 31), void of a purchase of the open batch (0200, 20), refund of an earlier purchase
 * (0220, 20) and reversal of a purchase (0400). The result turned into field 39 by the one table
 * (response-codes.ts). Exports PosTransactions, PosTerminal, Decision, posProcessing,
 * posKeySuffix.
 */
import type { FieldValue, Iso8583Message } from '../../src/bearer/iso8583/codec.js'
import type { DialectName } from '../../src/bearer/iso8583/dialects.js'
import type { Command, CommandResult, FundingKind, Payment } from '../../src/core/index.js'
import type { ChannelContext } from '../../src/gateway/context.js'
import { decryptPinBlock, pinOfBlock } from '../../src/gateway/pos/pin-block.js'
import { accountOfDigits, posAccountDigits } from '../../src/gateway/pos/pos-accounts.js'
import { approved, responseCodeOf } from '../../src/gateway/pos/response-codes.js'
import { msisdnOfPan } from '../../src/gateway/pos/virtual-pan.js'
import type { Fields } from './message.js'
import { batchOf, formatError, keyOf, originalKeyOf, reversedKeyOf, text } from './message.js'

/** An online terminal the host serves: its id (field 41), merchant, dialect and keys. */
export interface PosTerminal {
  readonly terminalId: string
  readonly merchantCode: string
  readonly dialect: DialectName
  readonly keys: { readonly pin: Uint8Array; readonly mac: Uint8Array }
}

/** Field 39 and the fields an answer adds to what it echoes. */
export interface Decision {
  readonly code: string
  readonly extra?: Fields
}

/**
 * Field 3's transaction digits (1-2); its "from account" digits (3-4) are pos-accounts.ts's: 00
 * the default of the operating model, 10 the wallet, 20 the bank-linked card, 30 the phone bill.
 */
export const posProcessing = {
  purchase: '00',
  /** A void (0200) or a refund (0220): money back to the card. */
  credit: '20',
  balance: '31',
} as const

/**
 * What follows a transaction's key in the command log for the commands that are not its own
 * first: a settlement tells them apart by it (a purchase's key has none).
 */
export const posKeySuffix = {
  reversal: ':reversal',
  void: ':void',
  refund: ':refund',
  balance: ':balance',
} as const

const invalidTransaction = '12'
const originalNotFound = '25'

export interface PosTransactionsOptions {
  /** Whether a command was logged under a key of this channel (`pos:` and the key). */
  readonly purchaseLogged: (key: string) => Promise<boolean>
  /** The first answer logged under exactly this key of this channel, if any. */
  readonly loggedResult: (key: string) => Promise<CommandResult | null>
  /** A payment as it stands now. */
  readonly payment: (id: string) => Promise<Payment | null>
}

export class PosTransactions {
  constructor(
    private readonly ctx: ChannelContext,
    private readonly options: PosTransactionsOptions,
  ) {}

  /** The decision on a financial message; 12 for one this host does not take. */
  decide(request: Iso8583Message, terminal: PosTerminal): Promise<Decision> {
    const transaction = (text(request.fields.get(3)) ?? '').slice(0, 2)
    if (request.mti === '0200' && transaction === posProcessing.purchase)
      return this.purchase(request, terminal)
    if (request.mti === '0200' && transaction === posProcessing.balance)
      return this.balance(request, terminal)
    if (request.mti === '0200' && transaction === posProcessing.credit)
      return this.void(request, terminal)
    if (request.mti === '0220' && transaction === posProcessing.credit)
      return this.refund(request, terminal)
    // A void is final here: a terminal that lost its answer sends the same void again.
    if (request.mti === '0400' && transaction === posProcessing.purchase)
      return this.reversal(request, terminal)
    return Promise.resolve({ code: invalidTransaction })
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
    const funding = from === '00' ? this.ctx.accounts.defaultFunding : accountOfDigits(from)
    if (funding === null) return { code: invalidTransaction }
    return { msisdn, pan, funding }
  }

  /** Field 4 in fen, when it is there and in CNY (field 49, when sent); a code otherwise. */
  private amountOf(request: Iso8583Message): { amountMinor: bigint } | { code: string } {
    const amount = text(request.fields.get(4))
    if (amount === null) return { code: formatError }
    const currency = text(request.fields.get(49))
    if (currency !== null && currency !== '156') return { code: '13' }
    const amountMinor = BigInt(amount)
    if (amountMinor <= 0n) return { code: '13' }
    return { amountMinor }
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
    const amount = this.amountOf(request)
    if ('code' in amount) return amount
    return {
      pan: payer.pan,
      command: {
        kind: 'pay_merchant',
        msisdn: payer.msisdn,
        merchantCode: terminal.merchantCode,
        amountMinor: amount.amountMinor,
        funding: payer.funding,
        authorize: true,
      },
    }
  }

  private async purchase(request: Iso8583Message, terminal: PosTerminal): Promise<Decision> {
    const asked = this.purchaseOf(request, terminal)
    if ('code' in asked) return asked
    // At a till the PIN is what authorizes, whatever the account: the core lets a phone bill's
    // micro-payment through on the SIM's word, and no SIM speaks here.
    const pin = this.pinOf(request, terminal, asked.pan)
    if (pin === null) return { code: responseCodeOf('pin_required') }
    const result = await this.ctx.commands.execute({
      key: keyOf(terminal.terminalId, request),
      channel: 'pos',
      command: asked.command,
      pin,
    })
    return decisionOf(result)
  }

  /**
   * A balance inquiry: the PIN checked (a wrong one counts as on every channel), then the
   * account's available balance in field 54 as ISO 8583's additional amounts carry it: account
   * type, amount type 02 (available), currency 156, C or D, twelve digits of fen.
   */
  private async balance(request: Iso8583Message, terminal: PosTerminal): Promise<Decision> {
    const payer = this.payerOf(request)
    if ('code' in payer) return payer
    const key = keyOf(terminal.terminalId, request)
    const checked = await this.ctx.commands.execute({
      key,
      channel: 'pos',
      command: { kind: 'verify_pin', msisdn: payer.msisdn },
      pin: this.pinOf(request, terminal, payer.pan),
    })
    if (!checked.ok) return decisionOf(checked)
    const result = await this.ctx.commands.execute({
      key: `${key}${posKeySuffix.balance}`,
      channel: 'pos',
      command: { kind: 'balance', msisdn: payer.msisdn },
    })
    if (!result.ok) return decisionOf(result)
    const line =
      result.data?.kind === 'balances'
        ? result.data.lines.find((entry) => entry.funding === payer.funding)
        : undefined
    if (line === undefined) return { code: invalidTransaction }
    const accountType = posAccountDigits[line.funding]
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
   * A reversal: of the purchase under the same STAN (CUP repeats the purchase's fields), or of
   * the one field 90 names (ISO 8583's original data elements, the reversal under a STAN of its
   * own). A purchase the host answered is asked again under its key (logged: it is not run
   * again, its answer comes back); an approved one is refunded, once, under the key and
   * `:reversal`. A purchase the host never saw is barred: a command that cannot pay (an amount
   * of zero) is logged under its key, so the 0200 that arrives after its reversal is refused as a
   * duplicate (94), never paid. Answered 00 when nothing of the purchase stands; 25 when the
   * reversal names another purchase than the one under that STAN.
   */
  private async reversal(request: Iso8583Message, terminal: PosTerminal): Promise<Decision> {
    const asked = this.purchaseOf(request, terminal)
    if ('code' in asked) return asked
    const key = request.fields.has(90)
      ? reversedKeyOf(terminal.terminalId, request)
      : keyOf(terminal.terminalId, request)
    if (key === null) return { code: formatError }
    if (!(await this.options.purchaseLogged(key))) {
      const barred = await this.ctx.commands.execute({
        key,
        channel: 'pos',
        command: { ...asked.command, amountMinor: 0n },
      })
      // The purchase committed meanwhile (its key holds another command): reverse it.
      if (barred.reason !== 'idempotency_key_reused') return { code: approved }
    }
    const original = await this.ctx.commands.execute({
      key,
      channel: 'pos',
      command: asked.command,
      pin: null,
    })
    if (original.reason === 'idempotency_key_reused') {
      // The key holds a bar of an earlier reversal (an amount of zero, refused): this is that
      // reversal again. Anything else under it is another purchase than this one.
      const logged = await this.options.loggedResult(key)
      return { code: logged?.reason === 'amount_not_positive' ? approved : originalNotFound }
    }
    if (!original.ok || original.payment === null) return { code: approved }
    // A reversal that ran before: its answer again (what was left then is not what is left now).
    const reversalKey = `${key}${posKeySuffix.reversal}`
    const reversed = await this.options.loggedResult(reversalKey)
    if (reversed !== null) return reversed.ok ? { code: approved } : decisionOf(reversed)
    // What is left of it now: a void, a refund or the merchant's API may have given part or all
    // of it back since. Nothing left: nothing of the purchase stands, the reversal is done.
    const current = (await this.options.payment(original.payment.id)) ?? original.payment
    const leftMinor = current.amountMinor - current.refundedMinor
    if (leftMinor <= 0n) return { code: approved }
    const refund = await this.ctx.commands.execute({
      key: reversalKey,
      channel: 'pos',
      command: {
        kind: 'refund',
        merchantCode: terminal.merchantCode,
        paymentId: original.payment.id,
        amountMinor: leftMinor,
      },
    })
    return refund.ok ? { code: approved } : decisionOf(refund)
  }

  /**
   * The approved purchase of this terminal that a void or refund names (field 61),
   * paid by the card in field 2; a code when there is none: 25 (original not found).
   */
  private async originalOf(
    request: Iso8583Message,
    terminal: PosTerminal,
  ): Promise<{ payment: Payment; key: string } | { code: string }> {
    const payer = this.payerOf(request)
    if ('code' in payer) return payer
    const key = originalKeyOf(terminal.terminalId, request)
    if (key === null) return { code: formatError }
    const logged = await this.options.loggedResult(key)
    const payment = logged?.ok === true ? logged.payment : null
    if (payment === null || payment === undefined || payment.kind !== 'merchant')
      return { code: originalNotFound }
    if (payment.payerMsisdn !== payer.msisdn) return { code: originalNotFound }
    return { payment, key }
  }

  /**
   * A void (0200, processing code 20): the whole of a purchase of the batch still open, given
   * back before the batch settles; field 4 is the purchase's amount. The shop's operation: no
   * PIN. A repeated void (same STAN) gets the first answer; a second void of the same purchase
   * is refused (13: nothing left to give back).
   */
  private void(request: Iso8583Message, terminal: PosTerminal): Promise<Decision> {
    return this.giveBack(request, terminal, posKeySuffix.void, (original, amountMinor) => {
      const [, originalBatch] = original.key.split(':')
      if (originalBatch !== batchOf(request)) return invalidTransaction
      return original.payment.amountMinor === amountMinor ? null : '13'
    })
  }

  /**
   * A refund (0220, processing code 20): field 4 of an earlier purchase (any batch still in the
   * idempotency log's retention) given back to the account that paid, up to what is left of it.
   * No PIN, as a void.
   */
  private refund(request: Iso8583Message, terminal: PosTerminal): Promise<Decision> {
    return this.giveBack(request, terminal, posKeySuffix.refund, () => null)
  }

  /**
   * Field 4 of the purchase a void or refund names given back, under the message's key and
   * `suffix`, once `refusal` has found nothing against it (null).
   */
  private async giveBack(
    request: Iso8583Message,
    terminal: PosTerminal,
    suffix: string,
    refusal: (original: { payment: Payment; key: string }, amountMinor: bigint) => string | null,
  ): Promise<Decision> {
    const amount = this.amountOf(request)
    if ('code' in amount) return amount
    const original = await this.originalOf(request, terminal)
    if ('code' in original) return original
    const refused = refusal(original, amount.amountMinor)
    if (refused !== null) return { code: refused }
    const result = await this.ctx.commands.execute({
      key: `${keyOf(terminal.terminalId, request)}${suffix}`,
      channel: 'pos',
      command: {
        kind: 'refund',
        merchantCode: terminal.merchantCode,
        paymentId: original.payment.id,
        amountMinor: amount.amountMinor,
      },
    })
    return decisionOf(result)
  }
}

/** Field 39 of a result; an approval with its retrieval reference (37) and approval code (38). */
function decisionOf(result: CommandResult): Decision {
  if (!result.ok) return { code: responseCodeOf(result.reason) }
  const transfer =
    result.data?.kind === 'refund' ? result.data.reference : result.payment?.transferRef
  const reference = (transfer ?? result.reference ?? result.payment?.id ?? '')
    .replace(/[^A-Za-z0-9]/g, '')
    .toUpperCase()
  const extra = new Map<number, FieldValue>([
    [37, reference.slice(-12).padStart(12, '0')],
    [38, reference.slice(-6).padStart(6, '0')],
  ])
  return { code: approved, extra }
}
