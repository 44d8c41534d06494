/**
 * handlebars.ts - handlebars, required when the first page is rendered rather than when the
 * gateway starts: its import is some 35 ms of every start (docs/build.md), and a gateway may
 * serve no WAP page for a long while. It is CommonJS, so require loads it synchronously.
 * Exports handlebars.
 */
import { createRequire } from 'node:module'

type HandlebarsModule = typeof import('handlebars')

const requireHere = createRequire(import.meta.url)
let loaded: HandlebarsModule | null = null

export function handlebars(): HandlebarsModule {
  loaded ??= requireHere('handlebars') as HandlebarsModule
  return loaded
}
