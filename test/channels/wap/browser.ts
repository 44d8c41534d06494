/**
 * browser.ts - a WAP handset for the tests: browses a gateway over real HTTP with a persona's
 * Accept and User-Agent (the conformance steps' personas), optionally with the operator's MSISDN
 * header and from a chosen local address, keeps the last page parsed, follows links by key or
 * label and submits forms. Exports Browser.
 */
import type { WapMarkup } from '../../../src/tools/conformance/wap-page.js'
import { findLink, formBody } from '../../../src/tools/conformance/wap-page.js'
import { wapRequest } from '../../../src/tools/conformance/wap-steps.js'

type Answer = Awaited<ReturnType<typeof wapRequest>>

export class Browser {
  last: Answer | null = null
  lastSubmit: { url: string; body: string } | null = null

  constructor(
    private readonly target: string,
    readonly as: WapMarkup,
    private readonly identity: { msisdn?: string; from?: string } = {},
  ) {}

  private async fetch(
    path: string,
    method: 'GET' | 'POST' = 'GET',
    body?: string,
  ): Promise<Answer> {
    this.last = await wapRequest(this.target, path, {
      as: this.as,
      msisdn: this.identity.msisdn ?? null,
      from: this.identity.from ?? null,
      method,
      ...(body === undefined ? {} : { body }),
    })
    return this.last
  }

  get(path: string): Promise<Answer> {
    return this.fetch(path)
  }

  get text(): string {
    return this.last?.page?.text ?? ''
  }

  follow(wanted: string): Promise<Answer> {
    const page = this.last?.page
    if (page == null) throw new Error('no page to follow a link on')
    const link = findLink(page, wanted)
    if (link === null) throw new Error(`no link ${wanted} on ${page.text}`)
    return this.fetch(link.href)
  }

  submit(fields: Record<string, string> = {}): Promise<Answer> {
    const form = this.last?.page?.form
    if (form == null) throw new Error(`no form on ${this.text}`)
    const built = formBody(form, fields)
    if ('unknown' in built) throw new Error(`no field ${built.unknown} on ${this.text}`)
    this.lastSubmit = { url: form.action, body: built.body.toString() }
    return this.fetch(form.action, 'POST', this.lastSubmit.body)
  }

  /** Back and submit the same form again, as sent. */
  resubmit(): Promise<Answer> {
    if (this.lastSubmit === null) throw new Error('nothing submitted yet')
    return this.fetch(this.lastSubmit.url, 'POST', this.lastSubmit.body)
  }
}
