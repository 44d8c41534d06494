/**
 * own-purse-keys.test.ts - a gateway on the operator's own purse keys (onsite.keysFile): in the
 * simulator the whole on-site path runs under them (a card loaded over the air, a tap, the
 * terminal's signed upload cleared) while a batch signed, or a TAC made, under the public test
 * keys is refused; outside the simulator they open clearing and send top-ups to the SIMs over the
 * operator's SMSC, neither of which happens without them; the log names the keys file, never a
 * key.
 */
import { chmodSync, mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { pduNumber, pduString } from '../../src/bearer/smpp/pdu.js'
import type { SmppServer } from '../../src/bearer/smpp/server.js'
import { startSmppServer } from '../../src/bearer/smpp/server.js'
import type { Command } from '../../src/core/index.js'
import type { BatchRecord } from '../../src/gateway/clearing/batch-file.js'
import { batchFileOf, signBatch } from '../../src/gateway/clearing/batch-file.js'
import { KeyStore, type MasterKeys, testMasterKeys } from '../../src/gateway/pboc/key-store.js'
import { tacKeyOf } from '../../src/gateway/pboc/keys.js'
import { newMasterKeys } from '../../src/gateway/pboc/keys-file.js'
import { purchaseTac } from '../../src/gateway/pboc/purse-macs.js'
import type { GatewayFixture } from '../support/gateway-fixture.js'
import { LI, LI_PIN, startTestGateway } from '../support/gateway-fixture.js'
import { captureLog } from '../support/log-capture.js'
import { loadCardAsHost, recordOfReceipt } from '../support/rfid-sim.js'

let gw: GatewayFixture | undefined
let smsc: SmppServer | undefined
afterEach(async () => {
  await gw?.close()
  await smsc?.close()
  gw = undefined
  smsc = undefined
})

const busId = '300100000001'
const loadCard: Command = {
  kind: 'load_card',
  msisdn: LI,
  amountMinor: 5_000n,
  funding: 'wallet',
  authorize: true,
}
const testKeys = new KeyStore(testMasterKeys)

function ownKeysFile(): { path: string; keys: MasterKeys } {
  const keys = newMasterKeys()
  const path = join(mkdtempSync(join(tmpdir(), 'telepay-own-keys-')), 'purse-keys.json')
  writeFileSync(path, JSON.stringify(keys))
  chmodSync(path, 0o600)
  return { path, keys }
}

function post(t: GatewayFixture, batchNo: string, records: BatchRecord[], key: Buffer) {
  const body = batchFileOf({ batchNo, terminalId: busId, records })
  return t.request('POST', '/api/v1/terminals/BUS00001/batches', {
    rawBody: body,
    headers: {
      'content-type': 'application/x-ndjson',
      'x-telepay-signature': signBatch(body, key),
    },
  })
}

describe("the operator's own purse keys", () => {
  it('run the on-site path in the simulator; the test keys sign and make nothing', async () => {
    const own = ownKeysFile()
    const capture = captureLog('info')
    gw = await startTestGateway({ overrides: { onsite: { keysFile: own.path } }, log: capture.log })
    const t = gw
    const ownKeys = new KeyStore(own.keys)
    await loadCardAsHost(t, LI, 1_000)
    const receipt = (
      await t.request('POST', '/sim/terminals/BUS00001/taps', { body: { msisdn: LI } })
    ).json.receipt as Record<string, unknown>
    const record = recordOfReceipt(receipt)
    // The card made its TAC under the operator's keys: the test keys' TAC differs.
    const testTac = purchaseTac(tacKeyOf(testKeys.cardKeys(record.cardNumber).tac), {
      amountFen: record.amountFen,
      type: record.type,
      terminalId: busId,
      terminalSerial: record.terminalSerial,
      at: { date: record.date, time: record.time },
    })
      .toString('hex')
      .toUpperCase()
    expect(testTac).not.toBe(record.tac)

    const signedByTestKeys = await post(t, 'K1', [record], testKeys.terminalKey(busId))
    expect(signedByTestKeys.status).toBe(401)
    expect(signedByTestKeys.json.error).toBe('signature_invalid')
    const forged = await post(t, 'K2', [{ ...record, tac: testTac }], ownKeys.terminalKey(busId))
    expect(forged.json).toMatchObject({
      accepted: 0,
      refused: [{ terminalSerial: record.terminalSerial, reason: 'tac_mismatch' }],
    })
    const cleared = await post(t, 'K3', [record], ownKeys.terminalKey(busId))
    expect(cleared.status, cleared.text).toBe(200)
    expect(cleared.json).toMatchObject({ accepted: 1, refused: [] })

    const said = capture.entries().find((entry) => entry.msg.startsWith('purse keys'))
    expect(said).toMatchObject({ msg: "purse keys: the operator's own", file: own.path })
    const everything = capture.lines.join('\n').toUpperCase()
    for (const value of Object.values(own.keys))
      if (typeof value === 'string') expect(everything).not.toContain(value)
  })

  it('open clearing and OTA top-ups outside the simulator; without them, neither', async () => {
    // The operator's SMSC: keeps who each submit_sm went to and its protocol id (0x7F: to the SIM).
    const toSims: string[] = []
    smsc = await startSmppServer({
      port: 0,
      accounts: [{ systemId: 'telepay', password: 'opsecret' }],
      systemId: 'operator',
      onSubmit: async (_peer, pdu) => {
        if (pduNumber(pdu, 'protocol_id') === 0x7f)
          toSims.push(pduString(pdu, 'destination_addr') ?? '')
        return { status: 0, messageId: 'op1' }
      },
    })
    const operator = {
      sms: { mode: 'operator', upstream: `smpp://telepay:opsecret@127.0.0.1:${smsc.port}` },
    }
    const empty = (t: GatewayFixture, key: Buffer) => post(t, 'E1', [], key)

    gw = await startTestGateway({ overrides: operator })
    // Without keys of its own the route is the merchant API's, which asks for a merchant's key.
    const shut = await empty(gw, testKeys.terminalKey(busId))
    expect(shut.status).toBe(401)
    expect(shut.json.error).not.toBe('signature_invalid')
    // A top-up is paid into the float but never sent under the public keys.
    expect((await gw.phone(loadCard, { pin: LI_PIN })).ok).toBe(true)
    await new Promise((resolve) => setTimeout(resolve, 2_500))
    expect(toSims).toEqual([])
    await gw.close()

    const own = ownKeysFile()
    gw = await startTestGateway({ overrides: { ...operator, onsite: { keysFile: own.path } } })
    const underTestKeys = await empty(gw, testKeys.terminalKey(busId))
    expect(underTestKeys.status).toBe(401)
    expect(underTestKeys.json.error).toBe('signature_invalid')
    const open = await empty(gw, new KeyStore(own.keys).terminalKey(busId))
    expect(open.status, open.text).toBe(200)
    expect(open.json).toMatchObject({ accepted: 0, refused: [] })
    // Under its own keys the top-up goes to the SIM as an SMS-PP through the operator's SMSC.
    expect((await gw.phone(loadCard, { pin: LI_PIN })).ok).toBe(true)
    for (let waited = 0; waited < 5_000 && toSims.length === 0; waited += 50)
      await new Promise((resolve) => setTimeout(resolve, 50))
    expect(toSims).toEqual([LI])
  })
})
