/**
 * data-dir-lock.ts - one gateway per data directory. Two gateways on one ledger file would each
 * believe their caches and write over each other's balances; SQLite's own locks only serialize
 * their transactions. The holder writes `telepay.lock` (its pid and when it started), created
 * exclusively; a lock whose pid no longer runs is stale (a gateway killed without stopping) and
 * is taken over. `telepay reset` asks the same question before deleting anything. Exports
 * lockDataDir, dataDirHolder, DataDirLock, DataDirInUseError and lockFileName.
 */
import { closeSync, mkdirSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs'
import { join } from 'node:path'

export const lockFileName = 'telepay.lock'

/** Who holds a data directory: the lock file's contents. */
export interface LockHolder {
  readonly pid: number
  readonly startedAt: string
}

export class DataDirInUseError extends Error {
  constructor(
    readonly dir: string,
    readonly holder: LockHolder,
  ) {
    super(
      `the data directory ${dir} is in use by another telepay (pid ${holder.pid}, started ` +
        `${holder.startedAt}): stop it first, or give this one another --data-dir`,
    )
    this.name = 'DataDirInUseError'
  }
}

export interface DataDirLock {
  /** Removes the lock file; a second call does nothing. */
  release(): void
}

/** Directories this process holds: its own pid in a lock file is not stale while it holds it. */
const heldHere = new Set<string>()

/** Takes `dir` for this process, or throws DataDirInUseError naming the running holder. */
export function lockDataDir(dir: string, nowMs: number): DataDirLock {
  mkdirSync(dir, { recursive: true })
  const path = join(dir, lockFileName)
  // Two tries: the second after removing a stale lock; a live holder answers the first.
  for (let attempt = 0; attempt < 2; attempt += 1) {
    const holder = dataDirHolder(dir)
    if (holder !== null) throw new DataDirInUseError(dir, holder)
    rmSync(path, { force: true })
    let fd: number
    try {
      fd = openSync(path, 'wx')
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'EEXIST') continue
      throw error
    }
    const mine: LockHolder = { pid: process.pid, startedAt: new Date(nowMs).toISOString() }
    writeSync(fd, `${JSON.stringify(mine)}\n`)
    closeSync(fd)
    heldHere.add(dir)
    let released = false
    return {
      release() {
        if (released) return
        released = true
        heldHere.delete(dir)
        // Only our own lock: a directory reset and taken by another since is not ours to free.
        if (dataDirHolderRaw(path)?.pid === process.pid) rmSync(path, { force: true })
      },
    }
  }
  const holder = dataDirHolder(dir)
  throw new DataDirInUseError(dir, holder ?? { pid: 0, startedAt: 'just now' })
}

/** The running process that holds `dir`, or null: no lock file, or a stale one. */
export function dataDirHolder(dir: string): LockHolder | null {
  const holder = dataDirHolderRaw(join(dir, lockFileName))
  if (holder === null) return null
  if (holder.pid === process.pid) return heldHere.has(dir) ? holder : null
  return isRunning(holder.pid) ? holder : null
}

function dataDirHolderRaw(path: string): LockHolder | null {
  let text: string
  try {
    text = readFileSync(path, 'utf8')
  } catch {
    return null
  }
  try {
    const parsed = JSON.parse(text) as Partial<LockHolder>
    if (typeof parsed.pid !== 'number' || !Number.isInteger(parsed.pid) || parsed.pid <= 0)
      return null
    return { pid: parsed.pid, startedAt: String(parsed.startedAt ?? 'at an unknown time') }
  } catch {
    // A lock file cut short by a crash while it was written holds nothing: stale.
    return null
  }
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch (error) {
    // EPERM: it runs, as another user; ESRCH: it is gone.
    return (error as NodeJS.ErrnoException).code === 'EPERM'
  }
}
