/**
 * bind-race.test.ts - an SMSC that sends its queued MOs in the same TCP segment as its
 * bind_receiver_resp (Kannel's drive_smpp does): every deliver_sm is taken, none refused with
 * ESME_RINVBNDSTS. Found by test/channels/sms/interop/drive-smpp.test.ts.
 */
import { afterEach, expect, it } from 'vitest'
import type { SmppClient } from '../../../src/bearer/smpp/client.js'
import { createSmppClient } from '../../../src/bearer/smpp/client.js'
import type { Pdu } from '../../../src/bearer/smpp/pdu.js'
import { encodePdu } from '../../../src/bearer/smpp/pdu.js'
import type { RawSmsc } from './raw-peer.js'
import { startRawSmsc, submitParams, waitFor } from './raw-peer.js'

let smsc: RawSmsc | null = null
let client: SmppClient | null = null
afterEach(async () => {
  await client?.close()
  await smsc?.close()
})

it('takes deliver_sm that arrive in the same segment as the bind response', async () => {
  const statuses: number[] = []
  smsc = await startRawSmsc((pdu, connection) => {
    if (pdu.pdu?.command === 'bind_receiver') {
      const deliveries = [1, 2, 3].map((n) =>
        encodePdu('deliver_sm', 100 + n, submitParams(`BAL ${n}`)),
      )
      connection.socket.write(
        Buffer.concat([
          encodePdu('bind_receiver_resp', pdu.sequence, { system_id: 'fake' }),
          ...deliveries,
        ]),
      )
    } else if (pdu.pdu?.command === 'deliver_sm_resp') {
      statuses.push(pdu.status)
    }
  }, false)
  const delivered: Pdu[] = []
  client = createSmppClient({
    host: '127.0.0.1',
    port: smsc.port,
    systemId: 'telepay',
    password: 'telepay',
    mode: 'receiver',
    reconnect: false,
    onDeliver: async (pdu) => {
      delivered.push(pdu)
      return { status: 0 }
    },
  })
  expect(await client.whenReady(3_000)).toEqual({ ok: true })
  expect(await waitFor(() => statuses.length === 3)).toBe(true)
  expect(statuses).toEqual([0, 0, 0])
  expect(delivered).toHaveLength(3)
})
