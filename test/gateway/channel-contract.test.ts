/**
 * channel-contract.test.ts - the channel contract (src/gateway/channel.ts) as one table of rows
 * run against every channel, each through its public protocol on a real gateway (the drivers of
 * test/gateway/contract/drivers/): SMS over SMPP, USSD via Africa's Talking, Hubtel and SMPP,
 * IVR via the simulation API, TwiML and VoiceXML, WAP and the merchant API. A row a channel
 * cannot take is skipped with the reason in its title. Each row runs on a fresh gateway; the
 * faults the real parts cannot produce on demand (a core slower than the answer deadline, an
 * answer that lost its values, an internal error) wrap the core's CommandPort (core-faults.ts).
 * To add a channel: write its driver and list it in `drivers`.
 */
import { afterEach, describe, expect, it } from 'vitest'
import type { CommandResult } from '../../src/core/index.js'
import type { FixtureOptions, GatewayFixture } from '../support/gateway-fixture.js'
import { CINEMA, startTestGateway } from '../support/gateway-fixture.js'
import type { CoreFaults } from './contract/core-faults.js'
import { coreFaults, internalErrorText } from './contract/core-faults.js'
import type { Answer, ChannelDriver, ChannelPhone, RowId } from './contract/driver.js'
import { payer, payerPin } from './contract/driver.js'
import { ivrSimulationDriver, twimlDriver, vxmlDriver } from './contract/drivers/ivr.js'
import { merchantDriver } from './contract/drivers/merchant.js'
import { smsDriver } from './contract/drivers/sms.js'
import { africasTalkingDriver, hubtelDriver } from './contract/drivers/ussd-http.js'
import { ussdSmppDriver } from './contract/drivers/ussd-smpp.js'
import { wapDriver } from './contract/drivers/wap.js'

const drivers: readonly ChannelDriver[] = [
  smsDriver,
  africasTalkingDriver,
  hubtelDriver,
  ussdSmppDriver,
  ivrSimulationDriver,
  twimlDriver,
  vxmlDriver,
  wapDriver,
  merchantDriver,
]

/**
 * The answer deadline of USSD and IVR in the deadline row: long enough for the menus' own
 * commands on a busy machine, far shorter than the defaults (5 s and 10 s).
 */
const deadlineMs = 400
/**
 * How long a held answer waits at most: a channel without a deadline then answers late, and fails.
 */
const heldMaxMs = 3_000
/**
 * The drain row's stop: the held answer comes this long after the stop began, past the HTTP
 * close grace it sets (a gateway that did not wait for what it accepted has cut it by then).
 */
const drainHoldMs = 300
const drainCloseGraceMs = 100
/** The outbox is swept this often, so that a merchant's prompt reaches the phone at once. */
const sweepIntervalMs = 100

interface RowWorld {
  readonly gw: GatewayFixture
  readonly phone: ChannelPhone
  readonly faults: CoreFaults
  readonly driver: ChannelDriver
  /** The row stopped the gateway itself. */
  stopped(): void
}

interface ContractRow {
  readonly id: RowId
  readonly title: string
  /** The gateway this row needs, on top of the suite's (a short answer deadline, a short grace). */
  readonly gateway?: Pick<FixtureOptions, 'ussdLimits' | 'ivrLimits'> & {
    readonly operating?: Readonly<Record<string, number>>
  }
  run(world: RowWorld): Promise<void>
}

/** What an operator sees of the payer: balances, the waiting payment, the lock. */
async function payerState(gw: GatewayFixture): Promise<unknown> {
  return gw.subscriber(payer)
}

async function wallet(gw: GatewayFixture): Promise<string> {
  return gw.balance(payer, 'wallet')
}

function all(answers: readonly Answer[]): string {
  return answers.flatMap((answer) => answer.shown).join('\n')
}

/** The internal error of core-faults.ts, or any other a channel might pass on. */
const internalError = /SQLITE|SqliteLedger|ledger\.sqlite|\bError\b/
const stackTrace = /\bat \S+ \(|\.[jt]s:\d+/
/** A phone-side text that is an internal error, a template or an internal value. */
const leaks: readonly [string, RegExp][] = [
  ['the internal error', internalError],
  ['a stack trace', stackTrace],
  ['a placeholder', /\{[A-Za-z][A-Za-z0-9_]*(?::digits)?\}/],
  ['a Handlebars tag', /\{\{|\}\}/],
  ['an internal value', /\bundefined\b|\bnull\b|\bNaN\b|\[object /],
]
/**
 * What the wire may not carry either (markup and JSON have braces, nulls and "Error" keys of their
 * own).
 */
const wireLeaks: readonly [string, RegExp][] = [
  ['the internal error', /SQLITE|SqliteLedger|ledger\.sqlite/],
  ['a stack trace', stackTrace],
]

const rows: readonly ContractRow[] = [
  {
    id: 'retry',
    title: 'a retry replays the first answer and moves nothing twice',
    async run({ gw, phone, driver }) {
      await phone.toConfirm()
      const before = await payerState(gw)
      const first = await phone.act()
      const after = await payerState(gw)
      expect(after, 'the input changed nothing, so its replay proves nothing').not.toEqual(before)
      expect(all([first])).toMatch(driver.done)
      const again = await phone.retry()
      expect(again.wire, 'the retry got another answer').toBe(first.wire)
      // Shown again or not at all (an SMS the phone already has is not sent twice).
      for (const text of again.shown) expect(first.shown).toContain(text)
      expect(await payerState(gw), 'the retry changed something').toEqual(after)
    },
  },
  {
    id: 'deadline',
    title: 'a missed answer deadline answers at once, and the result follows by SMS',
    gateway: {
      ussdLimits: { answerDeadlineMs: deadlineMs },
      ivrLimits: { answerDeadlineMs: deadlineMs },
    },
    async run({ gw, phone, faults, driver }) {
      await phone.toConfirm()
      const held = faults.holdNext(heldMaxMs)
      const started = performance.now()
      const polite = await phone.act()
      const tookMs = performance.now() - started
      held.release()
      expect(faults.touched, 'the input ran no command to hold').toBe(1)
      expect(tookMs, 'answered only once the core did').toBeLessThan(heldMaxMs)
      expect(polite.shown.join('\n')).not.toMatch(driver.done)
      expect(polite.shown.join('\n')).toMatch(/\S/)
      const sms = (await phone.nextSms(5_000)) ?? 'no SMS came'
      expect(sms, 'the SMS does not carry the result').toMatch(/^Paid CNY 25\.00 to Ringtone Store/)
      expect(sms).toMatch(/T[0-9A-Z]{6}/)
      expect(await wallet(gw)).toBe('475.00')
    },
  },
  {
    id: 'stale',
    title: 'a stale confirm touches only its own payment, never the one that replaced it',
    async run({ gw, phone, driver }) {
      await phone.toConfirm()
      const own = (await gw.subscriber(payer)).pendingPaymentId
      expect(own, 'no payment waits for the confirm').not.toBeNull()
      // Meanwhile a payment of 30.00 to Cinema Tickets starts on another channel and replaces it.
      const newer: CommandResult = await gw.phone({
        kind: 'pay_merchant',
        msisdn: payer,
        merchantCode: CINEMA,
        amountMinor: 3_000n,
        funding: 'wallet',
        authorize: false,
      })
      const newerId = newer.payment?.id ?? ''
      expect(newer.payment?.state).toBe('awaiting_authorization')
      const answer = await phone.act()
      expect(await wallet(gw), 'the stale confirm paid').toBe('500.00')
      expect(
        (await gw.subscriber(payer)).pendingPaymentId,
        'the newer payment stopped waiting',
      ).toBe(newerId)
      expect(all([answer])).not.toMatch(driver.done)
      expect(all([answer]), 'the phone was not told').toMatch(/Nothing was paid/)
      for (const id of [own ?? '', newerId]) expect(answer.wire).not.toContain(id)
      const yes = await gw.confirm(payer, payerPin)
      expect(yes.payment?.id).toBe(newerId)
      expect(await wallet(gw)).toBe('470.00')
    },
  },
  {
    id: 'no_internal_text',
    title: 'no template or internal error text reaches a phone',
    async run({ phone, faults }) {
      // The core's answers lose their values ({payee}, {amount}) for a whole payment...
      faults.loseValues()
      const answers = [await phone.toConfirm(), await phone.act()]
      expect(faults.touched, 'no command ran with its values lost').toBeGreaterThan(0)
      faults.restore()
      // ...then a new payment's confirm meets an internal error.
      answers.push(await phone.toConfirm())
      faults.failNext()
      answers.push(await phone.act())
      expect(faults.touched, 'the confirm ran no command to fail').toBe(1)
      const shown = all(answers)
      for (const [what, pattern] of leaks)
        expect(shown, `${what} reached the phone`).not.toMatch(pattern)
      for (const answer of answers)
        for (const [what, pattern] of wireLeaks)
          expect(answer.wire, `${what} went on the wire`).not.toMatch(pattern)
      expect(internalErrorText, 'the checks would not see the internal error').toMatch(
        internalError,
      )
    },
  },
  {
    id: 'drain',
    title: 'a stop with drain answers the input it had accepted',
    gateway: { operating: { stopHttpCloseGraceMs: drainCloseGraceMs } },
    async run({ gw, phone, faults, driver, stopped }) {
      await phone.toConfirm()
      const held = faults.holdNext(heldMaxMs)
      const answering = phone.act()
      await Promise.race([
        held.entered,
        answering.then(() => {
          throw new Error('the input was answered without reaching the core')
        }),
      ])
      // The stop begins while the core still holds the answer: new input is refused from here.
      const stopping = gw.close()
      stopped()
      setTimeout(() => held.release(), drainHoldMs)
      const answer = await answering
      await stopping
      expect(faults.touched).toBe(1)
      expect(all([answer]), 'the accepted input was not answered').toMatch(driver.done)
    },
  },
]

let open: { phone: ChannelPhone | null; gw: GatewayFixture; running: boolean } | null = null

afterEach(async () => {
  const world = open
  open = null
  if (world === null) return
  await world.phone?.close()
  if (world.running) await world.gw.close()
})

async function runRow(row: ContractRow, driver: ChannelDriver): Promise<void> {
  const { operating, ...limits } = row.gateway ?? {}
  const gw = await startTestGateway({
    ...limits,
    overrides: { operating: { sweepIntervalMs, ...operating } },
  })
  const world = { phone: null as ChannelPhone | null, gw, running: true }
  open = world
  const faults = coreFaults(gw)
  world.phone = await driver.open(gw)
  await row.run({
    gw,
    phone: world.phone,
    faults,
    driver,
    stopped: () => {
      world.running = false
    },
  })
}

// Titles go through %s: `$name` would cut them at 40 characters, and a skip's reason with them.
describe.each(drivers.map((driver) => [driver.name, driver] as const))(
  'the channel contract on %s',
  (_name, driver) => {
    const applies = rows.filter(
      (row) => driver.skip[row.id] === undefined && driver.breaches?.[row.id] === undefined,
    )
    const titled = (reasons: ChannelDriver['skip'] | undefined, what: string) =>
      rows.flatMap((row) => {
        const reason = reasons?.[row.id]
        return reason === undefined ? [] : [[`${row.title} (${what}: ${reason})`, row] as const]
      })
    it.each(applies.map((row) => [row.title, row] as const))('%s', (_title, row) =>
      runRow(row, driver),
    )
    it.skip.each(titled(driver.skip, 'skipped'))('%s', () => undefined)
    // A breach the suite found and nobody fixed yet: the row runs and must still fail, so the
    // entry has to go (and the row passes) once the channel is fixed.
    it.fails.each(titled(driver.breaches, 'known breach'))('%s', (_title, row) =>
      runRow(row, driver),
    )
  },
)
