/**
 * templates.ts - loads and compiles the handlebars templates of each markup from
 * menus/wap/<markup>/ (layout.hbs is the page, every other .hbs a partial named after its file,
 * style.css the partial `style`), once per folder, each markup in its own handlebars environment
 * so partials of one markup never leak into another.
 */
import assert from 'node:assert/strict'
import { readdirSync, readFileSync } from 'node:fs'
import { basename, extname, join } from 'node:path'
import { repositoryPath } from '../../../src/gateway/repository-path.js'
import type { Markup } from '../contract.js'
import { handlebars } from './handlebars.js'
import type { PageView } from './view-model.js'

/** Where the operator-editable templates live. */
export const defaultTemplatesDir = repositoryPath('menus/wap/')

export type PageTemplate = (view: PageView) => string

const compiled = new Map<string, PageTemplate>()

function compileMarkup(dir: string): PageTemplate {
  const env = handlebars().create()
  let layout: string | null = null
  for (const file of readdirSync(dir).sort()) {
    const ext = extname(file)
    if (ext !== '.hbs' && ext !== '.css') continue
    const source = readFileSync(join(dir, file), 'utf8')
    const name = basename(file, ext)
    if (file === 'layout.hbs') layout = source
    else env.registerPartial(name, source)
  }
  assert.ok(layout !== null, `no layout.hbs in ${dir}`)
  // strict: a misspelt name in a restyled template fails at once instead of rendering nothing.
  const template = env.compile<PageView>(layout, { strict: true, noEscape: false })
  return (view) => template(view)
}

export function templateFor(
  markup: Markup,
  templatesDir: string = defaultTemplatesDir,
): PageTemplate {
  const dir = join(templatesDir, markup)
  let template = compiled.get(dir)
  if (template === undefined) {
    template = compileMarkup(dir)
    compiled.set(dir, template)
  }
  return template
}
