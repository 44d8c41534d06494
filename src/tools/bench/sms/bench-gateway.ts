/**
 * bench-gateway.ts - a real gateway for the SMS benchmark: its database seeded with the bench
 * world before it opens it, HTTP and the SMSC simulator on ephemeral loopback ports, warn-level
 * logs (a line per MO would be measured too), the low PIN hash cost, and the simulator's SMPP
 * limits raised so that the stack is measured rather than its per-bind throttle.
 * Exports startSmsBenchGateway and simulatorLimitsOf.
 */
import { mkdirSync } from 'node:fs'
import { join } from 'node:path'
import type { SmppLimits } from '../../../bearer/smpp/limits.js'
import { loadConfig } from '../../../config.js'
import type { Gateway, GatewayConfig } from '../../../gateway.js'
import { startGateway } from '../../../gateway.js'
import { simulatedParties } from '../../world/simulated-parties.js'
import { seedDatabase } from '../bench-world.js'
import type { SmsBenchOptions } from './options.js'
import { smsBenchLimits } from './options.js'
import { buildSmsBenchWorld } from './world.js'

const loopback = '127.0.0.1'

/**
 * The simulator's limits for the bench: no throttle, and a deliver_sm window as wide as the phones'
 * submit window.
 */
export function simulatorLimitsOf(
  options: Pick<SmsBenchOptions, 'windowMax' | 'flowsPerBind'>,
): Partial<SmppLimits> {
  return {
    inboundRatePerSecond: smsBenchLimits.inboundRatePerSecond,
    inboundBurstMax: smsBenchLimits.inboundBurstMax,
    windowMax: options.windowMax,
    inboundInFlightMax: Math.max(100, options.windowMax),
    // Every subscriber in flight may have one reply queued behind the deliver_sm window.
    sendQueueMax: Math.max(1_000, options.flowsPerBind),
  }
}

/**
 * Creates `dir` if need be, seeds `dir`/telepay.sqlite with the bench world and starts a gateway on
 * it.
 */
export async function startSmsBenchGateway(
  dir: string,
  options: Pick<SmsBenchOptions, 'subscribers' | 'pinHashCost' | 'windowMax' | 'flowsPerBind'>,
): Promise<Gateway> {
  mkdirSync(dir, { recursive: true })
  const world = await buildSmsBenchWorld(options.subscribers, options.pinHashCost)
  // Seeded before the gateway opens it (world: none), as a gateway starts on a full database.
  await seedDatabase(join(dir, 'telepay.sqlite'), world, Date.now())
  const base = loadConfig({
    env: {},
    cwd: dir,
    overrides: {
      dataDir: dir,
      world: 'none',
      pinHashCost: options.pinHashCost,
      logLevel: 'warn',
      http: { host: loopback, port: 0 },
      smpp: { host: loopback, port: 0 },
      pos: { host: loopback, port: 0 },
    },
  })
  // smppLimits is not a key of config.ts yet: the gateway reads it from the object it is given.
  const config: GatewayConfig = { ...base, smppLimits: simulatorLimitsOf(options) }
  return startGateway(config, simulatedParties(config))
}
