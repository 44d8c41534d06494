/**
 * chain.test.ts - one key's work runs one at a time and in order, other keys run beside it,
 * and a failed work does not block the next.
 */
import { describe, expect, it } from 'vitest'
import { KeyedChain } from '../../../src/gateway/dialog/chain.js'

function gate(): { readonly opened: Promise<void>; open(): void } {
  let open = (): void => undefined
  const opened = new Promise<void>((resolve) => {
    open = resolve
  })
  return { opened, open }
}

describe('KeyedChain', () => {
  it("runs one key's works in order, never two at once, another key running beside", async () => {
    const chain = new KeyedChain()
    const events: string[] = []
    const first = gate()
    const a1 = chain.run('a', async () => {
      events.push('a1 start')
      await first.opened
      events.push('a1 end')
      return 1
    })
    const a2 = chain.run('a', async () => {
      events.push('a2 start')
      return 2
    })
    const b1 = chain.run('b', async () => {
      events.push('b1 start')
      return 3
    })
    await b1
    expect(events).toEqual(['a1 start', 'b1 start'])
    first.open()
    expect(await Promise.all([a1, a2])).toEqual([1, 2])
    expect(events).toEqual(['a1 start', 'b1 start', 'a1 end', 'a2 start'])
  })

  it("runs a key's next work after one that failed; the failure reaches its caller", async () => {
    const chain = new KeyedChain()
    const failed = chain.run('a', () => Promise.reject(new Error('bank down')))
    const next = chain.run('a', () => Promise.resolve('ok'))
    await expect(failed).rejects.toThrow('bank down')
    expect(await next).toBe('ok')
  })
})
