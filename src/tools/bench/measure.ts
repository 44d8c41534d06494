/**
 * measure.ts - the benchmark's instruments: latency percentiles, the machine it ran on, and the
 * disk's fsync time in the directory the databases live in, and how the reports print figures.
 * Exports summarizeLatency, Samples, machineInfo, measureFsync, rate, ms, percent.
 */
import { closeSync, fdatasyncSync, openSync, rmSync, writeSync } from 'node:fs'
import { createRequire } from 'node:module'
import { cpus } from 'node:os'
import { join } from 'node:path'
import { performance } from 'node:perf_hooks'
import Database from 'better-sqlite3'

export interface LatencySummary {
  readonly p50Ms: number
  readonly p99Ms: number
  readonly maxMs: number
}

/** Nearest-rank percentiles of a set of samples in milliseconds. */
export function summarizeLatency(samples: Float64Array): LatencySummary {
  if (samples.length === 0) return { p50Ms: Number.NaN, p99Ms: Number.NaN, maxMs: Number.NaN }
  const sorted = Float64Array.from(samples).sort()
  const rank = (fraction: number): number =>
    sorted[Math.min(sorted.length - 1, Math.ceil(fraction * sorted.length) - 1)] ?? Number.NaN
  return { p50Ms: rank(0.5), p99Ms: rank(0.99), maxMs: sorted[sorted.length - 1] ?? Number.NaN }
}

/** A growable list of float samples that does not box every number. */
export class Samples {
  private values = new Float64Array(1 << 16)
  length = 0

  push(value: number): void {
    if (this.length === this.values.length) {
      const grown = new Float64Array(this.values.length * 2)
      grown.set(this.values)
      this.values = grown
    }
    this.values[this.length] = value
    this.length += 1
  }

  toArray(): Float64Array {
    return this.values.subarray(0, this.length)
  }
}

export interface MachineInfo {
  readonly cores: number
  readonly cpuModel: string
  readonly node: string
  readonly sqlite: string
  readonly betterSqlite3: string
}

export function machineInfo(): MachineInfo {
  const db = new Database(':memory:')
  const sqlite = (db.prepare('SELECT sqlite_version() AS v').get() as { v: string }).v
  db.close()
  const require = createRequire(import.meta.url)
  const betterSqlite3 = (require('better-sqlite3/package.json') as { version: string }).version
  const all = cpus()
  return {
    cores: all.length,
    cpuModel: all[0]?.model.trim() ?? 'unknown',
    node: process.version,
    sqlite,
    betterSqlite3,
  }
}

export interface FsyncFigure {
  readonly writes: number
  readonly p50Ms: number
  readonly perSecond: number
}

/** Rewrites one 4 KiB block and fdatasyncs it, as a WAL commit does, for about `seconds`. */
export function measureFsync(dir: string, seconds: number): FsyncFigure {
  const path = join(dir, 'fsync-probe.bin')
  const fd = openSync(path, 'w')
  const block = Buffer.alloc(4096, 7)
  const samples = new Samples()
  const started = performance.now()
  try {
    while (performance.now() - started < seconds * 1000 || samples.length < 20) {
      const before = performance.now()
      writeSync(fd, block, 0, block.length, 0)
      fdatasyncSync(fd)
      samples.push(performance.now() - before)
    }
  } finally {
    closeSync(fd)
    rmSync(path, { force: true })
  }
  const elapsedS = (performance.now() - started) / 1000
  return {
    writes: samples.length,
    p50Ms: summarizeLatency(samples.toArray()).p50Ms,
    perSecond: samples.length / elapsedS,
  }
}

/** A rate as a whole number with thousands separators ("5,758"). */
export function rate(value: number): string {
  return Math.round(value).toLocaleString('en')
}

export function ms(value: number): string {
  return `${value.toFixed(1)} ms`
}

export function percent(share: number): string {
  return `${Math.round(share * 100)}%`
}
