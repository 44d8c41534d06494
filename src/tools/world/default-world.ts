/**
 * default-world.ts - the default fixture world of docs/contract.md section 2, as shipped in
 * fixtures/world/default.yaml (a world file like any other, read and checked by the same reader),
 * loaded by `npm start` on an empty database and by the conformance runner for every script.
 * Exports defaultWorldFile and defaultWorld.
 */
import { repositoryPath } from '../../gateway/repository-path.js'
import type { WorldSpec } from '../../world/world.js'
import { readWorldFile } from '../../world/world-file.js'

/** The file, wherever the process was started from. */
export const defaultWorldFile = repositoryPath('fixtures/world/default.yaml')

export const defaultWorld: WorldSpec = readWorldFile(defaultWorldFile)
