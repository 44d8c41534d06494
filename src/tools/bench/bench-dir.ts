/**
 * bench-dir.ts - where a benchmark writes its databases: the directory given by --dir, or a fresh
 * one under data/bench/, removed afterwards unless --keep asks to look at it. Exports inBenchDir.
 */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs'
import { join, resolve } from 'node:path'

export async function inBenchDir<T>(
  options: { readonly dir: string | null; readonly keep: boolean },
  prefix: string,
  work: (dir: string) => Promise<T>,
): Promise<T> {
  const dir = options.dir === null ? newBenchDir(prefix) : resolve(options.dir)
  mkdirSync(dir, { recursive: true })
  try {
    return await work(dir)
  } finally {
    if (!options.keep) rmSync(dir, { recursive: true, force: true })
  }
}

function newBenchDir(prefix: string): string {
  const parent = resolve('data', 'bench')
  mkdirSync(parent, { recursive: true })
  return mkdtempSync(join(parent, prefix))
}
