/**
 * pos-steps.ts - the conformance steps of the ISO 8583 host (contract section 10): `pos` sends
 * one message from an online shop terminal (`terminal`, `mti`, `fields` by number), over a
 * connection of that terminal kept for the script, MACed under its key (the default world's
 * test keys); beyond the contract, `msisdn` fills field 2 with the phone's virtual card number
 * and `pin` fills field 52 with the PIN block, as a PIN pad would. `expect_pos: { field39 }`
 * checks the last answer's code, and `fields` (by number) any other field's exact value.
 * Exports posSteps.
 */
import type { FieldValue } from '../../bearer/iso8583/codec.js'
import type { PosAnswer, PosClient } from '../../bearer/pos-terminal/pos-client.js'
import { connectPos } from '../../bearer/pos-terminal/pos-client.js'
import { KeyStore, testMasterKeys } from '../../gateway/pboc/key-store.js'
import { defaultOnlineTerminals } from '../../gateway/pos/online-terminals.js'
import { encryptPinBlock, pinBlockOf } from '../../gateway/pos/pin-block.js'
import { responseMeaning } from '../../gateway/pos/response-meanings.js'
import { panOfMsisdn } from '../../gateway/pos/virtual-pan.js'
import type { ScriptContext } from './context.js'
import { interpolate, StepFailure } from './context.js'
import type { StepHandler } from './http-steps.js'
import { record, requireString } from './step-args.js'

const keyStore = new KeyStore(testMasterKeys)
const lastAnswer = 'pos:last'

async function terminalConnection(context: ScriptContext, terminal: string): Promise<PosClient> {
  const state = `pos:${terminal}`
  const open = context.channelState.get(state) as PosClient | undefined
  if (open !== undefined) return open
  if (context.pos === null) throw new StepFailure('pos: no ISO 8583 host to send to (--pos)')
  const client = await connectPos({
    ...context.pos,
    terminalId: terminal,
    keys: keyStore.posKeys(terminal),
    dialect:
      defaultOnlineTerminals.find((online) => online.terminalId === terminal)?.dialect ?? 'ascii',
  }).catch((error: unknown) => {
    throw new StepFailure(
      `pos: no ISO 8583 host at ${context.pos?.host}:${context.pos?.port}: ${String(error)}`,
    )
  })
  context.channelState.set(state, client)
  context.cleanups.push(() => {
    client.close()
    return Promise.resolve()
  })
  return client
}

const pos: StepHandler = async (rawArgs, context) => {
  const args = record(interpolate(rawArgs, context.vars), 'pos')
  const terminal = requireString(args, 'terminal', 'pos')
  const mti = requireString(args, 'mti', 'pos')
  const fields = new Map<number, FieldValue>()
  const given = args['fields']
  if (typeof given === 'object' && given !== null)
    for (const [number, value] of Object.entries(given)) fields.set(Number(number), String(value))
  const msisdn = args['msisdn']
  if (typeof msisdn === 'string') fields.set(2, panOfMsisdn(msisdn))
  const pin = args['pin']
  const pan = fields.get(2)
  if (typeof pin === 'string') {
    if (typeof pan !== 'string') throw new StepFailure('pos: a PIN needs a card (msisdn or 2)')
    fields.set(52, encryptPinBlock(keyStore.posKeys(terminal).pin, pinBlockOf(pin, pan)))
  }
  const client = await terminalConnection(context, terminal)
  const answer = await client.send(mti, fields).catch((error: unknown) => {
    throw new StepFailure(`pos: ${String(error)}`)
  })
  // An answer without a MAC (an unknown terminal's, a format error's) is checked by its code.
  if (answer.fields.has(64) && !answer.macValid)
    throw new StepFailure(`pos: the ${answer.mti}'s MAC is not the host's`)
  context.channelState.set(lastAnswer, answer)
}

const expectPos: StepHandler = (rawArgs, context) => {
  const args = record(interpolate(rawArgs, context.vars), 'expect_pos')
  const expected = requireString(args, 'field39', 'expect_pos')
  const answer = context.channelState.get(lastAnswer) as PosAnswer | undefined
  if (answer === undefined) throw new StepFailure('expect_pos: no pos step answered yet')
  if (answer.code !== expected)
    throw new StepFailure(
      `expect_pos: the host answered ${answer.code} (${responseMeaning(answer.code)}), ` +
        `expected ${expected} (${responseMeaning(expected)})`,
    )
  const fields = args['fields']
  if (typeof fields === 'object' && fields !== null)
    for (const [number, value] of Object.entries(fields)) {
      const got = answer.fields.get(Number(number))
      const shown = Buffer.isBuffer(got) ? got.toString('hex') : got
      if (shown !== String(value))
        throw new StepFailure(
          `expect_pos: field ${number} of the ${answer.mti} is ${shown ?? 'absent'}, ` +
            `expected ${String(value)}`,
        )
    }
  return Promise.resolve()
}

export const posSteps: Readonly<Record<string, StepHandler>> = {
  pos,
  expect_pos: expectPos,
}
