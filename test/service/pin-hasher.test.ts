/**
 * pin-hasher.test.ts - scrypt PIN hashes verify the right PIN only, and PIN hashing runs at most
 * `pinHashesInFlightMax` at a time, in the order asked.
 */
import { describe, expect, it } from 'vitest'
import { createPinHasher, limiter } from '../../src/service/pin-hasher.js'

describe('PIN hashing', () => {
  it('verifies the PIN it hashed and no other, and never stores the PIN', async () => {
    const pins = createPinHasher(1024)
    const stored = await pins.hash('1234')
    expect(stored).toMatch(/^scrypt\$1024\$/)
    expect(stored).not.toContain('1234')
    const checks = await Promise.all(
      ['1234', '4321', '12345', '1234'].map((pin) => pins.verify(pin, stored)),
    )
    expect(checks).toEqual([true, false, false, true])
  })

  it('runs one piece of work at a time with a bound of one, in order', async () => {
    const inTurn = limiter(1)
    let running = 0
    let most = 0
    const order: number[] = []
    const work = (n: number) =>
      inTurn(async () => {
        running += 1
        most = Math.max(most, running)
        await new Promise((resolve) => setImmediate(resolve))
        order.push(n)
        running -= 1
        return n
      })
    expect(await Promise.all([1, 2, 3, 4].map(work))).toEqual([1, 2, 3, 4])
    expect(most).toBe(1)
    expect(order).toEqual([1, 2, 3, 4])
  })

  it('keeps going after a failed piece of work', async () => {
    const inTurn = limiter(1)
    await expect(inTurn(() => Promise.reject(new Error('boom')))).rejects.toThrow('boom')
    expect(await inTurn(() => Promise.resolve('next'))).toBe('next')
  })
})
