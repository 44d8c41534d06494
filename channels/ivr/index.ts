/**
 * index.ts - starts the IVR channel on the gateway's ChannelContext: its call store (calls in
 * progress in the dialog store and call records, both in ivr.sqlite in the data directory), the
 * call service over the call engine (channels/ivr/flow
 * over the scripts in menus/ivr), and an express Router with the channel's faces for
 * src/http/app.ts to mount: the JSON simulation API (`/ivr/calls`), TwiML (`POST /ivr/twiml`),
 * VoiceXML (`/ivr/vxml`) and spoken prompts (`GET /ivr/prompts/:id.wav`); plus `adminRouter`,
 * the call records, for the gateway to mount at /admin/api/calls behind the admin token. The
 * gateway calls sweep() with its other sweeps (duration and idle caps) and close() on shutdown.
 * Exports startIvrChannel, RunningIvrChannel, IvrChannelConfig, IvrChannelOptions.
 */
import type { Router } from 'express'
import express from 'express'
import type { Language } from '../../src/core/index.js'
import type { ChannelContext } from '../../src/gateway/context.js'
import { swappable } from '../../src/gateway/menus/index.js'
import { CallStore } from './call-store.js'
import type { IvrEngine, Prompt } from './contract.js'
import { defaultIvrScriptDir, ivrFlowLimits, loadIvrEngine, readScripts } from './flow/index.js'
import { IvrService } from './ivr-service.js'
import type { IvrLimits } from './limits.js'
import { checkIvrLimits, defaultIvrLimits } from './limits.js'
import { PromptRegistry } from './prompt-registry.js'
import { promptsRoute } from './prompts-route.js'
import { callsAdminRouter, simulationRouter } from './simulation-api.js'
import { SpeechRenderer } from './speech.js'
import { twimlRoute } from './twiml.js'
import { vxmlRoute } from './vxml.js'

/**
 * What the channel reads of the configuration. `ivrLimits` (not in config.ts yet) overrides the
 * bounds of limits.ts; `ivrScriptsDir` the scripts' folder (menus/ivr).
 */
export interface IvrChannelConfig {
  readonly ivrLimits?: Partial<IvrLimits>
  readonly ivrScriptsDir?: string
}

export interface IvrChannelOptions {
  /** The call engine; absent: channels/ivr/flow's, over the scripts in `ivrScriptsDir`. */
  readonly engine?: IvrEngine
  /** The speech tools' commands (tests point them at missing programs). */
  readonly speechCommands?: { readonly espeak: string; readonly sox: string }
}

export interface RunningIvrChannel {
  /** The channel's faces; mount at the root of the HTTP app. */
  readonly router: Router
  /** The call records (`GET /`); mount at /admin/api/calls behind the admin token. */
  readonly adminRouter: Router
  readonly service: IvrService
  readonly store: CallStore
  readonly limits: IvrLimits
  readonly speech: SpeechRenderer
  ready(): boolean
  /**
   * Reads the call scripts again and serves them to every call from its next event; throws with
   * every problem and keeps the scripts it had. False: the channel was given its engine.
   */
  reloadScripts(): boolean
  /** Ends calls past the duration cap or idle too long. */
  sweep(): Promise<void>
  /** Waits for commands that missed their deadline (their SMS), then closes the store. */
  close(): Promise<void>
}

export function startIvrChannel(
  config: IvrChannelConfig,
  ctx: ChannelContext,
  options: IvrChannelOptions = {},
): RunningIvrChannel {
  const limits: IvrLimits = { ...defaultIvrLimits, ...(config.ivrLimits ?? {}) }
  const problems = checkIvrLimits(limits)
  if (problems.length > 0) throw new Error(`ivr limits: ${problems.join('; ')}`)
  // Scripts with problems stop start-up (loadIvrEngine throws, naming each), like a bad config
  // value.
  const load = (): IvrEngine =>
    options.engine ??
    loadIvrEngine(config.ivrScriptsDir ?? defaultIvrScriptDir, {
      defaultFunding: ctx.accounts.defaultFunding,
    })
  // Swappable: a reload of the script files (SIGHUP) replaces it under the calls in progress.
  const engines = swappable(load())
  const engine = engines.value
  const store = new CallStore(ctx.workingFile('ivr.sqlite'), limits)
  const prompts = new PromptRegistry(
    limits.promptsKnownMax,
    options.engine === undefined ? scriptPrompts(config.ivrScriptsDir ?? defaultIvrScriptDir) : [],
  )
  const speech = new SpeechRenderer(
    ctx.workingFile('ivr-prompts'),
    limits,
    ctx.log,
    options.speechCommands,
  )
  const service = new IvrService({
    engine,
    store,
    runner: ctx.dialogRunner('ivr', limits),
    clock: ctx.clock,
    log: ctx.log,
    metrics: ctx.metrics,
    limits,
    prompts,
    languageOf: async (msisdn): Promise<Language | null> =>
      (await ctx.identify(msisdn))?.language ?? null,
  })
  ctx.metrics.gauge('telepay_ivr_calls_active', 'IVR calls in progress', [], () => [
    { labels: {}, value: store.openCount },
  ])

  const router = express.Router()
  router.use(simulationRouter({ ivr: service, store, limits }))
  router.post('/ivr/twiml', ...twimlRoute({ ivr: service, limits, log: ctx.log }))
  const vxml = vxmlRoute({ ivr: service, limits, log: ctx.log })
  router.get('/ivr/vxml', ...vxml)
  router.post('/ivr/vxml', ...vxml)
  router.get('/ivr/prompts/:file', promptsRoute({ prompts, speech }))
  let closed = false
  return {
    router,
    adminRouter: callsAdminRouter({ store, service, limits }),
    service,
    store,
    limits,
    speech,
    ready: () => !closed,
    reloadScripts() {
      if (options.engine !== undefined) return false
      engines.replace(load())
      return true
    },
    async sweep() {
      if (!closed) await service.sweep()
    },
    async close() {
      closed = true
      await service.drained()
      await store.close()
    },
  }
}

/**
 * The scripts' fixed prompts (a state's question and its spelled-out help, in both languages),
 * so GET /ivr/prompts/:id.wav renders them before any call played them. Prompts with
 * {placeholders} (amounts, payees) exist only once a call has filled them in.
 */
function scriptPrompts(dir: string): Prompt[] {
  const prompts: Prompt[] = []
  for (const [name, state] of readScripts(dir, ivrFlowLimits).scripts.states) {
    const texts = [
      ['say', 'say' in state ? state.say : null],
      ['help', 'help' in state ? state.help : null],
    ] as const
    for (const [part, text] of texts) {
      if (text === null || text === undefined) continue
      for (const language of ['en', 'zh'] as const) {
        const words = text[language]
        if (words !== undefined && !words.includes('{'))
          prompts.push({ id: `${name}.${part}`, language, text: words })
      }
    }
  }
  return prompts
}
