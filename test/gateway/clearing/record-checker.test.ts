/**
 * record-checker.test.ts - the records of an upload checked on the checker's thread answer as on
 * the caller's: a signed purchase becomes the record to clear (its instant in UTC from the
 * terminal's local time), and a wrong key version, a card that is no RFID-SIM's, a load's type,
 * a date that does not exist and a TAC the card did not make are each refused for its reason;
 * chunks sent together come back each to its caller; a stopped checker fails what waits.
 */
import { afterEach, describe, expect, it } from 'vitest'
import { cardNumberOf } from '../../../src/core/index.js'
import type { BatchRecord } from '../../../src/gateway/clearing/batch-file.js'
import type { RecordChecker } from '../../../src/gateway/clearing/record-checker.js'
import { inlineChecker, WorkerChecker } from '../../../src/gateway/clearing/record-checker.js'
import { KeyStore, testMasterKeys } from '../../../src/gateway/pboc/key-store.js'
import { tacKeyOf } from '../../../src/gateway/pboc/keys.js'
import { purchaseTac } from '../../../src/gateway/pboc/purse-macs.js'

const keys = new KeyStore(testMasterKeys)
const terminalId = '300100000001'
const chinaOffsetMs = 8 * 3_600_000
const card = cardNumberOf('8613800138000')

function signed(terminalSerial: number, amountFen: number, date = '20261207'): BatchRecord {
  const time = '081500'
  const fields = { amountFen, type: 6, terminalId, terminalSerial, at: { date, time } }
  return {
    terminalSerial,
    cardNumber: card,
    cardSerial: terminalSerial - 1,
    type: 6,
    amountFen,
    balanceAfterFen: 10_000 - amountFen,
    date,
    time,
    tac: purchaseTac(tacKeyOf(keys.cardKeys(card).tac), fields)
      .toString('hex')
      .toUpperCase(),
    keyVersion: 1,
  }
}

const good = signed(1, 200)
const batch: BatchRecord[] = [
  good,
  { ...signed(2, 300), keyVersion: 2 },
  { ...signed(3, 300), cardNumber: '12340000000000000001' },
  { ...signed(4, 300), type: 2 },
  signed(5, 300, '20260231'),
  { ...signed(6, 300), amountFen: 3_000 },
]

let worker: WorkerChecker | null = null
afterEach(async () => {
  await worker?.close()
  worker = null
})

describe('the record checker', () => {
  it('clears a signed purchase, refuses each bad record for its reason, on both', async () => {
    worker = new WorkerChecker(testMasterKeys, chinaOffsetMs)
    const checkers: RecordChecker[] = [inlineChecker(keys, chinaOffsetMs), worker]
    for (const checker of checkers) {
      const checked = await checker.check(terminalId, batch)
      expect(checked).toEqual([
        {
          cardNumber: card,
          cardSerial: 0,
          terminalSerial: 1,
          type: 6,
          amountMinor: 200n,
          balanceAfterMinor: 9_800n,
          // 08:15 in China is 00:15 UTC.
          atMs: Date.UTC(2026, 11, 7, 0, 15),
          tac: good.tac,
        },
        'key_version_unknown',
        'card_unknown',
        'type_unknown',
        'time_invalid',
        'tac_mismatch',
      ])
    }
  })

  it('answers chunks sent together to their callers; stopped, fails what waits', async () => {
    const checker = new WorkerChecker(testMasterKeys, chinaOffsetMs)
    worker = checker
    const chunks = [1, 2, 3].map((n) => [signed(n, 100 * n)])
    const answers = await Promise.all(chunks.map((chunk) => checker.check(terminalId, chunk)))
    const amounts = answers.map((answer) => (answer[0] as { amountMinor: bigint }).amountMinor)
    expect(amounts).toEqual([100n, 200n, 300n])
    // A chunk long enough (20,000 TACs) that the thread cannot answer it before close() stops
    // it: a short one was sometimes answered first, and the test failed by a race.
    const pending = checker.check(
      terminalId,
      Array.from({ length: 20_000 }, () => good),
    )
    await checker.close()
    await expect(pending).rejects.toThrow('the record checker stopped')
    // Closed for good: a chunk sent after the gateway stopped starts no thread again.
    await expect(checker.check(terminalId, batch)).rejects.toThrow('the record checker stopped')
  })
})
