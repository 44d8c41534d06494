/**
 * gateway-process.ts - sections C and D's gateway in a child process of its own
 * (gateway-child.ts), so that its resident memory is the gateway's alone, not the load
 * generator's too, and so that on two cores the gateway has one and the load generator the
 * other. The bench talks to it over the IPC channel: its memory after a full garbage collection,
 * how late its event loop ran, its USSD store's open count, stop. Exports startGatewayProcess,
 * withGatewayProcess, GatewayProcess, GatewayChildStart, GatewayChildCommand, GatewayChildReply,
 * GatewayMemory, GatewayLoopDelay, GatewayChildSmpp.
 */
import type { ChildProcess } from 'node:child_process'
import { fork } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import type { UssdLimits } from '../../../../channels/ussd/limits.js'
import { compiledModuleUrl, runsCompiled } from '../../../gateway/repository-path.js'
import { UssdConnections } from './session-load.js'

/** What the child is started with (its one argument, as JSON). */
export interface GatewayChildStart {
  /** The data directory, its telepay.sqlite already seeded. */
  readonly dir: string
  readonly pinHashCost: number
  readonly ussdLimits: Partial<UssdLimits>
  /**
   * Start the SMS bench's gateway instead (the console bench): the world seeded by the child
   * with this many subscribers, the SMSC simulator's window this wide.
   */
  readonly sms?: { readonly subscribers: number; readonly windowMax: number }
}

/** Where the SMS bench's gateway takes its binds, and with what (its `ready` reply). */
export interface GatewayChildSmpp {
  readonly host: string
  readonly port: number
  readonly systemId: string
  readonly password: string
  readonly shortCode: string
  readonly adminToken: string
}

export interface GatewayMemory {
  /** process.memoryUsage() of the gateway's process after a full collection, in bytes. */
  readonly rss: number
  readonly heapUsed: number
  readonly external: number
}

/** The gateway's event loop delay since the last ask (perf_hooks.monitorEventLoopDelay). */
export interface GatewayLoopDelay {
  readonly p50Ms: number
  readonly p99Ms: number
  readonly maxMs: number
}

export type GatewayChildCommand =
  | { readonly type: 'memory' }
  | { readonly type: 'loop-delay' }
  | { readonly type: 'open-count' }
  | { readonly type: 'stop' }

export type GatewayChildReply =
  | { readonly type: 'ready'; readonly url: string; readonly smpp: GatewayChildSmpp | null }
  | { readonly type: 'memory'; readonly memory: GatewayMemory }
  | { readonly type: 'loop-delay'; readonly delay: GatewayLoopDelay }
  | { readonly type: 'open-count'; readonly open: number }
  | { readonly type: 'stopped' }
  | { readonly type: 'failed'; readonly error: string }

export interface GatewayProcess {
  readonly url: string
  /** The SMS bench's gateway's SMSC simulator (null for the USSD bench's). */
  readonly smpp: GatewayChildSmpp | null
  readonly pid: number
  memory(): Promise<GatewayMemory>
  /** How late the gateway's event loop ran since the last call (or its start). */
  loopDelay(): Promise<GatewayLoopDelay>
  /** Open USSD sessions in the gateway's dialog store, in memory or in its file. */
  openCount(): Promise<number>
  /** Stops the gateway gracefully and waits for the process to end. */
  stop(): Promise<void>
  /** Ends the process at once (the bench failed; nothing of it is kept). */
  kill(): void
}

/** A start takes a few seconds (tsx compiles the gateway); a command is answered at once. */
const startTimeoutMs = 120_000
const replyTimeoutMs = 60_000
const stderrTailLines = 40

/**
 * Starts the gateway, opens `sockets` connections to it, runs `measure`, then stops the gateway
 * gracefully; if anything throws, the connections close and the process is killed, so a failed
 * section leaves no gateway behind.
 */
export async function withGatewayProcess<T>(
  start: GatewayChildStart,
  sockets: number,
  measure: (gateway: GatewayProcess, connections: UssdConnections) => Promise<T>,
): Promise<T> {
  const gateway = await startGatewayProcess(start)
  const connections = new UssdConnections(gateway.url, sockets)
  let stopped = false
  try {
    const measured = await measure(gateway, connections)
    await gateway.stop()
    stopped = true
    return measured
  } finally {
    connections.close()
    if (!stopped) gateway.kill()
  }
}

export async function startGatewayProcess(start: GatewayChildStart): Promise<GatewayProcess> {
  const entry = fileURLToPath(
    runsCompiled
      ? compiledModuleUrl('src/tools/bench/scale/gateway-child.ts')
      : new URL('./gateway-child.ts', import.meta.url),
  )
  // From the sources the child runs TypeScript through tsx's loader as bin/telepay.js does;
  // --expose-gc lets it collect before it reports its memory, so that garbage does not count as
  // sessions.
  const loader = runsCompiled ? [] : ['--import', import.meta.resolve('tsx')]
  const child = fork(entry, [JSON.stringify(start)], {
    execArgv: ['--expose-gc', ...loader],
    stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
  })
  const tail: string[] = []
  child.stderr?.setEncoding('utf8')
  child.stderr?.on('data', (chunk: string) => {
    tail.push(...chunk.split('\n').filter((line) => line !== ''))
    tail.splice(0, Math.max(0, tail.length - stderrTailLines))
  })
  const channel = new ReplyChannel(child, () => tail.join('\n'))
  try {
    const ready = await channel.next(startTimeoutMs, 'start')
    if (ready.type !== 'ready') throw new Error(`the gateway process answered ${ready.type}`)
    const ask = async <T extends GatewayChildReply['type']>(
      command: GatewayChildCommand,
      type: T,
    ): Promise<Extract<GatewayChildReply, { type: T }>> => {
      child.send(command)
      const reply = await channel.next(replyTimeoutMs, command.type)
      if (reply.type !== type) throw new Error(`the gateway process answered ${reply.type}`)
      return reply as Extract<GatewayChildReply, { type: T }>
    }
    return {
      url: ready.url,
      smpp: ready.smpp,
      pid: child.pid ?? 0,
      memory: async () => (await ask({ type: 'memory' }, 'memory')).memory,
      loopDelay: async () => (await ask({ type: 'loop-delay' }, 'loop-delay')).delay,
      openCount: async () => (await ask({ type: 'open-count' }, 'open-count')).open,
      stop: async () => {
        await ask({ type: 'stop' }, 'stopped')
        await channel.exited
      },
      kill: () => {
        if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL')
      },
    }
  } catch (error) {
    child.kill('SIGKILL')
    throw error
  }
}

/** The child's replies in order; one command at a time, so one waiting reader at most. */
class ReplyChannel {
  private readonly replies: GatewayChildReply[] = []
  private waiting: { resolve(reply: GatewayChildReply): void; reject(error: Error): void } | null =
    null
  private failure: Error | null = null
  readonly exited: Promise<void>

  constructor(child: ChildProcess, tail: () => string) {
    child.on('message', (reply: GatewayChildReply) => {
      if (this.waiting === null) this.replies.push(reply)
      else this.waiting.resolve(reply)
      this.waiting = null
    })
    this.exited = new Promise((done) => {
      child.once('exit', (code, signal) => {
        this.fail(new Error(`the gateway process exited (${code ?? signal}):\n${tail()}`))
        done()
      })
    })
    child.once('error', (error) => this.fail(error))
  }

  async next(allowedMs: number, what: string): Promise<GatewayChildReply> {
    const queued = this.replies.shift()
    if (queued !== undefined) return this.answer(queued)
    if (this.failure !== null) throw this.failure
    let timer: NodeJS.Timeout | undefined
    const reply = await new Promise<GatewayChildReply>((resolve, reject) => {
      this.waiting = { resolve, reject }
      timer = setTimeout(
        () => this.fail(new Error(`the gateway process did not answer ${what} in ${allowedMs} ms`)),
        allowedMs,
      )
    }).finally(() => clearTimeout(timer))
    return this.answer(reply)
  }

  private answer(reply: GatewayChildReply): GatewayChildReply {
    if (reply.type === 'failed') throw new Error(`gateway process: ${reply.error}`)
    return reply
  }

  private fail(error: Error): void {
    this.failure ??= error
    this.waiting?.reject(error)
    this.waiting = null
  }
}
