/**
 * card-loader.ts - an online load run on a card the platform reaches directly (a ticket office's
 * reader, the simulator's card): SELECT, INITIALIZE FOR LOAD, the host's MAC1 check and MAC2,
 * CREDIT FOR LOAD, and the load's TAC checked. The value is on the card only if the card says
 * so with a TAC that verifies. Exports loadCard, loadHostTerminalId, LoadResult.
 */
import type { PurseTime } from '../pboc/fields.js'
import type { KeyStore } from '../pboc/key-store.js'
import {
  creditForLoadApdu,
  initForLoadApdu,
  parseInitForLoad,
  selectPurseApdu,
} from '../pboc/load-host.js'

/** The terminal id the platform loads under, as the card's log shows it: issuer 8601, host 1. */
export const loadHostTerminalId = '860100000001'

export type LoadResult =
  | {
      readonly ok: true
      readonly tac: string
      readonly balanceFen: number
      readonly onlineSerial: number
    }
  | { readonly ok: false; readonly reason: string }

export interface CardLink {
  transmit(apdu: Buffer): Promise<Buffer>
}

function statusOf(answer: Buffer): string {
  return answer.subarray(-2).toString('hex').toUpperCase()
}

export async function loadCard(
  link: CardLink,
  keys: KeyStore,
  cardNumber: string,
  amountFen: number,
  at: PurseTime,
): Promise<LoadResult> {
  const selected = await link.transmit(selectPurseApdu())
  if (statusOf(selected) !== '9000') return { ok: false, reason: `SELECT ${statusOf(selected)}` }
  const initAnswer = await link.transmit(initForLoadApdu(keys.index, amountFen, loadHostTerminalId))
  const init = parseInitForLoad(initAnswer)
  if (init === null) return { ok: false, reason: `INITIALIZE FOR LOAD ${statusOf(initAnswer)}` }
  const fields = { amountFen, terminalId: loadHostTerminalId, at }
  const mac2 = keys.hostLoadMac2(cardNumber, init, fields)
  if (mac2 === null) return { ok: false, reason: 'MAC1 is not the card’s' }
  const credited = await link.transmit(creditForLoadApdu(at, mac2))
  if (credited.length !== 6 || statusOf(credited) !== '9000')
    return { ok: false, reason: `CREDIT FOR LOAD ${statusOf(credited)}` }
  const tac = credited.subarray(0, 4)
  const balanceFen = init.balanceFen + amountFen
  if (!keys.verifyLoadTac(cardNumber, balanceFen, init.onlineSerial, fields, tac))
    return { ok: false, reason: 'the TAC does not verify' }
  return {
    ok: true,
    tac: tac.toString('hex').toUpperCase(),
    balanceFen,
    onlineSerial: init.onlineSerial,
  }
}
