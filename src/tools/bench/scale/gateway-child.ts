/**
 * gateway-child.ts - the entry of section D's gateway process (gateway-process.ts forks it): a
 * bench gateway on the seeded data directory with the USSD limits it is given (or the SMS
 * bench's gateway, for the console bench), answering the
 * bench's commands over the IPC channel one at a time. It stops with the bench: when the channel
 * closes (the bench ended or died), the gateway closes and the process exits. Nothing is
 * exported: the module is the process's entry point.
 */
import { monitorEventLoopDelay } from 'node:perf_hooks'
import { startSmsBenchGateway } from '../sms/bench-gateway.js'
import { startBenchGatewayOn } from '../ussd/bench-gateway.js'
import type {
  GatewayChildCommand,
  GatewayChildReply,
  GatewayChildStart,
  GatewayLoopDelay,
  GatewayMemory,
} from './gateway-process.js'

if (process.send === undefined)
  throw new Error('gateway-child.ts runs only as a child process (gateway-process.ts forks it)')

const send = (reply: GatewayChildReply): void => {
  process.send?.(reply)
}
const start = JSON.parse(process.argv[2] ?? '{}') as GatewayChildStart
const gateway =
  start.sms === undefined
    ? await startBenchGatewayOn(start.dir, start, start.ussdLimits)
    : await startSmsBenchGateway(start.dir, {
        subscribers: start.sms.subscribers,
        pinHashCost: start.pinHashCost,
        windowMax: start.sms.windowMax,
        flowsPerBind: start.sms.windowMax,
      })

// A 10 ms timer: the hop latencies it explains are tens to hundreds of ms.
const loopResolutionMs = 10
const loop = monitorEventLoopDelay({ resolution: loopResolutionMs })
loop.enable()

/** How late the timer ran: the histogram holds its whole intervals, the 10 ms included. */
function loopDelay(): GatewayLoopDelay {
  const lateMs = (ns: number): number => Math.max(0, ns / 1e6 - loopResolutionMs)
  const delay = {
    p50Ms: lateMs(loop.percentile(50)),
    p99Ms: lateMs(loop.percentile(99)),
    maxMs: lateMs(loop.max),
  }
  loop.reset()
  return delay
}

function memory(): GatewayMemory {
  // Twice: the first collection's finalizers may free more for the second.
  globalThis.gc?.()
  globalThis.gc?.()
  const usage = process.memoryUsage()
  return { rss: usage.rss, heapUsed: usage.heapUsed, external: usage.external }
}

let stopping: Promise<void> | null = null
function stop(): Promise<void> {
  stopping ??= gateway.close()
  return stopping
}

async function answer(command: GatewayChildCommand): Promise<GatewayChildReply> {
  switch (command.type) {
    case 'memory':
      return { type: 'memory', memory: memory() }
    case 'loop-delay':
      return { type: 'loop-delay', delay: loopDelay() }
    case 'open-count':
      return { type: 'open-count', open: await gateway.ussd.store.openCount() }
    case 'stop':
      await stop()
      return { type: 'stopped' }
  }
}

process.on('message', (command: GatewayChildCommand) => {
  answer(command).then(
    (reply) => {
      send(reply)
      if (reply.type === 'stopped') process.disconnect()
    },
    (error: unknown) =>
      send({ type: 'failed', error: error instanceof Error ? error.message : String(error) }),
  )
})
process.once('disconnect', () => {
  void stop().finally(() => process.exit(0))
})
send({
  type: 'ready',
  url: gateway.url,
  smpp:
    gateway.smpp === null
      ? null
      : {
          ...gateway.smpp,
          systemId: gateway.config.smpp.systemId,
          password: gateway.config.smpp.password,
          shortCode: gateway.config.sms.shortCode,
          adminToken: gateway.config.adminToken,
        },
})
