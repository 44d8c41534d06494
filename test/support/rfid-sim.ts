/**
 * rfid-sim.ts - the tests' way to put value on a simulated RFID-SIM before the platform's own
 * top-up exists: the test acts as the load host over the simulator's APDU endpoint, with the
 * default world's test keys (INITIALIZE FOR LOAD, MAC1 read, MAC2 computed, CREDIT FOR LOAD).
 * Exports loadCardAsHost, cardApdu.
 */
import { purseAid } from '../../src/bearer/rfid-sim/card-files.js'
import { cardNumberOf } from '../../src/bearer/rfid-sim/sim-cards.js'
import { KeyStore, testMasterKeys } from '../../src/gateway/pboc/key-store.js'
import { loadSessionKey } from '../../src/gateway/pboc/keys.js'
import { loadMac2 } from '../../src/gateway/pboc/purse-macs.js'
import type { GatewayFixture } from './gateway-fixture.js'

/** One APDU to the subscriber's card; the response's hex (data and status word). */
export async function cardApdu(t: GatewayFixture, msisdn: string, hex: string): Promise<string> {
  const answer = await t.request('POST', `/sim/cards/${msisdn}/apdu`, { body: { apdu: hex } })
  if (answer.status !== 200) throw new Error(`APDU refused: ${answer.status} ${answer.text}`)
  return String(answer.json.response)
}

function expectOk(hex: string, what: string): void {
  if (!hex.endsWith('9000')) throw new Error(`${what} answered ${hex}`)
}

export async function loadCardAsHost(
  t: GatewayFixture,
  msisdn: string,
  amountFen: number,
): Promise<void> {
  const terminalId = '000000000099'
  const amount = amountFen.toString(16).padStart(8, '0')
  expectOk(await cardApdu(t, msisdn, `00A4040009${purseAid.toString('hex')}`), 'SELECT')
  const init = Buffer.from(await cardApdu(t, msisdn, `805000020B01${amount}${terminalId}10`), 'hex')
  expectOk(init.toString('hex'), 'INITIALIZE FOR LOAD')
  const keys = new KeyStore(testMasterKeys).cardKeys(cardNumberOf(msisdn))
  const session = loadSessionKey(keys.load, init.subarray(8, 12), init.readUInt16BE(4))
  const at = { date: '20261207', time: '080000' }
  const mac2 = loadMac2(session, { amountFen, terminalId, at }).toString('hex')
  expectOk(await cardApdu(t, msisdn, `805200000B${at.date}${at.time}${mac2}04`), 'CREDIT FOR LOAD')
}
