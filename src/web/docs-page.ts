/**
 * docs-page.ts - `GET /docs`: the API reference, rendered on the server from the OpenAPI
 * document (src/http/openapi) so that the page and GET /api/openapi.json cannot disagree. Each
 * operation by tag, with its method and path, what it does, who may call it, its parameters,
 * its body's fields, its answers' fields, its refusals and their codes, and a curl example; a
 * sidebar lists the operations (filtered by a small script, docs.js, when scripts run) and the
 * project's documents. Nothing is fetched from elsewhere. Exports docsPage.
 */
import type {
  JsonSchema,
  OpenApiDocument,
  Operation,
  Parameter,
  Reference,
  ResponseObject,
} from '../http/openapi/types.js'
import { httpMethods } from '../http/openapi/types.js'
import type { Html } from './html.js'
import { html, joinHtml } from './html.js'
import type { WebLanguage } from './labels.js'
import { labelsOf } from './labels.js'
import { pageLayout } from './layout.js'
import type { FieldRow } from './schema-fields.js'
import { errorCodesOf, fieldRows } from './schema-fields.js'

type Label = (key: string) => string

interface Entry {
  readonly method: string
  readonly path: string
  readonly operation: Operation
}

/** Codes listed in full up to this many; more fold into a disclosure. */
const codesShownMax = 8

/** Tokens the curl examples use: the default world's first merchant, the default admin token. */
const exampleTokens: Readonly<Record<string, string>> = {
  merchantApiKey: 'test_key_1001',
  adminToken: 'test_admin_token',
}

/** Text with `code` spans, as the document's descriptions write them. */
function prose(text: string): Html {
  return joinHtml(
    text
      .split('`')
      .map((part, index) => (index % 2 === 1 ? html`<code>${part}</code>` : html`${part}`)),
  )
}

/** A path that may break after each slash, never inside a word. */
function breakablePath(path: string): Html {
  return joinHtml(
    path.split('/').map((part, index) => (index === 0 ? html`${part}` : html`/<wbr>${part}`)),
  )
}

function slug(text: string): string {
  return text.toLowerCase().replace(/[^a-z0-9]+/g, '-')
}

function entriesOf(doc: OpenApiDocument, tag: string): Entry[] {
  const entries: Entry[] = []
  for (const [path, item] of Object.entries(doc.paths))
    for (const method of httpMethods) {
      const operation = item[method]
      if (operation?.tags.includes(tag) === true)
        entries.push({ method: method.toUpperCase(), path, operation })
    }
  return entries
}

function resolveResponse(response: ResponseObject | Reference, doc: OpenApiDocument) {
  if (!('$ref' in response)) return response
  const name = response.$ref.replace('#/components/responses/', '')
  const shared = doc.components.responses[name]
  if (shared === undefined) throw new Error(`no response ${response.$ref}`)
  return { ...shared, description: response.description ?? shared.description }
}

/** The schemes an operation accepts, any one of them: the first is the one curl shows. */
function schemesOf(operation: Operation): string[] {
  return (operation.security ?? []).flatMap((requirement) => Object.keys(requirement))
}

const schemeLabels: Readonly<Record<string, string>> = {
  merchantApiKey: 'docs_auth_merchant',
  adminToken: 'docs_auth_admin',
  merchantSession: 'docs_auth_merchantSession',
  consoleSession: 'docs_auth_consoleSession',
}

function methodBadge(method: string): Html {
  return html`<span class="method method-${method.toLowerCase()}">${method}</span>`
}

function statusBadge(status: string): Html {
  return html`<span class="status status-${status.charAt(0)}xx">${status}</span>`
}

function fieldTable(rows: readonly FieldRow[], caption: string, t: Label): Html {
  if (rows.length === 0) return html``
  return html`<table class="fields">
  <caption class="visually-hidden">${caption}</caption>
  <thead><tr><th scope="col">${t('docs_field')}</th><th scope="col">${t('docs_type')}</th
    ><th scope="col">${t('docs_description')}</th></tr></thead>
  <tbody>${rows.map(
    (row) => html`<tr>
    <td><code class="field-name">${row.name}</code>${
      row.required ? '' : html` <span class="optional">${t('docs_optional')}</span>`
    }</td>
    <td class="field-type">${row.type}</td>
    <td>${prose(row.description)}${
      row.values.length === 0
        ? ''
        : html`<div class="values">${row.values.map((value) => html`<code>${value}</code> `)}</div>`
    }</td>
  </tr>`,
  )}</tbody>
</table>`
}

function parameterTable(parameters: readonly Parameter[], t: Label): Html {
  if (parameters.length === 0) return html``
  return html`<h4>${t('docs_parameters')}</h4>
<table class="fields">
  <caption class="visually-hidden">${t('docs_parameters')}</caption>
  <thead><tr><th scope="col">${t('docs_field')}</th><th scope="col">${t('docs_in')}</th
    ><th scope="col">${t('docs_type')}</th><th scope="col">${t('docs_description')}</th
  ></tr></thead>
  <tbody>${parameters.map(
    (parameter) => html`<tr>
    <td><code class="field-name">${parameter.name}</code>${
      parameter.required === true ? '' : html` <span class="optional">${t('docs_optional')}</span>`
    }</td>
    <td>${parameter.in}</td>
    <td class="field-type">${String(parameter.schema.type ?? 'string')}</td>
    <td>${prose(parameter.description)}${
      parameter.schema.enum === undefined
        ? ''
        : html`<div class="values">${parameter.schema.enum.map(
            (value) => html`<code>${String(value)}</code> `,
          )}</div>`
    }</td>
  </tr>`,
  )}</tbody>
</table>`
}

function requestBody(operation: Operation, doc: OpenApiDocument, t: Label): Html {
  const body = operation.requestBody
  if (body === undefined) return html``
  const [mediaType, content] = Object.entries(body.content)[0] ?? []
  if (mediaType === undefined || content === undefined) return html``
  const rows = mediaType.endsWith('json') ? fieldRows(content.schema, doc) : []
  return html`<h4>${t('docs_request_body')} <span class="media">${mediaType}${
    body.required ? '' : html`, ${t('docs_optional')}`
  }</span></h4>
${body.description === undefined ? '' : html`<p>${prose(body.description)}</p>`}
${fieldTable(rows, t('docs_request_body'), t)}`
}

function codeList(codes: readonly string[], t: Label): Html {
  const chips = codes.map((code) => html`<code class="code">${code}</code> `)
  if (codes.length <= codesShownMax) return html`<div class="codes">${chips}</div>`
  return html`<details class="codes"><summary>${t('docs_more_codes').replace(
    '{n}',
    String(codes.length),
  )}</summary>${chips}</details>`
}

function responses(operation: Operation, doc: OpenApiDocument, t: Label): Html {
  const answers: Html[] = []
  const refusals: Html[] = []
  for (const [status, raw] of Object.entries(operation.responses)) {
    const response = resolveResponse(raw, doc)
    const [mediaType, content] = Object.entries(response.content ?? {})[0] ?? []
    if (status.startsWith('2')) {
      const schema = content?.schema
      const named = schema?.$ref?.replace('#/components/schemas/', '')
      const json = mediaType?.endsWith('json') === true
      const rows = schema !== undefined && json ? fieldRows(schema, doc) : []
      // A text answer (CSV, an event stream) has no fields: its schema says what its lines are.
      const format = json ? undefined : schema?.description
      const headers = Object.entries(response.headers ?? {})
      answers.push(html`<div class="answer">
  <p>${statusBadge(status)} ${prose(response.description)} <span class="media">${mediaType ?? ''}${
    named === undefined ? '' : html` · ${named}`
  }</span></p>
  ${format === undefined ? '' : html`<p class="header-note">${prose(format)}</p>`}
  ${headers.map(
    ([name, header]) =>
      html`<p class="header-note"><code>${name}</code>: ${prose(header.description)}</p>`,
  )}
  ${fieldTable(rows, `${status} ${response.description}`, t)}
</div>`)
      continue
    }
    const codes = content === undefined ? [] : errorCodesOf(content.schema, doc)
    refusals.push(html`<tr>
  <td>${statusBadge(status)}</td>
  <td>${prose(response.description)}</td>
  <td>${codeList(codes, t)}</td>
</tr>`)
  }
  return html`<h4>${t('docs_responses')}</h4>
${answers}
${
  refusals.length === 0
    ? ''
    : html`<table class="fields refusals">
  <caption class="visually-hidden">${t('docs_refusals')}</caption>
  <thead><tr><th scope="col">${t('docs_status')}</th><th scope="col">${t('docs_description')}</th
    ><th scope="col">${t('docs_codes')}</th></tr></thead>
  <tbody>${refusals}</tbody>
</table>`
}`
}

function exampleValue(schema: JsonSchema, name: string): string {
  const example = schema.examples?.[0] ?? schema.default
  return example === undefined ? `<${name}>` : String(example)
}

function curlOf(origin: string, entry: Entry): string {
  const { method, operation } = entry
  const parameters = operation.parameters ?? []
  const path = entry.path.replace(/\{(\w+)\}/g, (_whole, name: string) => {
    const parameter = parameters.find((candidate) => candidate.name === name)
    return parameter === undefined ? `<${name}>` : exampleValue(parameter.schema, name)
  })
  const query = parameters
    .filter((parameter) => parameter.in === 'query' && parameter.required === true)
    .map((parameter) => `${parameter.name}=${exampleValue(parameter.schema, parameter.name)}`)
  const url = `${origin}${path}${query.length === 0 ? '' : `?${query.join('&')}`}`
  const streams = Object.values(operation.responses).some(
    (response) => 'content' in response && response.content?.['text/event-stream'] !== undefined,
  )
  // An event stream is printed as each event comes, not when curl's buffer fills.
  const curl = streams ? 'curl -N' : 'curl'
  const lines = [method === 'GET' ? `${curl} '${url}'` : `${curl} -X ${method} '${url}'`]
  const scheme = schemesOf(operation)[0]
  if (scheme !== undefined) lines.push(`-H 'Authorization: Bearer ${exampleTokens[scheme] ?? ''}'`)
  if (parameters.some((parameter) => parameter.name === 'Idempotency-Key'))
    lines.push(`-H 'Idempotency-Key: ${operation.operationId}-1'`)
  const [mediaType, content] = Object.entries(operation.requestBody?.content ?? {})[0] ?? []
  if (mediaType !== undefined && content?.example !== undefined) {
    lines.push(`-H 'Content-Type: ${mediaType}'`)
    lines.push(
      mediaType.endsWith('json')
        ? `-d '${JSON.stringify(content.example)}'`
        : '--data-binary @world.yaml',
    )
  }
  return lines.join(' \\\n  ')
}

function operationArticle(entry: Entry, doc: OpenApiDocument, origin: string, t: Label): Html {
  const { method, path, operation } = entry
  const schemes = schemesOf(operation).map((scheme) => t(schemeLabels[scheme] ?? scheme))
  const auth = schemes.length === 0 ? t('docs_auth_none') : schemes.join(t('docs_auth_or'))
  const id = `op-${operation.operationId}`
  // What the sidebar's filter matches the words typed against.
  const searched = `${method} ${path} ${operation.summary} ${operation.operationId}`
  return html`<article class="operation" id="${id}" data-op
  data-search="${searched.toLowerCase()}">
  <h3 class="op-title">${methodBadge(method)}
    <code class="op-path">${breakablePath(path)}</code></h3>
  <p class="op-summary">${operation.summary}</p>
  ${operation.description === undefined ? '' : html`<p>${prose(operation.description)}</p>`}
  <p class="auth"><span class="auth-label">${t('docs_auth')}:</span> ${auth} ·
    <code>${operation.operationId}</code></p>
  ${parameterTable(operation.parameters ?? [], t)}
  ${requestBody(operation, doc, t)}
  ${responses(operation, doc, t)}
  <h4>${t('docs_example')}</h4>
  <pre class="curl" tabindex="0"><code>${curlOf(origin, entry)}</code></pre>
</article>`
}

/** The description's paragraphs and `* ` bullets. */
function conventions(text: string): Html {
  const lines = text.split('\n').filter((line) => line.trim() !== '')
  const bullets = lines.filter((line) => line.startsWith('* '))
  const paragraphs = lines.filter((line) => !line.startsWith('* '))
  return html`${paragraphs.map((line) => html`<p>${prose(line)}</p>`)}
<ul class="conventions">${bullets.map((line) => html`<li>${prose(line.slice(2))}</li>`)}</ul>`
}

export function docsPage(
  language: WebLanguage,
  doc: OpenApiDocument,
  documents: readonly string[],
  origin: string,
): Html {
  const t = labelsOf(language)
  const groups = doc.tags.map((tag) => ({ tag, entries: entriesOf(doc, tag.name) }))
  const sidebar = html`<aside class="docs-nav" aria-label="${t('docs_operations')}">
  <label class="filter-label" for="op-filter">${t('docs_filter')}</label>
  <input id="op-filter" class="filter" type="search" autocomplete="off"
    placeholder="${t('docs_filter_placeholder')}" data-op-filter>
  ${groups.map(
    ({ tag, entries }) => html`<div data-op-group><p class="nav-tag" id="nav-${slug(tag.name)}"
    >${tag.name}</p>
  <ul class="nav-ops" aria-labelledby="nav-${slug(tag.name)}">${entries.map(
    ({ method, path, operation }) => html`<li data-op-link="op-${operation.operationId}">
    <a href="#op-${operation.operationId}">${methodBadge(method)}<span class="nav-path"
      >${breakablePath(path)}</span></a>
  </li>`,
  )}</ul></div>`,
  )}
  <p class="nav-tag" id="nav-documents">${t('docs_documents')}</p>
  <ul class="nav-docs" aria-labelledby="nav-documents">${documents.map(
    (document) => html`<li><a href="/docs/${document}">${document}</a></li>`,
  )}</ul>
</aside>`
  const main = html`<div class="docs-main">
  <header class="docs-head">
    <h1>${t('docs_title')}</h1>
    <p class="tagline">${doc.info.title}</p>
    <p class="doc-meta"><span class="pill">OpenAPI ${doc.openapi}</span>
      <span class="pill">v${doc.info.version}</span>
      <a class="button small" href="/api/openapi.json">${t('docs_openapi')}</a></p>
    ${conventions(doc.info.description)}
  </header>
  <p class="no-match" hidden data-op-none>${t('docs_no_match')}</p>
  ${groups.map(
    ({ tag, entries }) => html`<section class="tag" id="${slug(tag.name)}"
    aria-labelledby="${slug(tag.name)}-title" data-op-group>
    <h2 id="${slug(tag.name)}-title">${tag.name}</h2>
    <p class="tag-about">${prose(tag.description)}</p>
    ${entries.map((entry) => operationArticle(entry, doc, origin, t))}
  </section>`,
  )}
</div>`
  return pageLayout({
    title: `${t('docs_title')} · telepay`,
    language,
    path: '/docs',
    body: html`<div class="docs">${sidebar}${main}</div>`,
    scripts: ['docs.js'],
  })
}
