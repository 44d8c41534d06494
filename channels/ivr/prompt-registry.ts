/**
 * prompt-registry.ts - the texts behind prompt ids, for GET /ivr/prompts/:id.wav: the channel's
 * own prompts, the scripts' texts when the engine's loader offers them, and the last text played
 * under each id and language (prompts with amounts differ per call; the last one is what a
 * listener just heard). Bounded: the least recently played entries go first. Exports
 * PromptRegistry.
 */
import type { Language } from '../../src/core/index.js'
import type { Prompt } from './contract.js'
import type { ChannelPromptKey } from './texts.js'
import { channelPrompt } from './texts.js'

const channelKeys: readonly ChannelPromptKey[] = [
  'lines_busy',
  'call_lost',
  'unavailable',
  'answer_by_sms',
]
const languages: readonly Language[] = ['en', 'zh']

/** Prompt ids as the scripts write them: letters, digits, `.`, `_`, `-`. */
export const promptIdPattern = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/

export class PromptRegistry {
  /** `${language}:${id}` -> text, least recently played first. */
  private readonly texts = new Map<string, string>()

  constructor(
    private readonly knownMax: number,
    seed: readonly Prompt[] = [],
  ) {
    for (const key of channelKeys)
      for (const language of languages) this.played(channelPrompt(key, language))
    for (const prompt of seed) this.played(prompt)
  }

  played(prompt: Prompt): void {
    const key = `${prompt.language}:${prompt.id}`
    this.texts.delete(key)
    this.texts.set(key, prompt.text)
    if (this.texts.size > this.knownMax) {
      const oldest = this.texts.keys().next()
      if (oldest.done !== true) this.texts.delete(oldest.value)
    }
  }

  /** The text of an id in a language; without a language, English first, then Chinese. */
  find(id: string, language: Language | null): Prompt | null {
    for (const candidate of language === null ? languages : [language]) {
      const text = this.texts.get(`${candidate}:${id}`)
      if (text !== undefined) return { id, language: candidate, text }
    }
    return null
  }
}
