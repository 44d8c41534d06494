/**
 * speech.ts - spoken prompts as audio: a prompt's text rendered to 8 kHz mono 16-bit WAV (what
 * telephony plays) by espeak-ng, resampled by sox, cached on disk under the data directory by a
 * hash of voice and text. The tools are optional: without them the renderer says so and the
 * channel works on (platforms speak the text themselves). Renders run a few at a time, each with
 * a timeout, and the cache keeps a bounded number of files. Exports SpeechRenderer, SpeechResult.
 */

import { execFile } from 'node:child_process'
import { createHash } from 'node:crypto'
import { existsSync, mkdirSync, readdirSync, renameSync, rmSync, statSync } from 'node:fs'
import { join } from 'node:path'
import type { Language } from '../../src/core/index.js'
import { assertNever } from '../../src/core/index.js'
import type { Logger } from '../../src/service/log.js'
import type { Prompt } from './contract.js'
import type { IvrLimits } from './limits.js'

export type SpeechResult =
  | { readonly ok: true; readonly path: string; readonly cached: boolean }
  | {
      readonly ok: false
      readonly why: 'tools_missing' | 'too_long' | 'busy' | 'failed'
      readonly message: string
    }

/** The espeak-ng voice of a language: American English, Mandarin. */
function voiceOf(language: Language): string {
  switch (language) {
    case 'en':
      return 'en-us'
    case 'zh':
      return 'cmn'
    default:
      return assertNever(language)
  }
}

export class SpeechRenderer {
  private tools: Promise<string | null> | null = null
  private running = 0
  /** Renders in flight by cache file: two requests for one new prompt share one render. */
  private readonly inFlight = new Map<string, Promise<SpeechResult>>()

  constructor(
    private readonly cacheDir: string,
    private readonly limits: IvrLimits,
    private readonly log: Logger,
    private readonly commands: { readonly espeak: string; readonly sox: string } = {
      espeak: 'espeak-ng',
      sox: 'sox',
    },
  ) {}

  /** Null when espeak-ng and sox both run; else what is missing (checked once). */
  missingTools(): Promise<string | null> {
    this.tools ??= Promise.all([
      runs(this.commands.espeak, ['--version']),
      runs(this.commands.sox, ['--version']),
    ]).then(([espeak, sox]) => {
      const missing = [espeak ? null : 'espeak-ng', sox ? null : 'sox'].filter(
        (name) => name !== null,
      )
      return missing.length === 0
        ? null
        : `${missing.join(' and ')} not installed (apt-get install espeak-ng sox)`
    })
    return this.tools
  }

  async render(prompt: Prompt): Promise<SpeechResult> {
    const missing = await this.missingTools()
    if (missing !== null)
      return {
        ok: false,
        why: 'tools_missing',
        message: `spoken prompts are unavailable: ${missing}`,
      }
    if (prompt.text.length > this.limits.speechTextLengthMax)
      return {
        ok: false,
        why: 'too_long',
        message: `prompt texts are limited to ${this.limits.speechTextLengthMax} characters`,
      }
    const voice = voiceOf(prompt.language)
    const name = createHash('sha256').update(`${voice}\n${prompt.text}`).digest('hex').slice(0, 32)
    const path = join(this.cacheDir, `${name}.wav`)
    if (existsSync(path)) return { ok: true, path, cached: true }
    const pending = this.inFlight.get(path)
    if (pending !== undefined) return pending
    if (this.running >= this.limits.speechRendersMax)
      return {
        ok: false,
        why: 'busy',
        message: 'prompts are being rendered; try again in a moment',
      }
    const rendering = this.renderNew(prompt, voice, path).finally(() => this.inFlight.delete(path))
    this.inFlight.set(path, rendering)
    return rendering
  }

  private async renderNew(prompt: Prompt, voice: string, path: string): Promise<SpeechResult> {
    this.running += 1
    const started = performance.now()
    const raw = `${path}.${process.pid}.raw.wav`
    const resampled = `${path}.${process.pid}.tmp.wav`
    try {
      mkdirSync(this.cacheDir, { recursive: true })
      const timeoutMs = this.limits.speechRenderTimeoutMs
      // The text goes as an argument after `--`, never through a shell.
      await run(this.commands.espeak, ['-v', voice, '-w', raw, '--', prompt.text], timeoutMs)
      await run(
        this.commands.sox,
        [raw, '-r', '8000', '-c', '1', '-b', '16', '-e', 'signed-integer', resampled],
        timeoutMs,
      )
      // Renamed into place whole: a reader never sees half a file.
      renameSync(resampled, path)
      this.trimCache()
      this.log.info('ivr prompt rendered', {
        prompt: prompt.id,
        language: prompt.language,
        chars: prompt.text.length,
        ms: Math.round(performance.now() - started),
      })
      return { ok: true, path, cached: false }
    } catch (error) {
      this.log.warn('ivr prompt render failed', {
        prompt: prompt.id,
        language: prompt.language,
        error: error instanceof Error ? error.message : String(error),
      })
      return { ok: false, why: 'failed', message: 'the prompt could not be rendered' }
    } finally {
      this.running -= 1
      rmSync(raw, { force: true })
      rmSync(resampled, { force: true })
    }
  }

  /**
   * Keeps speechCacheFilesMax files: past it the oldest tenth goes (a tenth, so trims are rare).
   */
  private trimCache(): void {
    const files = readdirSync(this.cacheDir).filter((name) => /^[0-9a-f]{32}\.wav$/.test(name))
    if (files.length <= this.limits.speechCacheFilesMax) return
    const byAge = files
      .map((name) => ({ name, mtimeMs: statSync(join(this.cacheDir, name)).mtimeMs }))
      .sort((a, b) => a.mtimeMs - b.mtimeMs)
    const excess = files.length - Math.floor(this.limits.speechCacheFilesMax * 0.9)
    for (const file of byAge.slice(0, excess))
      rmSync(join(this.cacheDir, file.name), { force: true })
  }
}

function run(command: string, args: readonly string[], timeoutMs: number): Promise<void> {
  return new Promise((resolve, reject) => {
    execFile(command, args, { timeout: timeoutMs, killSignal: 'SIGKILL' }, (error) =>
      error === null ? resolve() : reject(error),
    )
  })
}

function runs(command: string, args: readonly string[]): Promise<boolean> {
  return run(command, args, 5_000).then(
    () => true,
    () => false,
  )
}
