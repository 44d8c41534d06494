/**
 * operator-mode.test.ts - USSD over SMPP with telepay bound as an ESME to the operator's USSDC
 * (our own SMPP server on loopback stands in for it): the USSDC sends the user's dial and answers
 * as deliver_sm (PSSR indication, USSR confirm), telepay's screens leave as submit_sm (USSR
 * request, PSSR response) echoing its_session_info; with `ussdPush` on, a merchant's payment
 * request opens an NI dialogue by submit_sm, and the USSDC's answer completes the payment.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { pduBuffer, pduNumber, pduString } from '../../../../src/bearer/smpp/pdu.js'
import type { SmppPeer, SmppServer } from '../../../../src/bearer/smpp/server.js'
import { startSmppServer } from '../../../../src/bearer/smpp/server.js'
import { ussdOp } from '../../../../src/bearer/smpp/ussd-op.js'
import { decodeText } from '../../../../src/bearer/text/coding.js'
import { encodeGsm7 } from '../../../../src/bearer/text/gsm7.js'
import { loadConfig } from '../../../../src/config.js'
import type { Gateway } from '../../../../src/gateway.js'
import { startGateway } from '../../../../src/gateway.js'
import { simulatedParties } from '../../../../src/tools/world/simulated-parties.js'
import { httpRequest, LI, LI_PIN, RINGTONES } from '../../../support/gateway-fixture.js'
import { until } from './harness.js'

interface Submitted {
  readonly to: string
  readonly from: string
  readonly op: number | undefined
  readonly sessionInfo: Buffer | undefined
  readonly text: string
}

let usdc: SmppServer | null = null
let gateway: Gateway | null = null
let dir: string | null = null
afterEach(async () => {
  await gateway?.close()
  await usdc?.close()
  if (dir !== null) rmSync(dir, { recursive: true, force: true })
  gateway = null
  usdc = null
  dir = null
})

async function startUssdc(): Promise<{ server: SmppServer; submitted: Submitted[] }> {
  const submitted: Submitted[] = []
  let id = 0
  const server = await startSmppServer({
    port: 0,
    accounts: [{ systemId: 'telepay', password: 'opsecret' }],
    systemId: 'ussdc',
    onSubmit: (_peer, pdu) => {
      submitted.push({
        to: pduString(pdu, 'destination_addr') ?? '',
        from: pduString(pdu, 'source_addr') ?? '',
        op: pduNumber(pdu, 'ussd_service_op'),
        sessionInfo: pduBuffer(pdu, 'its_session_info'),
        text: decodeText(
          pduNumber(pdu, 'data_coding') ?? 0,
          pduBuffer(pdu, 'short_message') ?? Buffer.alloc(0),
        ).text,
      })
      id += 1
      return Promise.resolve({ status: 0, messageId: `ussdc${id}` })
    },
  })
  return { server, submitted }
}

async function startOperatorGateway(
  port: number,
  extra: { ussdPush?: boolean } = {},
): Promise<Gateway> {
  dir = mkdtempSync(join(tmpdir(), 'telepay-ussd-op-'))
  const config = loadConfig({
    env: {},
    cwd: dir,
    overrides: {
      dataDir: dir,
      clock: 'test',
      http: { host: '127.0.0.1', port: 0 },
      pos: { port: 0 },
      logLevel: 'silent',
      pinHashCost: 1024,
      sms: {
        mode: 'operator',
        upstream: `smpp://telepay:opsecret@127.0.0.1:${port}?bind=transceiver`,
      },
      ...(extra.ussdPush === undefined ? {} : { ussd: { push: extra.ussdPush } }),
    },
  })
  return startGateway(config, simulatedParties(config))
}

/** A deliver_sm from the USSDC carrying a user's USSD string. */
function fromUser(
  op: number,
  text: string,
  sessionInfo: Buffer,
): Record<string, string | number | Buffer> {
  return {
    service_type: 'USSD',
    source_addr_ton: 1,
    source_addr_npi: 1,
    source_addr: LI,
    dest_addr_ton: 0,
    dest_addr_npi: 0,
    destination_addr: '123',
    esm_class: 0,
    data_coding: 0x0f,
    short_message: encodeGsm7(text),
    ussd_service_op: op,
    its_session_info: sessionInfo,
  }
}

describe('USSD over SMPP in operator mode', () => {
  it("answers the USSDC's deliver_sm with submit_sm screens, same its_session_info", async () => {
    const operator = await startUssdc()
    usdc = operator.server
    gateway = await startOperatorGateway(operator.server.port)
    const peer: SmppPeer = await until('telepay to bind', () =>
      operator.server.peers().find((candidate) => candidate.canReceive),
    )
    const info = Buffer.from([0x05, 0x00])
    expect((await peer.send('deliver_sm', fromUser(ussdOp.pssrIndication, '*123#', info))).ok).toBe(
      true,
    )
    const menu = await until('the menu', () => operator.submitted[0])
    expect(menu).toMatchObject({ to: LI, from: '123', op: ussdOp.ussrRequest, sessionInfo: info })
    expect(menu.text).toMatch(/1 Balance/)
    expect((await peer.send('deliver_sm', fromUser(ussdOp.ussrConfirm, '1', info))).ok).toBe(true)
    const balance = await until('the balance', () => operator.submitted[1])
    expect(balance).toMatchObject({ to: LI, op: ussdOp.pssrResponse, sessionInfo: info })
    expect(balance.text).toMatch(/500\.00/)
    // An SMS MO on the same link still reaches the SMS channel.
    const mo = {
      source_addr_ton: 1,
      source_addr_npi: 1,
      source_addr: LI,
      dest_addr_ton: 0,
      dest_addr_npi: 1,
      destination_addr: '12588',
      esm_class: 0,
      data_coding: 0,
      short_message: Buffer.from('BAL', 'latin1'),
    }
    expect((await peer.send('deliver_sm', mo)).ok).toBe(true)
    const sms = await until('the SMS reply', () => operator.submitted[2])
    expect(sms.op).toBeUndefined()
    expect(sms.text).toMatch(/500\.00/)
  })

  it('pushes a request by submit_sm with ussdPush on, completed by the USSDC answer', async () => {
    const operator = await startUssdc()
    usdc = operator.server
    gateway = await startOperatorGateway(operator.server.port, { ussdPush: true })
    const peer: SmppPeer = await until('telepay to bind', () =>
      operator.server.peers().find((candidate) => candidate.canReceive),
    )
    const url = gateway.url
    const created = await httpRequest(url, 'POST', '/api/v1/payment-requests', {
      token: `test_key_${RINGTONES}`,
      body: { msisdn: LI, amount: '25.00', reference: 'op-1' },
    })
    expect(created.status).toBe(202)
    const prompt = await until('the push', () => operator.submitted[0], 5_000)
    expect(prompt).toMatchObject({ to: LI, from: '*123#', op: ussdOp.ussrRequest })
    expect(prompt.text).toMatch(/^Ringtone Store asks for CNY 25\.00/)
    const info = prompt.sessionInfo
    if (info === undefined) throw new Error('the push carries no its_session_info')
    expect((await peer.send('deliver_sm', fromUser(ussdOp.ussrConfirm, LI_PIN, info))).ok).toBe(
      true,
    )
    const done = await until('the closing USSN', () => operator.submitted[1])
    expect(done).toMatchObject({ to: LI, op: ussdOp.ussnRequest, sessionInfo: info })
    const status = await httpRequest(
      url,
      'GET',
      `/api/v1/payment-requests/${(created.json as { id: string }).id}`,
      { token: `test_key_${RINGTONES}` },
    )
    expect(status.json.status).toBe('completed')
  })

  it('sends the SMS prompt with no push while ussdPush keeps its operator default', async () => {
    const operator = await startUssdc()
    usdc = operator.server
    gateway = await startOperatorGateway(operator.server.port)
    await until('telepay to bind', () =>
      operator.server.peers().find((candidate) => candidate.canReceive),
    )
    const created = await httpRequest(gateway.url, 'POST', '/api/v1/payment-requests', {
      token: `test_key_${RINGTONES}`,
      body: { msisdn: LI, amount: '25.00', reference: 'op-2' },
    })
    expect(created.status).toBe(202)
    const sms = await until('the SMS prompt', () => operator.submitted[0], 5_000)
    expect(sms.op).toBeUndefined()
    expect(sms.text).toMatch(/YES <PIN>/)
  })
})
