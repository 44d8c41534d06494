/**
 * rfid-sim.ts - the tests' ways to reach a simulated RFID-SIM: one APDU over the simulator's
 * endpoint, value put on the card as a ticket office does, and the record a terminal keeps of a
 * tap. Exports loadCardAsHost, cardApdu, recordOfReceipt.
 */
import type { BatchRecord } from '../../src/gateway/clearing/batch-file.js'
import type { GatewayFixture } from './gateway-fixture.js'

/** One APDU to the subscriber's card; the response's hex (data and status word). */
export async function cardApdu(t: GatewayFixture, msisdn: string, hex: string): Promise<string> {
  const answer = await t.request('POST', `/sim/cards/${msisdn}/apdu`, { body: { apdu: hex } })
  if (answer.status !== 200) throw new Error(`APDU refused: ${answer.status} ${answer.text}`)
  return String(answer.json.response)
}

/**
 * Loads the subscriber's card as a ticket office would (the simulator's load route: the platform
 * runs the online load as load host and credits the float), so that the ledger knows the value.
 */
export async function loadCardAsHost(
  t: GatewayFixture,
  msisdn: string,
  amountFen: number,
): Promise<void> {
  const amount = (amountFen / 100).toFixed(2)
  const answer = await t.request('POST', `/sim/cards/${msisdn}/loads`, { body: { amount } })
  if (answer.status !== 201) throw new Error(`load refused: ${answer.status} ${answer.text}`)
}

/** The record a terminal keeps of a tap, from its receipt (what a batch file carries). */
export function recordOfReceipt(receipt: Record<string, unknown>): BatchRecord {
  return {
    terminalSerial: receipt['terminalSerial'] as number,
    cardNumber: receipt['cardNumber'] as string,
    cardSerial: receipt['cardSerial'] as number,
    type: receipt['kind'] === 'transit' ? 9 : 6,
    amountFen: Math.round(Number(receipt['amount']) * 100),
    balanceAfterFen: Math.round(Number(receipt['balanceAfter']) * 100),
    date: receipt['date'] as string,
    time: receipt['time'] as string,
    tac: receipt['tac'] as string,
    keyVersion: 1,
  }
}
