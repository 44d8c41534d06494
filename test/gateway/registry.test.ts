/**
 * registry.test.ts - the gateway loops over its channels: sweeps in the order they started,
 * stops in the reverse (a channel that rides another closes first), waits for every channel to
 * settle, refuses two channels of one name (their health and metrics would mix), and leaves a
 * channel registered without health (the merchant API) out of /healthz.
 */
import { describe, expect, it } from 'vitest'
import type { Channel } from '../../src/gateway/channel.js'
import { channelOf } from '../../src/gateway/channel.js'
import { ChannelRegistry } from '../../src/gateway/registry.js'

function recording(name: string, calls: string[], settleMs = 0): Channel {
  return channelOf({
    name,
    ready: () => true,
    sweep: async () => {
      calls.push(`sweep ${name}`)
    },
    stopAccepting: () => {
      calls.push(`stop ${name}`)
    },
    settle: () =>
      new Promise((resolve) =>
        setTimeout(() => {
          calls.push(`settled ${name}`)
          resolve()
        }, settleMs),
      ),
    close: async () => {
      calls.push(`close ${name}`)
    },
  })
}

describe('the channel registry', () => {
  it('sweeps in start order and closes in the reverse', async () => {
    const calls: string[] = []
    const registry = new ChannelRegistry()
    for (const name of ['sms', 'ussd', 'wap']) registry.register(recording(name, calls))
    await registry.sweep()
    await registry.close()
    expect(calls).toEqual([
      'sweep sms',
      'sweep ussd',
      'sweep wap',
      'close wap',
      'close ussd',
      'close sms',
    ])
  })

  it('stops every channel taking input, then waits until the slowest has settled', async () => {
    const calls: string[] = []
    const registry = new ChannelRegistry()
    registry.register(recording('sms', calls, 30))
    registry.register(recording('ussd', calls, 0))
    registry.stopAccepting()
    await registry.settle()
    expect(calls).toEqual(['stop sms', 'stop ussd', 'settled ussd', 'settled sms'])
  })

  it('gives a simple channel a stop that accepts until close; refuses a name twice', async () => {
    const registry = new ChannelRegistry()
    const simple = channelOf({
      name: 'ivr',
      ready: () => false,
      sweep: async () => undefined,
      close: async () => undefined,
    })
    registry.register(simple)
    simple.stopAccepting()
    await expect(simple.settle()).resolves.toBeUndefined()
    expect(registry.health().map((channel) => [channel.name, channel.ready()])).toEqual([
      ['ivr', false],
    ])
    expect(() => registry.register(simple)).toThrow(/ivr is registered already/)
  })

  it('sweeps and closes a channel registered without health, left out of /healthz', async () => {
    const calls: string[] = []
    const registry = new ChannelRegistry()
    registry.register(recording('wap', calls))
    registry.register(recording('merchant', calls), { health: false })
    expect(registry.health().map((channel) => channel.name)).toEqual(['wap'])
    await registry.sweep()
    await registry.close()
    expect(calls).toEqual(['sweep wap', 'sweep merchant', 'close merchant', 'close wap'])
  })
})
