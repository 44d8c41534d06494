/**
 * shop-counter.ts - the simulator's shop counter where a phone is presented to pay online: an
 * online terminal (POS10012 of the default world, China UnionPay's dialect) that the web handset
 * drives. The shop types the amount, the customer picks the account and types the PIN on the PIN
 * pad; the counter connects to the ISO 8583 host as a dial-up terminal does, first reverses a
 * purchase of its own left unanswered, sends the 0200 and keeps its batch journal in the data
 * directory (the same file `telepay pos --terminal POS10012` uses). One purchase at a time: a
 * terminal has one PIN pad. Exports ShopCounter, CounterPurchase, CounterAnswer.
 */
import type { DialectName } from '../iso8583/dialects.js'
import { readJournal, writeJournal } from './journal-file.js'
import { connectPos } from './pos-client.js'
import { PosTerminalSession } from './pos-terminal.js'

export interface CounterPurchase {
  /** The phone's virtual card number (field 2). */
  readonly pan: string
  readonly amountMinor: bigint
  /** Field 3 as the counter sends it (the account in its digits 3-4). */
  readonly processing: string
  readonly pin: string
}

export interface CounterAnswer {
  readonly terminalId: string
  readonly stan: string
  /** Field 39. */
  readonly code: string
  readonly reference: string | null
  readonly approvalCode: string | null
  /** Whether the answer's MAC was the host's. */
  readonly macValid: boolean
  /**
   * The purchase's fields as sent that name it (3, 4, 11, 13, 60; not the PIN block): what a
   * conformance step sends to do it again.
   */
  readonly sent: Readonly<Record<string, string>>
}

export interface ShopCounterOptions {
  readonly host: string
  readonly port: number
  readonly terminalId: string
  readonly dialect: DialectName
  readonly keys: { readonly pin: Uint8Array; readonly mac: Uint8Array }
  readonly journalFile: string
  /** The terminal's local time now (fields 12 and 13). */
  readonly localNow: () => Date
}

export class ShopCounter {
  private turn: Promise<unknown> = Promise.resolve()

  constructor(private readonly options: ShopCounterOptions) {}

  get terminalId(): string {
    return this.options.terminalId
  }

  purchase(purchase: CounterPurchase): Promise<CounterAnswer> {
    const next = this.turn.then(() => this.run(purchase))
    this.turn = next.catch(() => undefined)
    return next
  }

  private async run(purchase: CounterPurchase): Promise<CounterAnswer> {
    const { options } = this
    const journal = readJournal(options.journalFile, options.terminalId)
    const client = await connectPos({
      host: options.host,
      port: options.port,
      terminalId: options.terminalId,
      keys: options.keys,
      dialect: options.dialect,
    })
    try {
      const session = new PosTerminalSession(client, journal, options.localNow)
      await session.reversePending()
      const answer = await session.purchase(
        purchase.pan,
        purchase.amountMinor,
        purchase.pin,
        purchase.processing,
      )
      const field = (number: number) => {
        const value = answer.fields.get(number)
        return typeof value === 'string' ? value : null
      }
      return {
        terminalId: options.terminalId,
        stan: field(11) ?? '',
        code: answer.code,
        reference: field(37),
        approvalCode: field(38),
        macValid: answer.macValid,
        sent: Object.fromEntries(
          [3, 4, 11, 13, 60].map((number) => [
            String(number),
            String(session.lastSent?.get(number) ?? ''),
          ]),
        ),
      }
    } finally {
      client.close()
      writeJournal(options.journalFile, journal)
    }
  }
}
