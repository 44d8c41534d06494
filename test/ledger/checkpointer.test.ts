/**
 * checkpointer.test.ts - a gateway's ledger (reports in workers) copies its write-ahead log into
 * the database file from a thread of its own: rows written on the gateway's connection, whose own
 * automatic checkpoint is only a far-off safety net, reach the database file within a second or
 * two. A ledger for tools (reports inline) keeps SQLite's own checkpoint. Closing stops the
 * thread.
 */
import { mkdtempSync, rmSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { defaultLimits } from '../../src/core/index.js'
import { checkpointerLimits } from '../../src/ledger/checkpointer.js'
import { SqliteLedger, walAutocheckpointPages } from '../../src/ledger/sqlite-ledger.js'

const dirs: string[] = []
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true })
})

function ledgerFile(): string {
  const dir = mkdtempSync(join(tmpdir(), 'telepay-checkpoint-'))
  dirs.push(dir)
  return join(dir, 'ledger.sqlite')
}

/** About 8 MB of rows on the ledger's own connection, outside any ledger table. */
function writeScratch(ledger: SqliteLedger): void {
  ledger.db.exec('CREATE TABLE IF NOT EXISTS scratch (id INTEGER PRIMARY KEY, body BLOB)')
  const insert = ledger.db.prepare('INSERT INTO scratch (body) VALUES (randomblob(4000))')
  ledger.db.transaction(() => {
    for (let index = 0; index < 2_000; index += 1) insert.run()
  })()
}

describe('the checkpoint thread', () => {
  it("copies the WAL into the database file without the writer's checkpoint", async () => {
    const path = ledgerFile()
    const ledger = new SqliteLedger(path, defaultLimits, { reports: 'worker' })
    try {
      expect(ledger.db.pragma('wal_autocheckpoint', { simple: true })).toBe(
        BigInt(checkpointerLimits.walSafetyPages),
      )
      const before = statSync(path).size
      writeScratch(ledger)
      const deadline = Date.now() + 10_000
      while (statSync(path).size < before + 7_000_000) {
        if (Date.now() > deadline) throw new Error('the database file never took the WAL')
        await new Promise((resolve) => setTimeout(resolve, 100))
      }
    } finally {
      await ledger.close()
    }
  })

  it('is not started for a ledger whose reports run inline', async () => {
    const ledger = new SqliteLedger(ledgerFile(), defaultLimits)
    try {
      expect(ledger.db.pragma('wal_autocheckpoint', { simple: true })).toBe(
        BigInt(walAutocheckpointPages),
      )
    } finally {
      await ledger.close()
    }
  })
})
