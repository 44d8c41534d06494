/**
 * commands.ts - the one command vocabulary every channel and the merchant API speak, and the
 * envelope that carries a command into the core with its idempotency key, clock reading and
 * PIN check. Amounts arrive already parsed into fen; MSISDNs already normalized.
 */
import type { FundingKind, Language, MerchantCategory } from './entities.js'

/** Commands a subscriber sends from a phone. */
export type SubscriberCommand =
  | { readonly kind: 'balance'; readonly msisdn: string }
  | { readonly kind: 'statement'; readonly msisdn: string }
  /** The RFID-SIM purse as the platform knows it, and its last cleared purchases (SMS CARD). */
  | { readonly kind: 'card_balance'; readonly msisdn: string }
  | PaymentCommand
  /**
   * YES / NO. A page or screen that showed one payment names it (`paymentId`), so that it cannot
   * answer a newer payment that replaced it meanwhile (an SMS, a merchant's request); a bare SMS
   * YES answers whatever waits, as the SMS grammar says.
   */
  | { readonly kind: 'confirm'; readonly msisdn: string; readonly paymentId?: string }
  | { readonly kind: 'cancel'; readonly msisdn: string; readonly paymentId?: string }
  | { readonly kind: 'change_pin'; readonly msisdn: string }
  /**
   * Checks the PIN that comes with it (a WAP login): a wrong one counts toward the lock like any
   * other.
   */
  | { readonly kind: 'verify_pin'; readonly msisdn: string }
  /** The language of every later answer, on every channel (a USSD or WAP settings page). */
  | { readonly kind: 'set_language'; readonly msisdn: string; readonly language: Language }
  | {
      readonly kind: 'register'
      readonly msisdn: string
      readonly name: string
      readonly language: Language
      /**
       * Who registers it: the number itself (SMS REG; only where the operating model lets
       * numbers register themselves) or the operator's admin API (under every model). Absent:
       * the number itself.
       */
      readonly by?: 'self' | 'operator'
    }

/**
 * Commands that move a subscriber's money. `authorize` says the user gave consent in this very
 * command (a USSD or WAP confirm page with the PIN); without it the payment waits for YES/PIN.
 */
export type PaymentCommand =
  | {
      readonly kind: 'pay_merchant'
      readonly msisdn: string
      readonly merchantCode: string
      readonly amountMinor: bigint
      readonly funding: FundingKind
      readonly authorize: boolean
    }
  | {
      readonly kind: 'pay_order'
      readonly msisdn: string
      readonly orderNo: string
      readonly funding: FundingKind
      readonly authorize: boolean
    }
  | {
      readonly kind: 'pay_bill'
      readonly msisdn: string
      readonly billerCode: string
      readonly customerRef: string
      readonly amountMinor: bigint
      readonly funding: FundingKind
      readonly authorize: boolean
    }
  | {
      readonly kind: 'top_up_airtime'
      readonly msisdn: string
      /** Whose phone bill is credited: the payer's own or another subscriber's. */
      readonly beneficiaryMsisdn: string
      readonly amountMinor: bigint
      readonly funding: FundingKind
      readonly authorize: boolean
    }
  | {
      readonly kind: 'load_wallet'
      readonly msisdn: string
      readonly amountMinor: bigint
      readonly authorize: boolean
    }
  /**
   * Tops up the payer's RFID-SIM e-purse from one of their accounts (SMS LOAD CARD): the money
   * moves into the float, then over the air to the card.
   */
  | {
      readonly kind: 'load_card'
      readonly msisdn: string
      readonly amountMinor: bigint
      readonly funding: FundingKind
      readonly authorize: boolean
    }
  | {
      readonly kind: 'send_money'
      readonly msisdn: string
      readonly payeeMsisdn: string
      readonly amountMinor: bigint
      readonly authorize: boolean
    }

/** Commands a merchant sends by the web API, already authenticated as `merchantCode`. */
export type MerchantCommand =
  | {
      readonly kind: 'request_payment'
      readonly merchantCode: string
      readonly msisdn: string
      readonly amountMinor: bigint
      readonly reference: string
      readonly description: string
      readonly funding: FundingKind
      readonly callbackUrl: string | null
    }
  | {
      readonly kind: 'create_order'
      readonly merchantCode: string
      readonly amountMinor: bigint
      readonly reference: string
      readonly description: string
      /** The number the operator gives it (a world file's order); absent: the next free one. */
      readonly orderNo?: string
    }
  | {
      readonly kind: 'refund'
      readonly merchantCode: string
      readonly paymentId: string
      readonly amountMinor: bigint
    }
  /** Step 9 of the flow: the merchant says the goods went to the consumer. */
  | {
      readonly kind: 'report_delivery'
      readonly merchantCode: string
      readonly paymentId: string
      /** The merchant's own words (a tracking number, "ticket issued"); may be empty. */
      readonly note: string
    }

/**
 * Commands of the operator's admin API: what a provider's back office does to its world. None
 * needs a subscriber's PIN (the operator authenticated with its token); each is logged for
 * idempotent replay like a payment.
 */
export type OperatorCommand =
  /**
   * Credits a subscriber's wallet or phone bill with money received outside telepay (cash at an
   * agent, a bank deposit): a transfer from the platform's funding account, never a balance set.
   */
  | {
      readonly kind: 'fund_account'
      readonly msisdn: string
      readonly funding: Exclude<FundingKind, 'bank'>
      readonly amountMinor: bigint
      /**
       * No SMS to the subscriber: a balance carried over by a world load is not news to them, and
       * a load of a million subscribers must not text them all.
       */
      readonly silent?: boolean
    }
  /**
   * Changes what is given; a PIN reset comes as the envelope's newPinHash and also clears the
   * wrong-PIN count and any lock. `card` links a bank card (the bank has opened it).
   */
  | {
      readonly kind: 'change_subscriber'
      readonly msisdn: string
      readonly name?: string
      readonly language?: Language
      /** The phone bill's credit: how far below zero it may go. */
      readonly creditLimitMinor?: bigint
      readonly card?: { readonly bank: string; readonly last4: string; readonly token: string }
    }
  /**
   * Lifts a PIN lock and clears the wrong-PIN count, keeping the PIN: the operator has checked who
   * is asking and the subscriber remembers their PIN (a forgotten one is a change_subscriber with
   * a new PIN, which unlocks too). Unlocking a subscriber who is not locked changes nothing.
   */
  | { readonly kind: 'unlock_subscriber'; readonly msisdn: string }
  | {
      readonly kind: 'open_merchant'
      readonly code: string
      readonly name: string
      readonly category: MerchantCategory
      readonly settlementBank: string | null
      readonly feeBasisPoints: bigint | null
      /** The rest of its fee rule: absent, no fixed part, no floor, no cap. */
      readonly feeFixedMinor?: bigint
      readonly feeMinMinor?: bigint
      readonly feeMaxMinor?: bigint | null
      /** The API key's SHA-256: the key itself is shown once, to whoever opened the merchant. */
      readonly apiKeySha256: string
      readonly webhookSecret: string
    }
  | {
      readonly kind: 'change_merchant'
      readonly code: string
      readonly name?: string
      readonly settlementBank?: string | null
      readonly feeBasisPoints?: bigint | null
      readonly feeFixedMinor?: bigint
      readonly feeMinMinor?: bigint
      /** null removes the cap. */
      readonly feeMaxMinor?: bigint | null
      readonly apiKeySha256?: string
      readonly webhookSecret?: string
    }

  /**
   * Loads a subscriber's RFID-SIM purse with money received outside telepay (cash at a metro
   * ticket office, the simulator's load as a host): from the funding account into the float, the
   * card already holding the value (its TAC is `detail`).
   */
  | {
      readonly kind: 'fund_card'
      readonly msisdn: string
      readonly amountMinor: bigint
      readonly detail: string
    }
  /** Puts a card on the blacklist terminals enforce, or takes it off. */
  | { readonly kind: 'blacklist_card'; readonly cardNumber: string; readonly listed: boolean }
  /**
   * Clears one upload of a terminal's offline purchases (src/core/decide-purse.ts): records whose
   * TAC the gateway verified, each posted at most once from the float to the terminal's merchant.
   */
  | {
      readonly kind: 'clear_purchases'
      readonly terminalId: string
      readonly merchantCode: string
      readonly records: readonly ClearingRecord[]
    }

/** An offline purchase as a terminal keeps it, its TAC already verified by the gateway. */
export interface ClearingRecord {
  readonly cardNumber: string
  /** The card's offline serial the purchase used. */
  readonly cardSerial: number
  /** The terminal's own serial (its PSAM's transaction counter). */
  readonly terminalSerial: number
  /** 06 a purchase, 09 a composite one (a subway gate). */
  readonly type: number
  /** 0 at a subway entry gate, which only writes where the ride began. */
  readonly amountMinor: bigint
  readonly balanceAfterMinor: bigint
  /** When the terminal says the purchase was, from its own clock. */
  readonly atMs: number
  readonly tac: string
}

/** Commands the gateway sends itself: the bank's answer, and the expiry sweep. */
export type SystemCommand =
  | { readonly kind: 'bank_outcome'; readonly paymentId: string; readonly outcome: BankOutcome }
  | { readonly kind: 'expire_due' }
  /**
   * What became of a card top-up sent over the air: the card's proof of receipt said it was
   * loaded (`detail`: its TAC and new balance), or every attempt failed and the money goes back.
   */
  | {
      readonly kind: 'card_load_outcome'
      readonly paymentId: string
      readonly outcome: 'loaded' | 'undeliverable'
      readonly detail: string
      /** The card's balance after the load, as its answer says; null when it never answered. */
      readonly cardBalanceMinor: bigint | null
    }

/** What the issuing bank finally said about a reserved card payment. */
export type BankOutcome = 'captured' | 'declined' | 'unavailable'

export type Command = SubscriberCommand | MerchantCommand | OperatorCommand | SystemCommand
export type CommandKind = Command['kind']

/**
 * The result of checking a PIN against the subscriber's scrypt hash, done before the core runs
 * (hashing is slow and asynchronous; the core only counts the outcome).
 */
export type PinCheck = 'absent' | 'match' | 'mismatch'

export interface Envelope {
  /** Idempotency key from the transport, already scoped by channel (`sms:<message id>`). */
  readonly key: string
  /** Hash of the command without any secret: the same key with another hash is refused. */
  readonly commandHash: string
  readonly channel: string
  readonly nowMs: number
  readonly pin: PinCheck
  /** A new PIN's scrypt hash for register and change_pin; kept out of the command hash. */
  readonly newPinHash: string | null
  readonly command: Command
}

/**
 * Commands whose answers are not kept for idempotent replay: reads, and the expiry sweep, which
 * is naturally idempotent and would otherwise log a row every second.
 */
export function isUnlogged(command: Command): boolean {
  return (
    command.kind === 'balance' ||
    command.kind === 'statement' ||
    command.kind === 'card_balance' ||
    command.kind === 'expire_due'
  )
}
