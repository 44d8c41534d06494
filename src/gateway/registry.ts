/**
 * registry.ts - the running channels, in the order they started: the gateway health-checks,
 * sweeps and stops them by looping here, never by naming one. Stopping goes in the reverse
 * order of starting, so a channel that rides another (USSD answering late by SMS) closes while
 * what it rides is still up.
 */
import type { Channel } from './channel.js'

export class ChannelRegistry {
  private readonly channels: Channel[] = []

  register(channel: Channel): void {
    if (this.channels.some((registered) => registered.name === channel.name)) {
      throw new Error(`a channel named ${channel.name} is registered already`)
    }
    this.channels.push(channel)
  }

  /** Every channel's readiness by name, as /healthz reports it. */
  health(): readonly { readonly name: string; ready(): boolean }[] {
    return this.channels
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
