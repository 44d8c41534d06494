/**
 * sms-steps.ts - the SMS steps of SPEC section 10: `sms` sends an MO over SMPP (the runner binds
 * to the gateway's SMSC as the ESME that stands in for the phones, once per script) and
 * `expect_sms` takes the next MT to an MSISDN within 5 s. The bind is unbound when the script ends.
 */
import { PhoneEsme } from '../phones/phone-esme.js'
import type { ScriptContext } from './context.js'
import { interpolate, StepFailure } from './context.js'
import type { StepHandler } from './http-steps.js'
import { record, requireString, textExpectation } from './step-args.js'

/** SPEC section 10: an expected MT must arrive within 5 s. */
const mtWaitMs = 5_000

const stateKey = 'sms'

async function phonesOf(context: ScriptContext): Promise<PhoneEsme> {
  const existing = context.channelState.get(stateKey)
  if (existing instanceof PhoneEsme) return existing
  const phones = new PhoneEsme({
    host: context.smpp.host,
    port: context.smpp.port,
    systemId: context.smppSystemId,
    password: context.smppPassword,
  })
  const failure = await phones.bind()
  if (failure !== null) {
    await phones.close()
    throw new StepFailure(
      `cannot bind to the SMSC at ${context.smpp.host}:${context.smpp.port} as ` +
        `${context.smppSystemId}: ${failure}`,
    )
  }
  context.channelState.set(stateKey, phones)
  context.cleanups.push(() => phones.close())
  return phones
}

const sms: StepHandler = async (rawArgs, context) => {
  const args = record(interpolate(rawArgs, context.vars), 'sms')
  const from = requireString(args, 'from', 'sms')
  const text = args['text']
  if (typeof text !== 'string' && typeof text !== 'number')
    throw new StepFailure('sms: text is required')
  const to = args['to'] === undefined ? undefined : String(args['to'])
  const phones = await phonesOf(context)
  const sent = await phones.send(from, String(text), to === undefined ? {} : { to })
  if (!sent.ok) throw new StepFailure(`sms: the SMSC refused the MO from ${from}: ${sent.error}`)
}

const expectSms: StepHandler = async (rawArgs, context) => {
  const args = record(interpolate(rawArgs, context.vars), 'expect_sms')
  const to = requireString(args, 'to', 'expect_sms')
  const expectation = textExpectation(args, 'expect_sms')
  const phones = await phonesOf(context)
  const mt = await phones.next(to, mtWaitMs)
  if (mt === null)
    throw new StepFailure(
      `expect_sms: no SMS to ${to} within ${mtWaitMs / 1000} s ` +
        `(expected one ${expectation.describe})`,
    )
  if (!expectation.test(mt.text))
    throw new StepFailure(
      `expect_sms: the SMS to ${to} was ${JSON.stringify(mt.text)}, ` +
        `expected one ${expectation.describe}`,
    )
}

export const smsSteps: Readonly<Record<string, StepHandler>> = {
  sms,
  expect_sms: expectSms,
}
