/**
 * hubtel.test.ts - the channel over Hubtel's JSON at POST /ussd/hubtel, on real HTTP in front of
 * a real gateway with the fake menu engine: a walk to a paid merchant, Type in any case, the
 * dial string with shortcut inputs in Message, a Sequence older than the last answered one lost,
 * release and timeout ending the session, and malformed requests (a missing Sequence) refused
 * with 400. A repeated Sequence replayed is a row of the channel contract suite
 * (test/gateway/channel-contract.test.ts).
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { HAN, LI, LI_PIN } from '../../support/gateway-fixture.js'
import type { UssdHarness } from './ussd-harness.js'
import { postHubtel, startUssdHarness } from './ussd-harness.js'

let h: UssdHarness
let counter = 0

beforeEach(async () => {
  h = await startUssdHarness()
})

afterEach(async () => {
  await h.close()
})

/** A Hubtel session: Sequence counts up from 1, Message carries only the latest input. */
function hubtel(msisdn: string) {
  counter += 1
  const sessionId = `hubtel-${counter}-${process.pid}`
  let sequence = 0
  const send = (type: string, message: string, repeat = false) => {
    if (!repeat) sequence += 1
    return postHubtel(h.url, {
      Type: type,
      Message: message,
      ServiceCode: '123',
      Operator: 'mtn',
      ClientState: '',
      Mobile: msisdn,
      SessionId: sessionId,
      Sequence: sequence,
    })
  }
  return { sessionId, send }
}

describe('Hubtel at POST /ussd/hubtel', () => {
  it('walks to a paid merchant, with response screens until the release', async () => {
    const li = hubtel(LI)
    expect((await li.send('Initiation', '*123#')).json).toEqual({
      Type: 'response',
      Message: 'Telepay\n1 Balance\n2 Pay merchant',
      Label: 'Telepay',
      DataType: 'input',
      FieldType: 'text',
      ClientState: '',
    })
    expect((await li.send('Response', '2')).json).toMatchObject({
      Type: 'response',
      Message: 'Merchant code:',
    })
    await li.send('response', '1001')
    await li.send('RESPONSE', '30')
    expect((await li.send('response', '1')).json).toMatchObject({
      Type: 'response',
      Message: 'Enter PIN to pay',
    })
    const final = await li.send('response', LI_PIN)
    expect(final.status).toBe(200)
    expect(final.json.Type).toBe('release')
    expect(final.json.Message).toContain('30.00')
    expect(await h.gw.balance(LI, 'wallet')).toBe('470.00')
  })

  it('opens at the shortcut inputs of the dial string in Message', async () => {
    const han = hubtel(HAN)
    expect((await han.send('initiation', '*123*2*1001#')).json).toMatchObject({
      Type: 'response',
      Message: 'Amount:',
    })
  })

  it('loses the session on a Sequence older than the last answered, applying nothing', async () => {
    const base = {
      ServiceCode: '123',
      Operator: 'mtn',
      ClientState: '',
      Mobile: LI,
      SessionId: `hubtel-late-${process.pid}`,
    }
    await postHubtel(h.url, { ...base, Type: 'initiation', Message: '*123#', Sequence: 1 })
    await postHubtel(h.url, { ...base, Type: 'response', Message: '2', Sequence: 2 })
    expect(
      (await postHubtel(h.url, { ...base, Type: 'response', Message: '1001', Sequence: 3 })).json,
    ).toMatchObject({ Message: 'Amount:' })
    // A late duplicate of Sequence 2: its "2" would otherwise be read as the amount.
    const late = await postHubtel(h.url, { ...base, Type: 'response', Message: '2', Sequence: 2 })
    expect(late.status).toBe(200)
    expect(late.json).toMatchObject({
      Type: 'release',
      Message: 'Sorry, we lost track of this session. Please dial again.',
    })
    expect(
      (await postHubtel(h.url, { ...base, Type: 'response', Message: '25', Sequence: 4 })).json,
    ).toMatchObject({ Type: 'release' })
    expect(await h.gw.balance(LI, 'wallet')).toBe('500.00')
  })

  it('ends the session on release or timeout: a later response gets a polite release', async () => {
    for (const type of ['release', 'Timeout']) {
      const li = hubtel(LI)
      await li.send('initiation', '*123#')
      expect((await li.send(type, '')).status).toBe(200)
      const after = await li.send('response', '1')
      expect(after.json).toMatchObject({ Type: 'release' })
      expect(after.json.Message).toMatch(/session (has ended|timed out)/)
    }
  })

  it('answers a response for a session it never saw with a polite release', async () => {
    const li = hubtel(LI)
    const answer = await li.send('response', '1')
    expect(answer.status).toBe(200)
    expect(answer.json).toMatchObject({
      Type: 'release',
      Message: 'Sorry, we lost track of this session. Please dial again.',
    })
  })

  it('refuses malformed requests with 400 and a message naming the field', async () => {
    const good = {
      Type: 'initiation',
      Message: '*123#',
      ServiceCode: '123',
      Mobile: LI,
      SessionId: 'bad-1',
      Sequence: 1,
    }
    const cases: [Record<string, unknown>, RegExp][] = [
      [{ ...good, Type: 'hello' }, /^Type must be one of/],
      [{ ...good, SessionId: '' }, /^SessionId is missing/],
      [{ ...good, Mobile: 'x' }, /^Mobile is not/],
      [{ ...good, Sequence: 0 }, /^Sequence must be/],
      [{ ...good, Sequence: 'two' }, /^Sequence must be/],
      [
        { ...good, Sequence: undefined },
        /^Sequence is missing: Hubtel numbers the requests of a session from 1/,
      ],
      [{ ...good, Sequence: null }, /^Sequence is missing/],
      [{ ...good, Message: 5 }, /^Message must be a string/],
    ]
    for (const [body, message] of cases) {
      const answer = await postHubtel(h.url, body)
      expect(answer.status).toBe(400)
      expect(answer.json.message).toMatch(message)
    }
  })
})
