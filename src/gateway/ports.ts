/**
 * ports.ts - the narrow views of the payment service and the ledger a channel is given, so that
 * a channel names what it uses (submit a command, read a payment) and imports no service or
 * ledger module: the gateway passes the real ones, a test may pass a fake of one method.
 */
import type { LedgerStore } from '../ledger/store.js'
import type { PaymentService } from '../service/payment-service.js'

/** Submit a payment command and get its answer (idempotent on the request's key). */
export type CommandPort = Pick<PaymentService, 'execute'>

/** The ledger reads a channel names, as LedgerReads<'payment' | 'settlement'>; no writes. */
export type LedgerReads<K extends keyof LedgerStore> = Pick<LedgerStore, K>
