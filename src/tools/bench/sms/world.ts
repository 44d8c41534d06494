/**
 * world.ts - the SMS benchmark's world: many English-speaking subscribers, each with a phone
 * bill and a wallet and the same PIN, hashed once with a low scrypt cost so that YES <PIN> is
 * cheap, and the default merchants. Exports buildSmsBenchWorld and the opening balances.
 */
import { formatAmount } from '../../../core/index.js'
import { createPinHasher } from '../../../service/pin-hasher.js'
import type { World, WorldSpec } from '../../../world/world.js'
import { prepareWorld } from '../../../world/world.js'
import { defaultWorld } from '../../world/default-world.js'
import { benchMsisdn } from '../bench-world.js'
import { benchPin } from './flows.js'

/**
 * Opening balances, large against the flows' amounts (at most 1.99 and 9.99 a payment): the
 * phone bill with its credit limit and the wallet last for thousands of payments per subscriber.
 */
export const openingPhoneBillMinor = 100_000n
export const openingCreditLimitMinor = 100_000n
export const openingWalletMinor = 500_000n

export async function buildSmsBenchWorld(
  subscriberCount: number,
  pinHashCost: number,
): Promise<World> {
  const pins = createPinHasher(pinHashCost)
  const spec: WorldSpec = {
    subscribers: Array.from({ length: subscriberCount }, (_, index) => ({
      msisdn: benchMsisdn(index),
      name: `SMS Bench ${index}`,
      pin: benchPin,
      // English only: the bench reads every reply to check it (Chinese replies would add UCS-2).
      language: 'en' as const,
      phoneBill: {
        balance: formatAmount(openingPhoneBillMinor),
        creditLimit: formatAmount(openingCreditLimitMinor),
      },
      wallet: formatAmount(openingWalletMinor),
      card: null,
    })),
    merchants: defaultWorld.merchants,
    orders: [],
  }
  // prepareWorld hashes each distinct PIN once: one scrypt for the whole world.
  return prepareWorld(spec, (pin) => pins.hash(pin))
}
