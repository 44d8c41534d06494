/**
 * esme.ts - an ESME bound to a test gateway's SMSC simulator with the gateway's own credentials,
 * as a phone or a service binds: for tests of what the operator sees of binds (listing, windows,
 * unbinding). Exports bindEsme.
 */
import type { SmppClient } from '../../src/bearer/smpp/client.js'
import { createSmppClient } from '../../src/bearer/smpp/client.js'
import type { GatewayFixture } from './gateway-fixture.js'

/** Binds (transceiver, no reconnect) and resolves once bound; throws when the bind fails. */
export async function bindEsme(gw: GatewayFixture): Promise<SmppClient> {
  const smpp = gw.gateway.smpp
  if (smpp === null) throw new Error('the fixture runs the SMSC simulator')
  const client = createSmppClient({
    host: smpp.host,
    port: smpp.port,
    systemId: 'telepay',
    password: 'telepay',
    reconnect: false,
  })
  const ready = await client.whenReady(5_000)
  if (!ready.ok) {
    await client.close()
    throw new Error(`the ESME did not bind: ${JSON.stringify(ready)}`)
  }
  return client
}
