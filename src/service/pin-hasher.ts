/**
 * pin-hasher.ts - PINs are hashed with scrypt and a random salt; only the hash is stored, and a
 * PIN is never logged or echoed. Hashing is slow on purpose, so it runs on libuv's thread pool
 * (crypto.scrypt) and never inside a ledger transaction.
 */
import { randomBytes, scrypt, timingSafeEqual } from 'node:crypto'

/** A PIN is 4 to 6 digits, as on handsets and card terminals. */
export const pinPattern = /^\d{4,6}$/

export interface PinHasher {
  hash(pin: string): Promise<string>
  verify(pin: string, stored: string): Promise<boolean>
}

const keyLength = 32

function scryptAsync(pin: string, salt: Buffer, cost: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    // maxmem grows with the cost: 128 * N * r bytes plus headroom.
    scrypt(
      pin,
      salt,
      keyLength,
      { N: cost, r: 8, p: 1, maxmem: 256 * cost * 8 + 1024 * 1024 },
      (error, key) => {
        if (error === null) resolve(key)
        else reject(error)
      },
    )
  })
}

/**
 * Hashes at once, at most: scrypt is CPU and memory work on libuv's thread pool, and on a
 * two-core machine the pool's four threads at a time take both cores from the event loop that
 * answers every other command. In the SMS benchmark (5% of flows with a PIN) a pool of four gave
 * 5,036 commands/s against 5,859 with one thread; with this bound, one at a time gave 5,758/s at
 * p99 585 ms (PIN checks queue), two 5,845/s at p99 259 ms. Further PIN checks wait in order.
 */
export const pinHashesInFlightMax = 2

/**
 * Up to this cost a check is about as short as its hop to the pool and back (N = 16: ~0.1 ms
 * here; N = 256 is already ~0.9 ms), and two at a time would make the PIN checks, not the work,
 * the bound: a commit holds the event loop, and each of its turns let only two checks finish, so
 * a POS host whose every purchase has a PIN committed two at a time (~600 purchases/s at N = 16
 * with two, in the POS bench). Chosen by each hash's own cost: hashes made before a change of
 * pinHashCost keep theirs.
 */
export const cheapPinHashCostMax = 32
/** In flight at once for costs up to cheapPinHashCostMax: the pool's four threads and a queue. */
export const cheapPinHashesInFlightMax = 32

export function limiter(max: number): <T>(work: () => Promise<T>) => Promise<T> {
  let running = 0
  const waiting: (() => void)[] = []
  return async <T>(work: () => Promise<T>): Promise<T> => {
    if (running >= max) await new Promise<void>((resolve) => waiting.push(resolve))
    running += 1
    try {
      return await work()
    } finally {
      running -= 1
      waiting.shift()?.()
    }
  }
}

/**
 * `cost` is scrypt's N: 16384 by default (interactive logins); tests may lower it. `inFlightMax`
 * bounds all hashing at once; without it the bound follows each hash's cost (above).
 */
export function createPinHasher(cost: number, inFlightMax?: number): PinHasher {
  const costly = limiter(inFlightMax ?? pinHashesInFlightMax)
  // A bound given is the bound of all checks together, whatever their cost.
  const cheap = inFlightMax === undefined ? limiter(cheapPinHashesInFlightMax) : costly
  const turnFor = (n: number) => (n <= cheapPinHashCostMax ? cheap : costly)
  const inTurn = turnFor(cost)
  return {
    async hash(pin: string): Promise<string> {
      const salt = randomBytes(16)
      const key = await inTurn(() => scryptAsync(pin, salt, cost))
      return `scrypt$${cost}$${salt.toString('base64')}$${key.toString('base64')}`
    },
    async verify(pin: string, stored: string): Promise<boolean> {
      const [scheme, storedCost, salt, key] = stored.split('$')
      if (
        scheme !== 'scrypt' ||
        storedCost === undefined ||
        salt === undefined ||
        key === undefined
      )
        return false
      const expected = Buffer.from(key, 'base64')
      const actual = await turnFor(Number(storedCost))(() =>
        scryptAsync(pin, Buffer.from(salt, 'base64'), Number(storedCost)),
      )
      return actual.length === expected.length && timingSafeEqual(actual, expected)
    },
  }
}
