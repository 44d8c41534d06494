/**
 * registry.ts - the running channels, in the order they started: the gateway health-checks,
 * sweeps and stops them by looping here, never by naming one. Stopping goes in the reverse
 * order of starting, so a channel that rides another (USSD answering late by SMS) closes while
 * what it rides is still up. A channel registered with `health: false` (the merchant API, whose
 * readiness is the store's that /healthz reports already) is started, swept and stopped like the
 * others but not listed among /healthz's channels.
 */
import type { Channel } from './channel.js'

export class ChannelRegistry {
  private readonly channels: Channel[] = []
  private readonly unlisted = new Set<Channel>()

  register(channel: Channel, options: { readonly health?: boolean } = {}): void {
    if (this.channels.some((registered) => registered.name === channel.name)) {
      throw new Error(`a channel named ${channel.name} is registered already`)
    }
    this.channels.push(channel)
    if (options.health === false) this.unlisted.add(channel)
  }

  /** Every channel's readiness by name, as /healthz reports it (not those registered without). */
  health(): readonly { readonly name: string; ready(): boolean }[] {
    return this.channels.filter((channel) => !this.unlisted.has(channel))
  }

  /** Each channel's due work, one after the other (a sweep's SMS may be another's notice). */
  async sweep(): Promise<void> {
    for (const channel of this.channels) await channel.sweep()
  }

  stopAccepting(): void {
    for (const channel of this.channels) channel.stopAccepting()
  }

  settle(): Promise<void> {
    return Promise.all(this.channels.map((channel) => channel.settle())).then(() => undefined)
  }

  async close(): Promise<void> {
    for (const channel of [...this.channels].reverse()) await channel.close()
  }
}
