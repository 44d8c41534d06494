/**
 * onsite-steps.ts - the conformance steps of on-site payment (contract section 10): `tap` presents
 * the subscriber's RFID-SIM at one of the simulator's terminals (POST /sim/terminals/:name/taps;
 * a till takes `amount`), keeping the answer for `expect_http` (200 with the receipt, 422 with
 * the terminal's refusal); `upload` has the terminal go online (POST /sim/terminals/:name/
 * uploads: its records to clearing, the blacklist back), keeping the answer for `expect_http`;
 * `expect_card` reads the card's purse (GET /sim/cards/:msisdn). Beyond the contract:
 * `ticket_office` loads a card with cash at a Metro ticket office (POST /sim/cards/:msisdn/loads)
 * and `blacklist` lists a card (or takes it off, `listed: false`) through the admin API.
 * Exports onsiteSteps.
 */
import { interpolate, StepFailure } from './context.js'
import type { StepHandler } from './http-steps.js'
import { admin, httpCall } from './http-steps.js'
import { record, requireString } from './step-args.js'

const tap: StepHandler = async (rawArgs, context) => {
  const args = record(interpolate(rawArgs, context.vars), 'tap')
  const msisdn = requireString(args, 'msisdn', 'tap')
  const terminal = requireString(args, 'terminal', 'tap')
  const amount = args['amount']
  const tear = args['tear']
  const answer = await httpCall(
    context,
    'POST',
    `/sim/terminals/${encodeURIComponent(terminal)}/taps`,
    {},
    {
      msisdn,
      ...(typeof amount === 'string' ? { amount } : {}),
      ...(typeof tear === 'string' ? { tear } : {}),
    },
  )
  context.lastHttp = answer
  // A refusal is the terminal's answer (checked with expect_http), as is a tap torn on purpose.
  const torn = typeof tear === 'string' && answer.status === 503
  if (answer.status !== 200 && answer.status !== 422 && !torn)
    throw new StepFailure(
      `tap: ${terminal} answered ${answer.status}: ${answer.text.slice(0, 300)}`,
    )
}

const upload: StepHandler = async (rawArgs, context) => {
  const args = record(interpolate(rawArgs, context.vars), 'upload')
  const terminal = requireString(args, 'terminal', 'upload')
  const answer = await httpCall(
    context,
    'POST',
    `/sim/terminals/${encodeURIComponent(terminal)}/uploads`,
    {},
    { again: args['again'] === true, forge: args['forge'] === true },
  )
  context.lastHttp = answer
  if (answer.status !== 200)
    throw new StepFailure(
      `upload: ${terminal} answered ${answer.status}: ${answer.text.slice(0, 300)}`,
    )
}

const ticketOffice: StepHandler = async (rawArgs, context) => {
  const args = record(interpolate(rawArgs, context.vars), 'ticket_office')
  const msisdn = requireString(args, 'msisdn', 'ticket_office')
  const amount = requireString(args, 'amount', 'ticket_office')
  const answer = await httpCall(
    context,
    'POST',
    `/sim/cards/${encodeURIComponent(msisdn)}/loads`,
    {},
    { amount },
  )
  context.lastHttp = answer
  if (answer.status !== 201 && answer.status !== 422)
    throw new StepFailure(`ticket_office: ${answer.status} ${answer.text.slice(0, 300)}`)
}

const blacklist: StepHandler = async (rawArgs, context) => {
  const args = record(interpolate(rawArgs, context.vars), 'blacklist')
  const msisdn = requireString(args, 'msisdn', 'blacklist')
  const listed = args['listed'] !== false
  await admin(context, 'PUT', `/admin/api/cards/${encodeURIComponent(msisdn)}/blacklist`, {
    listed,
  })
}

const expectCard: StepHandler = async (rawArgs, context) => {
  const args = record(interpolate(rawArgs, context.vars), 'expect_card')
  const msisdn = requireString(args, 'msisdn', 'expect_card')
  const balance = requireString(args, 'balance', 'expect_card')
  const answer = await httpCall(context, 'GET', `/sim/cards/${encodeURIComponent(msisdn)}`, {})
  if (answer.status !== 200)
    throw new StepFailure(`expect_card: ${msisdn}: ${answer.status} ${answer.text.slice(0, 300)}`)
  const found = (answer.json as { balance?: string }).balance
  if (found !== balance)
    throw new StepFailure(
      `expect_card: the purse of ${msisdn}'s card holds ${String(found)}, expected ${balance}`,
    )
}

export const onsiteSteps: Readonly<Record<string, StepHandler>> = {
  tap,
  upload,
  ticket_office: ticketOffice,
  blacklist,
  expect_card: expectCard,
}
