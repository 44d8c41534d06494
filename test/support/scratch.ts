/**
 * scratch.ts - what a test file starts and leaves behind, cleaned after each test: temporary
 * directories and one gateway. Exports scratchSpace and ScratchSpace.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach } from 'vitest'
import type { GatewayFixture } from './gateway-fixture.js'

export interface ScratchSpace {
  /** A new empty directory, removed after the test. */
  dir(): string
  /** The test's gateway, closed after the test; set it when one is started. */
  gateway: GatewayFixture | null
}

/** Registers the cleaning (call at the top of a test file); `prefix` names the directories. */
export function scratchSpace(prefix: string): ScratchSpace {
  const dirs: string[] = []
  const space: ScratchSpace = {
    dir() {
      const dir = mkdtempSync(join(tmpdir(), prefix))
      dirs.push(dir)
      return dir
    },
    gateway: null,
  }
  afterEach(async () => {
    await space.gateway?.close()
    space.gateway = null
    for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true })
  })
  return space
}
