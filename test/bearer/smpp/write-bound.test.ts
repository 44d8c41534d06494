import type { Socket } from 'node:net'
import { Duplex } from 'node:stream'
import { describe, expect, it } from 'vitest'
import { SmppCounters } from '../../../src/bearer/smpp/counters.js'
import { resolveSmppLimits } from '../../../src/bearer/smpp/limits.js'
import { encodePdu } from '../../../src/bearer/smpp/pdu.js'
import { SmppSession } from '../../../src/bearer/smpp/session.js'
import { silentLogger } from '../../../src/bearer/smpp/silent-logger.js'

describe('a peer that sends but never reads', () => {
  // Loopback kernel buffers hold megabytes, so a real socket would need a flood to fill them;
  // a stream that never acknowledges a write is the same peer, seen from Node.
  it('is closed once our unread output passes writeBufferMaxBytes', async () => {
    const socket = new Duplex({ read() {}, write() {} })
    Object.assign(socket, { setNoDelay: () => socket, remoteAddress: '127.0.0.1', remotePort: 9 })
    const counters = new SmppCounters()
    const session = new SmppSession({
      socket: socket as unknown as Socket,
      role: 'smsc',
      limits: resolveSmppLimits({ writeBufferMaxBytes: 1_024 }),
      counters,
      logger: silentLogger,
    })
    for (let sequence = 1; sequence <= 100; sequence++)
      socket.push(encodePdu('enquire_link', sequence))
    expect(await session.closed).toBe('peer_not_reading')
    expect(counters.pdusOut['enquire_link_resp']?.['ESME_ROK']).toBeLessThan(100)
  })
})
