/**
 * prompts-route.ts - `GET /ivr/prompts/:id.wav[?lang=en|zh]`: a prompt's text as 8 kHz mono WAV
 * (speech.ts). 404 for an id the channel does not know, 503 with a plain-text reason when
 * espeak-ng or sox is missing or the renderer is busy, 500 when a render fails. Exports
 * promptsRoute.
 */
import type { Request, RequestHandler, Response } from 'express'
import type { Language } from '../../src/core/index.js'
import type { PromptRegistry } from './prompt-registry.js'
import { promptIdPattern } from './prompt-registry.js'
import type { SpeechRenderer } from './speech.js'

export function promptsRoute(deps: {
  readonly prompts: PromptRegistry
  readonly speech: SpeechRenderer
}): RequestHandler {
  return async (request: Request, response: Response) => {
    const file = String(request.params['file'])
    const id = file.endsWith('.wav') ? file.slice(0, -'.wav'.length) : ''
    const lang = request.query['lang']
    const language: Language | null | undefined =
      lang === undefined ? null : lang === 'en' || lang === 'zh' ? lang : undefined
    if (!promptIdPattern.test(id) || language === undefined) {
      response
        .status(404)
        .type('text/plain')
        .send(
          'No such prompt: ask for /ivr/prompts/<prompt id>.wav, optionally ?lang=en or ?lang=zh',
        )
      return
    }
    const prompt = deps.prompts.find(id, language)
    if (prompt === null) {
      response
        .status(404)
        .type('text/plain')
        .send(`No prompt ${id}${language === null ? '' : ` in ${language}`} is known`)
      return
    }
    const rendered = await deps.speech.render(prompt)
    if (!rendered.ok) {
      const status = rendered.why === 'failed' ? 500 : rendered.why === 'too_long' ? 422 : 503
      response.status(status).type('text/plain').send(rendered.message)
      return
    }
    // Cached files are keyed by their text: a prompt id whose text changes gets a new file.
    response.status(200).type('audio/wav').set('cache-control', 'no-cache').sendFile(rendered.path)
  }
}
