/**
 * silent-logger.ts - silentLogger: the Logger used when a caller passes none. Local so that
 * the SMPP layer depends on src/service/log.ts for its type only.
 */
import type { Logger } from '../../service/log.js'

const ignore = (): void => {}

export const silentLogger: Logger = { debug: ignore, info: ignore, warn: ignore, error: ignore }
