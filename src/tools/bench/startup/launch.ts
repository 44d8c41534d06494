/**
 * launch.ts - one start of one side of the start-up benchmark: a child process spawned on free
 * ports and a fresh data directory, GET /healthz polled until it answers 200 (the time from the
 * spawn to that answer), then left idle and its resident memory read from /proc/<pid>/status
 * (VmRSS), and its CPU time to ready from /proc/<pid>/stat; then stopped with SIGTERM.
 * Exports launchOnce, freePort, StartupSide and StartupSample.
 */
import { spawn } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { request } from 'node:http'
import { createServer } from 'node:net'
import { performance } from 'node:perf_hooks'
import { setTimeout as sleep } from 'node:timers/promises'

/** How a side is started: the program and arguments after `node`, given its ports and dir. */
export interface StartupSide {
  readonly name: string
  /** What it runs, for the report. */
  readonly label: string
  args(ports: { readonly http: number; readonly smpp: number }, dir: string): string[]
  readonly env: NodeJS.ProcessEnv
}

export interface StartupSample {
  readonly readyMs: number
  readonly rssBytes: number
  /** User and system CPU time the process used until it was ready. */
  readonly cpuMs: number
}

const pollIntervalMs = 5
const readyTimeoutMs = 60_000
const stopTimeoutMs = 10_000

/** A port nobody listens on now (the kernel's choice, released at once). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer()
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => {
      const address = server.address()
      const port = typeof address === 'object' && address !== null ? address.port : 0
      server.close(() => resolve(port))
    })
  })
}

function healthy(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const req = request({ host: '127.0.0.1', port, path: '/healthz', agent: false }, (res) => {
      res.resume()
      res.once('end', () => resolve(res.statusCode === 200))
    })
    req.once('error', () => resolve(false))
    req.end()
  })
}

/** VmRSS of /proc/<pid>/status in bytes (Linux; the benchmark's machine). */
function residentBytes(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8')
  const kib = /^VmRSS:\s+(\d+)\s+kB/m.exec(status)?.[1]
  if (kib === undefined) throw new Error(`no VmRSS in /proc/${pid}/status`)
  return Number(kib) * 1024
}

/** utime + stime of /proc/<pid>/stat in milliseconds (clock ticks of 10 ms on Linux). */
function cpuMsOf(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
  // The fields after the command name, which is in parentheses and may hold spaces.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
  const ticksPerSecond = 100
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / ticksPerSecond
}

/** Starts `side` once in `dir`, measures it, stops it. */
export async function launchOnce(
  side: StartupSide,
  dir: string,
  idleMs: number,
): Promise<StartupSample> {
  const ports = { http: await freePort(), smpp: await freePort() }
  const output: string[] = []
  const started = performance.now()
  const child = spawn(process.execPath, side.args(ports, dir), {
    env: side.env,
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let exited = false
  const exit = new Promise<void>((resolve) =>
    child.once('exit', () => {
      exited = true
      resolve()
    }),
  )
  for (const stream of [child.stdout, child.stderr])
    stream.on('data', (chunk: Buffer) => output.push(chunk.toString('utf8')))
  try {
    let readyMs: number | null = null
    while (readyMs === null) {
      if (exited) throw new Error(`${side.name} exited before it was ready:\n${output.join('')}`)
      if (performance.now() - started > readyTimeoutMs)
        throw new Error(`${side.name} was not ready after ${readyTimeoutMs} ms`)
      if (await healthy(ports.http)) readyMs = performance.now() - started
      else await sleep(pollIntervalMs)
    }
    const pid = child.pid ?? 0
    const cpuMs = cpuMsOf(pid)
    await sleep(idleMs)
    return { readyMs, rssBytes: residentBytes(pid), cpuMs }
  } finally {
    child.kill('SIGTERM')
    const stopped = await Promise.race([exit.then(() => true), sleep(stopTimeoutMs, false)])
    if (!stopped) child.kill('SIGKILL')
    await exit
  }
}
