/**
 * data-dir-lock.test.ts - one gateway per data directory: the lock file names its holder, a
 * second taker is refused while the holder runs, a lock left by a process that is gone (or cut
 * short) is stale and taken over, and a release removes only its own lock. Also a second
 * gateway started on a directory a gateway of this process holds.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import {
  DataDirInUseError,
  dataDirHolder,
  lockDataDir,
  lockFileName,
} from '../../src/service/data-dir-lock.js'
import { startTestGateway } from '../support/gateway-fixture.js'
import { scratchSpace } from '../support/scratch.js'

const space = scratchSpace('telepay-lock-')
const scratch = (): string => space.dir()

/** A pid no process has: above the kernel's pid_max (4,194,304 at most on Linux). */
const gonePid = 4_194_305

describe('the data directory lock', () => {
  it('names its holder, refuses a second taker, and is gone once released', () => {
    const dir = scratch()
    const lock = lockDataDir(dir, Date.parse('2026-12-06T10:00:00Z'))
    const written = JSON.parse(readFileSync(join(dir, lockFileName), 'utf8')) as unknown
    expect(written).toEqual({ pid: process.pid, startedAt: '2026-12-06T10:00:00.000Z' })
    expect(dataDirHolder(dir)).toEqual(written)
    expect(() => lockDataDir(dir, Date.now())).toThrow(DataDirInUseError)
    expect(() => lockDataDir(dir, Date.now())).toThrow(
      `the data directory ${dir} is in use by another telepay (pid ${process.pid}, started ` +
        '2026-12-06T10:00:00.000Z): stop it first, or give this one another --data-dir',
    )
    lock.release()
    lock.release()
    expect(existsSync(join(dir, lockFileName))).toBe(false)
    expect(dataDirHolder(dir)).toBeNull()
    lockDataDir(dir, Date.now()).release()
  })

  it.each([
    ['a process that is gone', JSON.stringify({ pid: gonePid, startedAt: 'yesterday' })],
    ['a write cut short', '{"pid":12'],
    ['this process, which holds it no more', JSON.stringify({ pid: process.pid })],
  ])('takes over a stale lock left by %s', (_what, text) => {
    const dir = scratch()
    writeFileSync(join(dir, lockFileName), text)
    expect(dataDirHolder(dir)).toBeNull()
    const lock = lockDataDir(dir, Date.now())
    expect(dataDirHolder(dir)?.pid).toBe(process.pid)
    lock.release()
  })

  it('does not remove a lock another holder took after a reset', () => {
    const dir = scratch()
    const lock = lockDataDir(dir, Date.now())
    writeFileSync(join(dir, lockFileName), JSON.stringify({ pid: 1, startedAt: 'now' }))
    lock.release()
    expect(existsSync(join(dir, lockFileName))).toBe(true)
  })

  it('refuses a second gateway on a directory a running one holds, frees it on close', async () => {
    const first = await startTestGateway()
    await expect(startTestGateway({ dir: first.dir })).rejects.toThrow(DataDirInUseError)
    const dir = first.dir
    await first.close({ keepDir: true })
    space.gateway = await startTestGateway({ dir })
    expect(dataDirHolder(dir)?.pid).toBe(process.pid)
  })
})
