/**
 * simulated-bank.ts - an issuing bank for tests and demos, with its own SQLite database (it is a
 * separate party: its books are not the gateway's ledger). It can be told to approve, decline,
 * be slow, time out or be down, to exercise every path of a card payment. It is the GatewayBank
 * (src/bank/gateway-bank.ts) `telepay start` and the tests start the gateway with.
 */

import { mkdirSync } from 'node:fs'
import { dirname } from 'node:path'
import type { Database } from 'better-sqlite3'
import DatabaseConstructor from 'better-sqlite3'
import type { BankBehaviour, CardOpening, GatewayBank } from '../../bank/gateway-bank.js'
import type { AuthorizationAnswer, HoldState } from '../../bank/issuing-bank.js'
import { BankUnavailableError } from '../../bank/issuing-bank.js'

export class SimulatedBank implements GatewayBank {
  private readonly db: Database
  private behaviour: BankBehaviour = { mode: 'approve', slowMs: 2_000 }

  constructor(path: string) {
    if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true })
    this.db = new DatabaseConstructor(path)
    this.db.pragma('journal_mode = WAL')
    this.db.pragma('synchronous = FULL')
    this.db.defaultSafeIntegers(true)
    this.db.exec(`
      CREATE TABLE IF NOT EXISTS cards (token TEXT PRIMARY KEY, bank TEXT NOT NULL,
        last4 TEXT NOT NULL, balance_minor INTEGER NOT NULL,
        held_minor INTEGER NOT NULL DEFAULT 0) WITHOUT ROWID;
      CREATE TABLE IF NOT EXISTS holds (authorization_id TEXT PRIMARY KEY,
        reference TEXT NOT NULL UNIQUE, token TEXT NOT NULL, amount_minor INTEGER NOT NULL,
        state TEXT NOT NULL) WITHOUT ROWID;
      CREATE TABLE IF NOT EXISTS refunds (reference TEXT PRIMARY KEY, token TEXT NOT NULL,
        amount_minor INTEGER NOT NULL) WITHOUT ROWID;
    `)
  }

  get mode(): BankBehaviour {
    return this.behaviour
  }

  setBehaviour(behaviour: Partial<BankBehaviour>): void {
    this.behaviour = { ...this.behaviour, ...behaviour }
  }

  /** Opens a card with a balance, unless the bank already has it. */
  openCard(card: CardOpening): void {
    this.db
      .prepare(
        'INSERT OR IGNORE INTO cards (token, bank, last4, balance_minor) VALUES (?, ?, ?, ?)',
      )
      .run(card.token, card.bank, card.last4, card.balanceMinor)
  }

  /**
   * Opens many cards in one transaction (telepay world generate): one fsync for the lot, where
   * openCard pays one per card. Returns how many were opened.
   */
  openCards(cards: Iterable<CardOpening>): number {
    const insert = this.db.prepare(
      'INSERT OR IGNORE INTO cards (token, bank, last4, balance_minor) VALUES (?, ?, ?, ?)',
    )
    return this.db
      .transaction(() => {
        let opened = 0
        for (const card of cards)
          opened += insert.run(card.token, card.bank, card.last4, card.balanceMinor).changes
        return opened
      })
      .immediate()
  }

  /** Every call passes here first: it is where the bank is slow, silent or down. */
  private async answer<T>(work: () => T): Promise<T> {
    switch (this.behaviour.mode) {
      case 'down':
        throw new BankUnavailableError('issuing bank is down')
      case 'timeout':
        // Never answers: the gateway's own timeout must end the wait.
        return new Promise<T>(() => undefined)
      case 'slow':
        await new Promise((resolve) => setTimeout(resolve, this.behaviour.slowMs))
        return work()
      case 'approve':
      case 'decline':
        return work()
    }
  }

  authorize(request: {
    reference: string
    cardToken: string
    amountMinor: bigint
  }): Promise<AuthorizationAnswer> {
    return this.answer(() => {
      const existing = this.db
        .prepare('SELECT authorization_id FROM holds WHERE reference = ?')
        .get(request.reference) as { authorization_id: string } | undefined
      if (existing !== undefined)
        return { approved: true as const, authorizationId: existing.authorization_id }
      if (this.behaviour.mode === 'decline')
        return { approved: false as const, code: 'declined' as const }
      const card = this.db
        .prepare('SELECT balance_minor, held_minor FROM cards WHERE token = ?')
        .get(request.cardToken) as { balance_minor: bigint; held_minor: bigint } | undefined
      if (card === undefined) return { approved: false as const, code: 'card_unknown' as const }
      if (card.balance_minor - card.held_minor < request.amountMinor)
        return { approved: false as const, code: 'insufficient_funds' as const }
      const authorizationId = `A-${request.reference}`
      this.db
        .prepare(
          'INSERT INTO holds (authorization_id, reference, token, amount_minor, state) ' +
            "VALUES (?, ?, ?, ?, 'authorized')",
        )
        .run(authorizationId, request.reference, request.cardToken, request.amountMinor)
      return { approved: true as const, authorizationId }
    })
  }

  reserve(authorizationId: string): Promise<void> {
    return this.answer(() => {
      this.db
        .transaction(() => {
          const hold = this.hold(authorizationId)
          if (hold.state !== 'authorized') return
          this.db
            .prepare('UPDATE cards SET held_minor = held_minor + ? WHERE token = ?')
            .run(hold.amount_minor, hold.token)
          this.db
            .prepare("UPDATE holds SET state = 'reserved' WHERE authorization_id = ?")
            .run(authorizationId)
        })
        .immediate()
    })
  }

  capture(authorizationId: string): Promise<void> {
    return this.answer(() => {
      this.db
        .transaction(() => {
          const hold = this.hold(authorizationId)
          if (hold.state === 'captured') return
          if (hold.state !== 'reserved')
            throw new Error(`authorization ${authorizationId} is ${hold.state}, not reserved`)
          this.db
            .prepare(
              'UPDATE cards SET held_minor = held_minor - ?, ' +
                'balance_minor = balance_minor - ? WHERE token = ?',
            )
            .run(hold.amount_minor, hold.amount_minor, hold.token)
          this.db
            .prepare("UPDATE holds SET state = 'captured' WHERE authorization_id = ?")
            .run(authorizationId)
        })
        .immediate()
    })
  }

  release(authorizationId: string): Promise<void> {
    return this.answer(() => {
      this.db
        .transaction(() => {
          const hold = this.hold(authorizationId)
          if (hold.state === 'released' || hold.state === 'captured') return
          if (hold.state === 'reserved')
            this.db
              .prepare('UPDATE cards SET held_minor = held_minor - ? WHERE token = ?')
              .run(hold.amount_minor, hold.token)
          this.db
            .prepare("UPDATE holds SET state = 'released' WHERE authorization_id = ?")
            .run(authorizationId)
        })
        .immediate()
    })
  }

  refund(request: { reference: string; cardToken: string; amountMinor: bigint }): Promise<void> {
    return this.answer(() => {
      this.db
        .transaction(() => {
          const done = this.db
            .prepare(
              'INSERT OR IGNORE INTO refunds (reference, token, amount_minor) VALUES (?, ?, ?)',
            )
            .run(request.reference, request.cardToken, request.amountMinor)
          if (done.changes === 1)
            this.db
              .prepare('UPDATE cards SET balance_minor = balance_minor + ? WHERE token = ?')
              .run(request.amountMinor, request.cardToken)
        })
        .immediate()
    })
  }

  /** Balances are read even when the bank is told to misbehave: tests need to see them. */
  balance(cardToken: string): Promise<bigint | null> {
    const card = this.db
      .prepare('SELECT balance_minor, held_minor FROM cards WHERE token = ?')
      .get(cardToken) as { balance_minor: bigint; held_minor: bigint } | undefined
    return Promise.resolve(card === undefined ? null : card.balance_minor - card.held_minor)
  }

  status(reference: string): Promise<{ state: HoldState; authorizationId: string | null }> {
    return this.answer(() => {
      const hold = this.db
        .prepare('SELECT authorization_id, state FROM holds WHERE reference = ?')
        .get(reference) as { authorization_id: string; state: HoldState } | undefined
      return hold === undefined
        ? { state: 'none' as const, authorizationId: null }
        : { state: hold.state, authorizationId: hold.authorization_id }
    })
  }

  private hold(authorizationId: string): { token: string; amount_minor: bigint; state: HoldState } {
    const hold = this.db
      .prepare('SELECT token, amount_minor, state FROM holds WHERE authorization_id = ?')
      .get(authorizationId) as { token: string; amount_minor: bigint; state: HoldState } | undefined
    if (hold === undefined) throw new Error(`unknown authorization ${authorizationId}`)
    return hold
  }

  close(): void {
    if (this.db.open) this.db.close()
  }
}
