/**
 * bench-gateway.ts - a real gateway for the USSD benchmark: its database seeded before it opens
 * it with the SMS bench's world (English subscribers with a phone bill, a wallet and one PIN
 * hashed at the low bench cost; the money check reads the same opening balances), HTTP on an
 * ephemeral loopback port, warn-level logs (a line per hop would be measured too), the SMS
 * channel off (nothing in the pay-merchant walk sends an SMS), the USSD channel with its
 * production limits (or the ones the caller sets). Exports startUssdBenchGateway,
 * seedUssdBenchDatabase and startBenchGatewayOn.
 */
import { mkdirSync } from 'node:fs'
import { join } from 'node:path'
import type { UssdLimits } from '../../../../channels/ussd/limits.js'
import { loadConfig } from '../../../config.js'
import type { Gateway } from '../../../gateway.js'
import { startGateway } from '../../../gateway.js'
import { simulatedParties } from '../../world/simulated-parties.js'
import { seedDatabase } from '../bench-world.js'
import { buildSmsBenchWorld } from '../sms/world.js'
import type { UssdBenchOptions } from './options.js'

const loopback = '127.0.0.1'

/**
 * Creates `dir` if need be, seeds `dir`/telepay.sqlite with the bench world and starts a gateway on
 * it.
 */
export async function startUssdBenchGateway(
  dir: string,
  options: Pick<UssdBenchOptions, 'subscribers' | 'pinHashCost'>,
): Promise<Gateway> {
  await seedUssdBenchDatabase(dir, options)
  return startBenchGatewayOn(dir, options)
}

/** Creates `dir` if need be and seeds `dir`/telepay.sqlite with the bench world. */
export async function seedUssdBenchDatabase(
  dir: string,
  options: Pick<UssdBenchOptions, 'subscribers' | 'pinHashCost'>,
): Promise<void> {
  mkdirSync(dir, { recursive: true })
  const world = await buildSmsBenchWorld(options.subscribers, options.pinHashCost)
  // Seeded before the gateway opens it (world: none), as a gateway starts on a full database.
  await seedDatabase(join(dir, 'telepay.sqlite'), world, Date.now())
}

/**
 * Starts a bench gateway on the database seeded in `dir`; `ussdLimits` overrides the USSD
 * channel's bounds (the scale bench keeps 100,000 sessions open longer than the idle timeout).
 */
export function startBenchGatewayOn(
  dir: string,
  options: Pick<UssdBenchOptions, 'pinHashCost'>,
  ussdLimits: Partial<UssdLimits> = {},
): Promise<Gateway> {
  const config = loadConfig({
    env: {},
    cwd: dir,
    overrides: {
      dataDir: dir,
      world: 'none',
      pinHashCost: options.pinHashCost,
      logLevel: 'warn',
      http: { host: loopback, port: 0 },
      pos: { host: loopback, port: 0 },
      sms: { mode: 'off' },
    },
  })
  return startGateway({ ...config, ussdLimits }, simulatedParties(config))
}
