/**
 * index.ts - starts the online POS channel: the ISO 8583 host (host.ts) on its TCP port
 * (server.ts), for the terminals of the world that take online payments, each with its working
 * keys from the platform's key store. It submits commands through the ChannelContext like every
 * channel. Exports startPosChannel, PosChannelOptions, RunningPosChannel.
 */
import type { DialectName } from '../../src/bearer/iso8583/dialects.js'
import type { Payment } from '../../src/core/index.js'
import type { ChannelContext } from '../../src/gateway/context.js'
import { PosHost } from './host.js'
import { startPosServer } from './server.js'
import type { LoggedResults } from './settlement.js'
import type { PosTerminal } from './transactions.js'

export interface PosChannelOptions {
  readonly host: string
  readonly port: number
  /** The online terminals: id (field 41), merchant, dialect. */
  readonly terminals: readonly {
    readonly terminalId: string
    readonly merchantCode: string
    readonly dialect: DialectName
  }[]
  /** A terminal's PIN and MAC keys (the key store's posKeys). */
  readonly keysOf: (terminalId: string) => PosTerminal['keys']
  readonly zoneOffsetMs: number
  /** Whether the idempotency log holds a key (the ledger's commandLogged). */
  readonly commandLogged: (key: string) => Promise<boolean>
  /** A payment as it stands (the ledger's payment). */
  readonly payment: (id: string) => Promise<Payment | null>
  /** The idempotency log's answers under a key prefix (the ledger's loggedResults, whole keys). */
  readonly loggedResults: LoggedResults
}

export interface RunningPosChannel {
  readonly port: number
  ready(): boolean
  sweep(): Promise<void>
  close(): Promise<void>
}

export async function startPosChannel(
  ctx: ChannelContext,
  options: PosChannelOptions,
): Promise<RunningPosChannel> {
  const host = new PosHost(ctx, {
    terminals: options.terminals.map((terminal) => ({
      ...terminal,
      keys: options.keysOf(terminal.terminalId),
    })),
    zoneOffsetMs: options.zoneOffsetMs,
    purchaseLogged: (key) => options.commandLogged(`pos:${key}`),
    payment: options.payment,
    loggedResults: async (prefix, limit, afterKey) =>
      (
        await options.loggedResults(
          `pos:${prefix}`,
          limit,
          afterKey === undefined || afterKey === null ? null : `pos:${afterKey}`,
        )
      ).map((row) => ({
        key: row.key.slice('pos:'.length),
        result: row.result,
      })),
  })
  const server = await startPosServer({
    host: options.host,
    port: options.port,
    answer: (raw) => host.answer(raw),
    log: ctx.log,
  })
  ctx.log.info('pos: ISO 8583 host listening', { port: server.port })
  let open = true
  return {
    port: server.port,
    ready: () => open,
    sweep: () => Promise.resolve(),
    close: async () => {
      open = false
      await server.close()
    },
  }
}
