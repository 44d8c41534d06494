/**
 * twiml.test.ts - `POST /ivr/twiml` as Twilio calls it, golden against the twilio package's own
 * TwiML builder (VoiceResponse) for the same verbs: a call walked from the first webhook to a
 * paid order and <Hangup/>, the timeout's empty Digits as silence, Digits that arrived by the
 * timer (no FinishedOnKey) judged after the inter-digit silence, a retried webhook answered
 * again without paying twice, CallStatus=completed as the hang-up, a lost call, Chinese <Say>;
 * and renderTwiml's attributes for gathers of every shape.
 */
import twilio from 'twilio'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Gather, Prompt } from '../../../channels/ivr/contract.js'
import { renderTwiml } from '../../../channels/ivr/twiml.js'
import { HAN, LI, LI_PIN } from '../../support/gateway-fixture.js'
import { pattern } from '../../support/pattern.js'
import { fakeGathers, fakePromptText } from './fake-engine.js'
import type { IvrHarness } from './ivr-harness.js'
import { startIvrHarness } from './ivr-harness.js'

let h: IvrHarness
let sids = 0

beforeAll(async () => {
  h = await startIvrHarness()
})

afterAll(async () => {
  await h.close()
})

/** What Twilio's builder writes for a gather around `says`, posting back to `step`. */
function builderGather(
  gather: Gather,
  step: number,
  says: readonly (readonly [string, string])[],
): string {
  const response = new twilio.twiml.VoiceResponse()
  const verb = response.gather({
    input: ['dtmf'],
    ...(gather.digitsMax === null ? {} : { numDigits: gather.digitsMax }),
    finishOnKey: gather.finishOnKey,
    timeout: Math.ceil(gather.firstDigitTimeoutMs / 1000),
    action: `/ivr/twiml?step=${step}`,
    method: 'POST',
    actionOnEmptyResult: true,
  })
  for (const [language, text] of says) verb.say({ language: language as 'en-US' }, text)
  return response.toString()
}

function builderHangup(says: readonly (readonly [string, string])[]): string {
  const response = new twilio.twiml.VoiceResponse()
  for (const [language, text] of says) response.say({ language: language as 'en-US' }, text)
  response.hangup()
  return response.toString()
}

function newCall(from: string = LI): {
  sid: string
  post: (fields: Record<string, string>, step?: number) => Promise<string>
} {
  sids += 1
  const sid = `CA${String(sids).padStart(32, '0')}`
  return {
    sid,
    async post(fields, step) {
      const answer = await h.form(step === undefined ? '/ivr/twiml' : `/ivr/twiml?step=${step}`, {
        CallSid: sid,
        From: `+${from}`,
        To: '+12588',
        AccountSid: 'AC0',
        CallStatus: 'in-progress',
        ...fields,
      })
      expect(answer.status).toBe(200)
      expect(answer.contentType).toMatch(/^text\/xml/)
      return answer.body
    },
  }
}

describe('TwiML at POST /ivr/twiml', () => {
  it('walks a call to a paid order, each document equal to the twilio builder output', async () => {
    const twiml = newCall()
    expect(await twiml.post({})).toBe(
      builderGather(fakeGathers.menu, 1, [['en-US', fakePromptText('main.menu')]]),
    )
    expect(await twiml.post({ Digits: '2' }, 1)).toBe(
      builderGather(fakeGathers.order, 2, [['en-US', fakePromptText('order.number')]]),
    )
    expect(await twiml.post({ Digits: '880001', FinishedOnKey: '#' }, 2)).toBe(
      builderGather(fakeGathers.pin, 3, [['en-US', fakePromptText('order.pin')]]),
    )
    const paid = await twiml.post({ Digits: LI_PIN, FinishedOnKey: '#' }, 3)
    const spoken = /<Say language="en-US">([^<]*)<\/Say>/.exec(paid)?.[1] ?? ''
    expect(spoken).toContain('80.00')
    expect(paid).toBe(builderHangup([['en-US', spoken.replace(/&amp;/g, '&')]]))
    // Twilio retries a webhook it got no answer to: the same document, no second payment.
    expect(await twiml.post({ Digits: LI_PIN, FinishedOnKey: '#' }, 3)).toBe(paid)
    expect(await h.gw.balance(LI, 'wallet')).toBe('420.00')
  })

  it('hears an empty Digits after the timeout as silence and re-prompts', async () => {
    const twiml = newCall()
    await twiml.post({})
    expect(await twiml.post({ Digits: '' }, 1)).toBe(
      builderGather(fakeGathers.menu, 2, [
        ['en-US', fakePromptText('retry.noinput')],
        ['en-US', fakePromptText('main.menu')],
      ]),
    )
  })

  it('judges Digits sent by the timer after inter-digit silence: short is no match', async () => {
    const twiml = newCall()
    await twiml.post({})
    await twiml.post({ Digits: '2' }, 1)
    // Four keys then the timeout: no FinishedOnKey. The keys, then the silence: a no match (six
    // needed).
    expect(await twiml.post({ Digits: '8800' }, 2)).toBe(
      builderGather(fakeGathers.order, 4, [
        ['en-US', fakePromptText('retry.nomatch')],
        ['en-US', fakePromptText('order.number')],
      ]),
    )
    // Six keys by the timer: complete, accepted.
    expect(await twiml.post({ Digits: '880001' }, 4)).toBe(
      builderGather(fakeGathers.pin, 6, [['en-US', fakePromptText('order.pin')]]),
    )
  })

  it('takes CallStatus=completed as a hang-up: nothing paid, the record says hung_up', async () => {
    const twiml = newCall()
    await twiml.post({})
    await twiml.post({ Digits: '2' }, 1)
    await twiml.post({ Digits: '880001', FinishedOnKey: '#' }, 2)
    expect(await twiml.post({ CallStatus: 'completed' })).toBe(
      new twilio.twiml.VoiceResponse().toString(),
    )
    const record = await h.request('GET', `/ivr/calls/twilio-${twiml.sid}`)
    expect(record.json).toMatchObject({
      outcome: 'hung_up',
      provider: 'twilio',
      inputs: ['2', '880001'],
    })
    expect(await twiml.post({ Digits: LI_PIN, FinishedOnKey: '#' }, 3)).toBe(builderHangup([]))
    expect(await h.gw.balance(LI, 'wallet')).toBe('420.00')
  })

  it('says goodbye to a request for a call it does not hold', async () => {
    const twiml = newCall()
    const lost = await twiml.post({ Digits: '1' }, 5)
    expect(lost).toMatch(
      pattern(
        /^<\?xml version="1\.0" encoding="UTF-8"\?><Response><Say language="en-US">[^<]+<\/Say>/,
        /<Hangup\/><\/Response>$/,
      ),
    )
  })

  it('speaks Chinese with language zh-CN to a Chinese subscriber', async () => {
    const twiml = newCall(HAN)
    expect(await twiml.post({})).toBe(
      builderGather(fakeGathers.menu, 1, [['zh-CN', fakePromptText('main.menu', 'zh')]]),
    )
  })

  it('refuses a request without a CallSid with 400', async () => {
    const answer = await h.form('/ivr/twiml', { From: LI })
    expect(answer.status).toBe(400)
  })
})

describe('renderTwiml', () => {
  const prompt: Prompt = { id: 'p', language: 'en', text: 'Fish & chips <cost> "5" dollars' }
  const cases: readonly [string, Gather][] = [
    [
      'a fixed length without terminator',
      {
        digitsMin: 4,
        digitsMax: 4,
        finishOnKey: '',
        firstDigitTimeoutMs: 3_000,
        interDigitTimeoutMs: 2_000,
        validKeys: '0123456789',
        secret: true,
      },
    ],
    [
      'an open length up to #',
      {
        digitsMin: 1,
        digitsMax: null,
        finishOnKey: '#',
        firstDigitTimeoutMs: 10_000,
        interDigitTimeoutMs: 5_000,
        validKeys: '0123456789',
        secret: false,
      },
    ],
    [
      'a star terminator and a fractional timeout',
      {
        digitsMin: 1,
        digitsMax: 12,
        finishOnKey: '*',
        firstDigitTimeoutMs: 4_500,
        interDigitTimeoutMs: 1_000,
        validKeys: '0123456789',
        secret: false,
      },
    ],
  ]
  for (const [name, gather] of cases) {
    it(`writes ${name} as the twilio builder does`, () => {
      expect(renderTwiml({ step: 7, prompts: [prompt], gather, ended: false })).toBe(
        builderGather(gather, 7, [['en-US', prompt.text]]),
      )
    })
  }

  it('writes an ended answer as its prompts and <Hangup/>', () => {
    expect(
      renderTwiml({
        step: 2,
        prompts: [prompt, { ...prompt, language: 'zh', text: '再见' }],
        gather: null,
        ended: true,
      }),
    ).toBe(
      builderHangup([
        ['en-US', prompt.text],
        ['zh-CN', '再见'],
      ]),
    )
  })
})
