/**
 * routes.ts - the gateway's own web pages on its HTTP port: `/` (the landing page), `/handset`
 * (the web phone; `/phone` redirects to it), `/static/*` (the pages' stylesheet, ES modules and
 * data, read from src/web/static as they are: no build step), `/docs` (the API reference,
 * rendered from the OpenAPI document; `/docs/` redirects to it), `/docs/*` (the project's
 * documents as plain text, read-only) and the handset's WAP gateway (wap-proxy.ts). The
 * handset and its proxy need the simulated network (simulator mode); in operator mode the
 * handset page says so and the proxy is not mounted. Exports webRoutes and WebRoutesDeps.
 */
import { readdirSync } from 'node:fs'
import type { Request, Response, Router } from 'express'
import express from 'express'
import { repositoryPath } from '../gateway/repository-path.js'
import { openApiDocument } from '../http/openapi/document.js'
import { docsPage } from './docs-page.js'
import type { HandsetSubscriber } from './handset-page.js'
import { handsetPage } from './handset-page.js'
import { webLanguageOf } from './labels.js'
import { landingPage } from './landing-page.js'
import { wapProxy } from './wap-proxy.js'

export interface WebRoutesDeps {
  /** The first subscribers of the world, for the handset's number picker. */
  subscriberList(limit: number): Promise<readonly HandsetSubscriber[]>
  /** Whether the simulated network runs (simulator mode): the handset needs it. */
  readonly simulator: boolean
}

/**
 * The subscribers the picker lists: the default world has three; a benchmark's world has a
 * million, and a list longer than a screen is typed faster than scrolled (the picker takes any
 * number typed).
 */
const pickerSubscribersMax = 50

/**
 * The documents served: docs/ and docs/channels/, Markdown only, listed once at start. An install
 * without docs/ (a slim image) serves none rather than failing to start.
 */
function documents(): string[] {
  const markdownIn = (folder: string): string[] => {
    try {
      return readdirSync(repositoryPath(folder)).filter((name) => name.endsWith('.md'))
    } catch {
      return []
    }
  }
  const channels = markdownIn('docs/channels').map((name) => `channels/${name}`)
  return [...markdownIn('docs'), ...channels].sort()
}

export function webRoutes(deps: WebRoutesDeps): Router {
  const router = express.Router()
  const docs = documents()
  const sendHtml = (response: Response, text: string): void => {
    response.type('html').set('cache-control', 'no-cache').send(text)
  }

  router.get('/', (request: Request, response: Response) => {
    sendHtml(response, landingPage(webLanguageOf(request.query['lang']), docs).text)
  })
  router.get('/phone', (request: Request, response: Response) => {
    const query = request.originalUrl.indexOf('?')
    response.redirect(302, `/handset${query === -1 ? '' : request.originalUrl.slice(query)}`)
  })
  router.get('/handset', async (request: Request, response: Response) => {
    const subscribers = deps.simulator ? await deps.subscriberList(pickerSubscribersMax) : []
    const language = webLanguageOf(request.query['lang'])
    sendHtml(response, handsetPage(language, subscribers, deps.simulator).text)
  })
  router.use(
    '/static',
    express.static(repositoryPath('src/web/static'), {
      fallthrough: false,
      index: false,
      // Served from the working tree: a changed file is seen on the next load.
      cacheControl: true,
      maxAge: 0,
    }),
  )
  // Routing is not strict, so this route takes /docs/ too: that address once listed the
  // documents, which the reference's sidebar lists now.
  router.get('/docs', (request: Request, response: Response) => {
    if (request.path.endsWith('/')) {
      const query = request.originalUrl.indexOf('?')
      response.redirect(301, `/docs${query === -1 ? '' : request.originalUrl.slice(query)}`)
      return
    }
    const origin = `${request.protocol}://${request.get('host') ?? 'localhost'}`
    const language = webLanguageOf(request.query['lang'])
    sendHtml(response, docsPage(language, openApiDocument, docs, origin).text)
  })
  router.get('/docs/{*file}', (request: Request, response: Response) => {
    const file = request.path.slice('/docs/'.length)
    // Only the names listed at start: nothing outside docs/ can be asked for.
    if (!docs.includes(file)) {
      response.status(404).type('text/plain').send('No such document; see /docs')
      return
    }
    response
      .type('text/plain; charset=utf-8')
      .set('x-content-type-options', 'nosniff')
      .sendFile(repositoryPath(`docs/${file}`))
  })
  if (deps.simulator) router.use(wapProxy())
  return router
}
