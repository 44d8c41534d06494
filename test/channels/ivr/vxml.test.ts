/**
 * vxml.test.ts - VoiceXML 2.1 at `/ivr/vxml` as a VoiceXML browser drives it: the first fetch
 * with the caller, then the documents' own submits (`callId step event digits`). Every document
 * is checked well-formed by `xmllint --noout` (libxml2-utils), or Python's expat parser when
 * xmllint is not installed (skipped, saying so, when neither is), and its <field> properties carry
 * the gather's timers, terminator and DTMF grammar. A paid order, noinput and nomatch re-prompted,
 * the hang-up catch, a retried submit.
 */
import { execFileSync, spawnSync } from 'node:child_process'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { LI, LI_PIN } from '../../support/gateway-fixture.js'
import { pattern } from '../../support/pattern.js'
import { fakeGathers, fakePromptText } from './fake-engine.js'
import type { IvrHarness } from './ivr-harness.js'
import { startIvrHarness } from './ivr-harness.js'

/**
 * The well-formedness checker: xmllint (libxml2-utils), else Python's expat parser, else none
 * (the check is skipped, saying so).
 */
const checker: readonly [string, string[]] | null =
  spawnSync('xmllint', ['--version']).status === 0
    ? ['xmllint', ['--noout', '-']]
    : spawnSync('python3', ['-c', 'import xml.parsers.expat']).status === 0
      ? [
          'python3',
          [
            '-c',
            'import sys, xml.parsers.expat as e; ' +
              'e.ParserCreate().Parse(sys.stdin.buffer.read(), True)',
          ],
        ]
      : null
const documents: string[] = []

let h: IvrHarness

beforeAll(async () => {
  h = await startIvrHarness()
})

afterAll(async () => {
  await h.close()
})

interface Doc {
  readonly text: string
  readonly callId: string
  readonly step: number
}

function read(text: string): Doc {
  documents.push(text)
  return {
    text,
    callId: /<var name="callId" expr="'([^']*)'"\/>/.exec(text)?.[1] ?? '',
    step: Number(/<var name="step" expr="(\d+)"\/>/.exec(text)?.[1] ?? NaN),
  }
}

async function start(from: string): Promise<Doc> {
  const response = await fetch(`${h.url}/ivr/vxml?from=${from}&to=12588`)
  expect(response.status).toBe(200)
  expect(response.headers.get('content-type')).toMatch(/^application\/voicexml\+xml/)
  return read(await response.text())
}

async function submit(doc: Doc, event: string, digits?: string): Promise<Doc> {
  const answer = await h.form('/ivr/vxml', {
    callId: doc.callId,
    step: String(doc.step),
    event,
    ...(digits === undefined ? {} : { digits }),
  })
  expect(answer.status).toBe(200)
  return read(answer.body)
}

function property(doc: Doc, name: string): string | undefined {
  return new RegExp(`<property name="${name}" value="([^"]*)"/>`).exec(doc.text)?.[1]
}

describe('VoiceXML at /ivr/vxml', () => {
  it('walks a call to a paid order; each field carries the gather and a DTMF grammar', async () => {
    const menu = await start(LI)
    expect(menu.text).toMatch(
      pattern(
        /^<\?xml version="1\.0" encoding="UTF-8"\?>\n<vxml version="2\.1" xmlns="http:/,
        /\/\/www\.w3\.org\/2001\/vxml" xml:lang="en-US">/,
      ),
    )
    expect(menu.callId).toMatch(/^vxml-/)
    expect(menu.step).toBe(1)
    expect(property(menu, 'timeout')).toBe(`${fakeGathers.menu.firstDigitTimeoutMs}ms`)
    expect(property(menu, 'interdigittimeout')).toBe(`${fakeGathers.menu.interDigitTimeoutMs}ms`)
    expect(property(menu, 'termchar')).toBe('')
    expect(menu.text).toContain(
      '<grammar mode="dtmf" src="builtin:dtmf/digits?minlength=1;maxlength=1"/>',
    )
    expect(menu.text).toContain(`<prompt xml:lang="en-US">${fakePromptText('main.menu')}</prompt>`)

    const order = await submit(menu, 'digits', '2')
    expect(order.step).toBe(2)
    expect(property(order, 'timeout')).toBe(`${fakeGathers.order.firstDigitTimeoutMs}ms`)
    expect(property(order, 'interdigittimeout')).toBe(`${fakeGathers.order.interDigitTimeoutMs}ms`)
    expect(property(order, 'termchar')).toBe('#')
    expect(property(order, 'termtimeout')).toBe('0s')
    // No maximum: the grammar's cap; `*` (allowed to go back) gets its own one-key grammar.
    expect(order.text).toContain(
      '<grammar mode="dtmf" src="builtin:dtmf/digits?minlength=6;maxlength=32"/>',
    )
    expect(order.text).toMatch(
      pattern(
        /<grammar mode="dtmf" version="1\.0" root="key">\s*<rule id="key" scope="public">\s*/,
        /<one-of>\s*<item>\*<\/item>/,
      ),
    )
    expect(order.text).toMatch(
      pattern(
        /<noinput>\s*<assign name="event" expr="'noinput'"\/>\s*<submit next="\/ivr\/vxml" /,
        /method="post" namelist="callId step event"\/>/,
      ),
    )
    expect(order.text).toMatch(
      pattern(
        /<filled>\s*<assign name="event" expr="'digits'"\/>\s*<submit next="\/ivr\/vxml" /,
        /method="post" namelist="callId step event digits"\/>/,
      ),
    )

    // The platform strips the termchar: the field's value is the order number alone.
    const pin = await submit(order, 'digits', '880001')
    expect(pin.text).toContain(`<prompt xml:lang="en-US">${fakePromptText('order.pin')}</prompt>`)
    const paid = await submit(pin, 'digits', LI_PIN)
    expect(paid.text).toMatch(
      pattern(
        /<form id="goodbye">\s*<block>\s*<prompt xml:lang="en-US">[^<]*80\.00[^<]*<\/prompt>\s*/,
        /<disconnect\/>/,
      ),
    )
    // A submit the platform repeats gets the same document; no second payment.
    expect((await submit(pin, 'digits', LI_PIN)).text).toBe(paid.text)
    expect(await h.gw.balance(LI, 'wallet')).toBe('420.00')
  })

  it('re-prompts on noinput and nomatch, and submits the hang-up', async () => {
    const menu = await start(LI)
    const order = await submit(menu, 'digits', '2')
    const noinput = await submit(order, 'noinput')
    expect(noinput.text).toContain(fakePromptText('retry.noinput'))
    const nomatch = await submit(noinput, 'nomatch')
    expect(nomatch.text).toContain(fakePromptText('retry.nomatch'))
    expect(nomatch.text).toMatch(
      /<catch event="connection\.disconnect\.hangup">\s*<assign name="event" expr="'hangup'"\/>/,
    )
    const bye = await submit(nomatch, 'hangup')
    expect(bye.text).toContain('<exit/>')
    expect((await h.request('GET', `/ivr/calls/${menu.callId}`)).json).toMatchObject({
      provider: 'vxml',
      outcome: 'hung_up',
    })
  })

  it('refuses a start without the caller, and an unknown event, with 400', async () => {
    expect((await fetch(`${h.url}/ivr/vxml`)).status).toBe(400)
    const menu = await start(LI)
    expect(
      (await h.form('/ivr/vxml', { callId: menu.callId, step: '1', event: 'dance' })).status,
    ).toBe(400)
  })

  it.skipIf(checker === null)(
    'writes well-formed documents (xmllint --noout, or Python expat; skipped when neither ' +
      'is installed)',
    () => {
      const [command, args] = checker ?? ['', []]
      expect(documents.length).toBeGreaterThan(8)
      for (const document of documents) {
        expect(
          () => execFileSync(command, args, { input: document, stdio: ['pipe', 'pipe', 'pipe'] }),
          document,
        ).not.toThrow()
      }
      // The checker can fail: a document cut short is refused.
      expect(() =>
        execFileSync(command, args, {
          input: (documents[0] ?? '').slice(0, -10),
          stdio: ['pipe', 'pipe', 'pipe'],
        }),
      ).toThrow()
    },
  )
})
