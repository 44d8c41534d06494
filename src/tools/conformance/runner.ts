/**
 * runner.ts - runs conformance scripts against a gateway over its real protocols. Without a
 * target it starts a fresh gateway for each script (an empty database in a temporary directory,
 * the default world, a test clock, an ephemeral port, the operating model the script names) and
 * stops it afterwards; a target must already run the model a script names. `{{today}}` in a
 * step is the gateway's local date.
 */

import { randomUUID } from 'node:crypto'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { performance } from 'node:perf_hooks'
import { loadConfig } from '../../config.js'
import type { OperatingModelId } from '../../core/index.js'
import { defaultLimits, localDateOf } from '../../core/index.js'
import type { Gateway } from '../../gateway.js'
import { startGateway } from '../../gateway.js'
import { silentLogger } from '../../service/log.js'
import { simulatedParties } from '../world/simulated-parties.js'
import type { ScriptContext } from './context.js'
import { StepFailure } from './context.js'
import { httpCall } from './http-steps.js'
import type { Script } from './script.js'
import { plannedSteps, stepHandlers } from './steps.js'

export interface RunOptions {
  /** A running gateway's base URL; null starts a fresh one per script. */
  readonly target: string | null
  readonly smpp: { readonly host: string; readonly port: number } | null
  /** A target's ISO 8583 host (--pos); default the target's host on 8583. */
  readonly pos?: { readonly host: string; readonly port: number } | null
  readonly adminToken: string
  /** Bind credentials for --smpp; default telepay/telepay (SPEC section 1). */
  readonly smppSystemId?: string
  readonly smppPassword?: string
}

export interface ScriptOutcome {
  readonly file: string
  readonly name: string
  readonly ok: boolean
  readonly stepsRun: number
  readonly failure: string | null
  readonly ms: number
}

async function freshGateway(
  operatingModel: OperatingModelId | null,
): Promise<{ gateway: Gateway; dir: string }> {
  const dir = mkdtempSync(join(tmpdir(), 'telepay-conformance-'))
  const config = loadConfig({
    env: {},
    cwd: dir,
    overrides: {
      dataDir: dir,
      clock: 'test',
      world: 'default',
      logLevel: 'silent',
      http: { host: '127.0.0.1', port: 0 },
      smpp: { host: '127.0.0.1', port: 0 },
      pos: { host: '127.0.0.1', port: 0 },
      ...(operatingModel === null ? {} : { operatingModel }),
    },
  })
  const gateway = await startGateway(config, { ...simulatedParties(config), log: silentLogger })
  return { gateway, dir }
}

/** Where the scripts' shop terminals connect: the fresh gateway's host, --pos, or the target's. */
function posOf(
  options: RunOptions,
  gateway: Gateway | null,
  target: string,
): { host: string; port: number } | null {
  if (gateway !== null)
    return gateway.pos === null ? null : { host: '127.0.0.1', port: gateway.pos.port }
  return options.pos ?? { host: new URL(target).hostname, port: 8583 }
}

export async function runScript(script: Script, options: RunOptions): Promise<ScriptOutcome> {
  const started = performance.now()
  const fresh = options.target === null ? await freshGateway(script.operatingModel) : null
  const target = options.target ?? fresh?.gateway.url ?? ''
  const context: ScriptContext = {
    target,
    smpp: options.smpp ?? fresh?.gateway.smpp ?? { host: '127.0.0.1', port: 2775 },
    pos: posOf(options, fresh?.gateway ?? null, target),
    adminToken: options.adminToken,
    smppSystemId: options.smppSystemId ?? fresh?.gateway.config.smpp.systemId ?? 'telepay',
    smppPassword: options.smppPassword ?? fresh?.gateway.config.smpp.password ?? 'telepay',
    runId: randomUUID().slice(0, 8),
    scriptName: script.name,
    vars: new Map(),
    lastHttp: null,
    channelState: new Map(),
    cleanups: [],
  }
  let stepsRun = 0
  let failure: string | null = null
  try {
    // A target running another model would fail the script for the wrong reason: none runs.
    failure = fresh === null ? await targetModelProblem(script, context) : null
    for (const step of failure === null ? script.steps : []) {
      const handler = stepHandlers[step.kind]
      if (handler === undefined) {
        const planned = plannedSteps[step.kind]
        const why =
          planned === undefined
            ? 'unknown step kind'
            : `needs ${planned}, which this telepay does not have yet`
        failure = `step ${step.index} (${step.kind}): ${why}`
        break
      }
      try {
        if (todayPattern.test(JSON.stringify(step.args ?? null)))
          context.vars.set('today', await todayOf(fresh?.gateway ?? null, context))
        await handler(step.args, context)
        stepsRun += 1
      } catch (error) {
        const message =
          error instanceof StepFailure
            ? error.message
            : `${error instanceof Error ? error.message : String(error)}`
        const own = message.startsWith(`${step.kind}: `)
          ? message.slice(step.kind.length + 2)
          : message
        failure = `step ${step.index} (${step.kind}): ${own}`
        break
      }
    }
  } finally {
    for (const cleanup of context.cleanups.reverse()) await cleanup().catch(() => undefined)
    if (fresh !== null) {
      await fresh.gateway.close()
      rmSync(fresh.dir, { recursive: true, force: true })
    }
  }
  return {
    file: script.file,
    name: script.name,
    ok: failure === null,
    stepsRun,
    failure,
    ms: Math.round(performance.now() - started),
  }
}

const todayPattern = /\{\{\s*today\s*\}\}/

/**
 * `{{today}}`: the gateway's local date as the step runs (a settlement of the day's payments
 * names it). A fresh gateway's clock and day boundary are known; a target's test clock says its
 * time when moved by nothing, and a target on the system clock shares the runner's. A target is
 * taken to keep SPEC's day boundary (China Standard Time).
 */
async function todayOf(gateway: Gateway | null, context: ScriptContext): Promise<string> {
  if (gateway !== null) return localDateOf(gateway.clock.nowMs(), gateway.config.limits)
  const clock = await httpCall(
    context,
    'POST',
    '/admin/api/clock',
    { authorization: `Bearer ${context.adminToken}` },
    { advanceSeconds: 0 },
  )
  const now = (clock.json as { now?: unknown } | null)?.now
  const nowMs = clock.status === 200 && typeof now === 'string' ? Date.parse(now) : Date.now()
  return localDateOf(nowMs, defaultLimits)
}

/**
 * Why a running target cannot run the script: it runs another operating model than the script
 * needs (its rules and fees would fail the script for the wrong reason). Null when it may run.
 */
async function targetModelProblem(script: Script, context: ScriptContext): Promise<string | null> {
  if (script.operatingModel === null) return null
  const answer = await httpCall(context, 'GET', '/admin/api/operating-model', {
    authorization: `Bearer ${context.adminToken}`,
  })
  const running = (answer.json as { operatingModel?: unknown } | null)?.operatingModel
  if (answer.status !== 200 || typeof running !== 'string')
    return (
      'the target does not say its operating model ' +
      `(GET /admin/api/operating-model answered ${answer.status})`
    )
  if (running === script.operatingModel) return null
  return (
    `the target runs operating model ${running}; this script needs ${script.operatingModel} ` +
    `(telepay start --operating-model ${script.operatingModel})`
  )
}
