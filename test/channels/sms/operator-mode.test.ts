/**
 * operator-mode.test.ts - telepay bound as an ESME to an operator's SMSC (here our own SMPP server
 * standing in for it, on loopback): MOs arrive as deliver_sm, replies leave as submit_sm asking
 * for a receipt; long MOs arrive in parts in any order; a link that drops is bound again.
 */
import { afterEach, describe, expect, it } from 'vitest'
import type { Pdu } from '../../../src/bearer/smpp/pdu.js'
import { pduBuffer, pduNumber, pduString } from '../../../src/bearer/smpp/pdu.js'
import type { SmppPeer, SmppServer } from '../../../src/bearer/smpp/server.js'
import { startSmppServer } from '../../../src/bearer/smpp/server.js'
import { decodeText } from '../../../src/bearer/text/coding.js'
import { concatInfo, Reassembler } from '../../../src/bearer/text/reassembly.js'
import { splitText, splitTextSar } from '../../../src/bearer/text/segment.js'
import type { GatewayFixture } from '../../support/gateway-fixture.js'
import { LI, startTestGateway } from '../../support/gateway-fixture.js'

interface Submitted {
  readonly to: string
  readonly text: string
  readonly registeredDelivery: number
}

let smsc: SmppServer | null = null
let gw: GatewayFixture | null = null
afterEach(async () => {
  await gw?.close()
  await smsc?.close()
  gw = null
  smsc = null
})

/** The operator's SMSC: records what telepay submits (reassembled) and lets the test send MOs. */
async function startOperator(): Promise<{
  server: SmppServer
  submitted: Submitted[]
  bound: () => SmppPeer | undefined
}> {
  const submitted: Submitted[] = []
  const parts = new Reassembler()
  let nextId = 1
  const server = await startSmppServer({
    port: 0,
    accounts: [{ systemId: 'telepay', password: 'opsecret' }],
    systemId: 'operator',
    onSubmit: async (_peer, pdu: Pdu) => {
      const bytes = pduBuffer(pdu, 'short_message') ?? Buffer.alloc(0)
      const dataCoding = pduNumber(pdu, 'data_coding') ?? 0
      const to = pduString(pdu, 'destination_addr') ?? ''
      const registeredDelivery = pduNumber(pdu, 'registered_delivery') ?? 0
      const concat = concatInfo({ esmClass: pduNumber(pdu, 'esm_class') ?? 0, shortMessage: bytes })
      if (concat === null)
        submitted.push({ to, text: decodeText(dataCoding, bytes).text, registeredDelivery })
      else {
        const added = parts.add(
          { ...concat, sender: pduString(pdu, 'source_addr') ?? '', receiver: to, dataCoding },
          Date.now(),
        )
        if (added.status === 'complete')
          submitted.push({ to, text: added.message.text, registeredDelivery })
      }
      nextId += 1
      return { status: 0, messageId: `op${nextId}` }
    },
  })
  return { server, submitted, bound: () => server.peers().find((peer) => peer.canReceive) }
}

async function until<T>(what: string, probe: () => T | undefined, timeoutMs = 5_000): Promise<T> {
  for (let waited = 0; waited <= timeoutMs; waited += 25) {
    const value = probe()
    if (value !== undefined) return value
    await new Promise((resolve) => setTimeout(resolve, 25))
  }
  throw new Error(`timed out waiting for ${what}`)
}

function mo(
  from: string,
  shortMessage: Buffer,
  extra: Record<string, number | Buffer> = {},
): Record<string, string | number | Buffer> {
  return {
    source_addr_ton: 1,
    source_addr_npi: 1,
    source_addr: from,
    dest_addr_ton: 0,
    dest_addr_npi: 1,
    destination_addr: '12588',
    esm_class: 0,
    data_coding: 0,
    short_message: shortMessage,
    ...extra,
  }
}

async function startBoundGateway(bind: 'transceiver' | 'transmitter+receiver') {
  const operator = await startOperator()
  smsc = operator.server
  gw = await startTestGateway({
    overrides: {
      sms: {
        mode: 'operator',
        upstream:
          `smpp://telepay:opsecret@127.0.0.1:${operator.server.port}` +
          `?bind=${encodeURIComponent(bind)}`,
      },
    },
  })
  const peer = await until('telepay to bind', () => operator.bound())
  return { ...operator, peer }
}

describe('operator mode', () => {
  it.each(['transceiver', 'transmitter+receiver'] as const)(
    'takes MOs as deliver_sm and answers with submit_sm asking for a receipt (%s)',
    async (bind) => {
      const { peer, submitted, server } = await startBoundGateway(bind)
      expect(
        server
          .peers()
          .map((p) => p.bindType)
          .sort(),
      ).toEqual(bind === 'transceiver' ? ['transceiver'] : ['receiver', 'transmitter'])
      expect((await peer.send('deliver_sm', mo(LI, Buffer.from('BAL', 'latin1')))).ok).toBe(true)
      const reply = await until('the reply', () => submitted[0])
      expect(reply).toMatchObject({ to: LI, registeredDelivery: 1 })
      expect(reply.text).toContain('500.00')
      const health = await fetch(`${gw?.gateway.url ?? ''}/healthz`)
      expect(
        ((await health.json()) as { channels: Record<string, string> }).channels,
      ).toMatchObject({ sms: 'ready' })
    },
  )

  it('reassembles a long MO whose UDH parts come out of order, and SAR parts too', async () => {
    const { peer, submitted } = await startBoundGateway('transceiver')
    const long = `PAY 1001 25${' '.repeat(300)}P`
    const split = splitText(long, 77)
    expect(split.parts.length).toBe(3)
    for (const index of [2, 0, 1])
      await peer.send('deliver_sm', mo(LI, split.parts[index] as Buffer, { esm_class: 0x40 }))
    expect((await until('the prompt', () => submitted[0])).text).toMatch(
      /^Pay CNY 25\.00 to Ringtone Store from your phone bill/,
    )
    const sar = splitTextSar(`YES${' '.repeat(200)}`, 513)
    for (const part of [...sar.parts].reverse()) {
      await peer.send(
        'deliver_sm',
        mo(
          LI,
          part.body,
          part.sar === null
            ? {}
            : {
                sar_msg_ref_num: part.sar.sarMsgRefNum,
                sar_total_segments: part.sar.sarTotalSegments,
                sar_segment_seqnum: part.sar.sarSegmentSeqnum,
              },
        ),
      )
    }
    expect((await until('the receipt', () => submitted[1])).text).toMatch(
      /^Paid CNY 25\.00 to Ringtone Store from your phone bill/,
    )
    expect(await gw?.balance(LI, 'phone_bill')).toBe('25.00')
  })

  it('reads an MO carried in message_payload with an empty short_message', async () => {
    const { peer, submitted } = await startBoundGateway('transceiver')
    const text = `余额${'　'.repeat(200)}`
    const payload = Buffer.from(text, 'utf16le').swap16()
    expect(
      (
        await peer.send(
          'deliver_sm',
          mo('8613800138001', Buffer.alloc(0), { data_coding: 8, message_payload: payload }),
        )
      ).ok,
    ).toBe(true)
    const reply = await until('the reply', () => submitted[0])
    expect(reply.to).toBe('8613800138001')
    expect(reply.text).toContain('钱包')
  })

  it('asks for a long MO again when a part never arrives, and moves nothing', async () => {
    const { peer, submitted } = await startBoundGateway('transceiver')
    const split = splitText(`PAY 1001 25${' '.repeat(300)}P`, 9)
    await peer.send('deliver_sm', mo(LI, split.parts[0] as Buffer, { esm_class: 0x40 }))
    await peer.send('deliver_sm', mo(LI, split.parts[2] as Buffer, { esm_class: 0x40 }))
    await gw?.advance(91)
    expect((await until('the resend request', () => submitted[0])).text).toMatch(
      /^Part of your message was lost\. Please send it again\./,
    )
    await gw?.advance(121)
    expect(await gw?.balance(LI, 'phone_bill')).toBe('50.00')
  })

  it('takes a delivery receipt for its reply without running it as a command', async () => {
    const { peer, submitted } = await startBoundGateway('transceiver')
    await peer.send('deliver_sm', mo(LI, Buffer.from('BAL', 'latin1')))
    await until('the reply', () => submitted[0])
    const receipt =
      'id:op2 sub:001 dlvrd:001 submit date:2611210800 done date:2611210801 stat:DELIVRD ' +
      'err:000 text:Balance'
    const answer = await peer.send('deliver_sm', {
      ...mo(LI, Buffer.from(receipt, 'latin1'), { esm_class: 0x04 }),
      receipted_message_id: 'op2',
      message_state: 2,
    })
    expect(answer.ok).toBe(true)
    await new Promise((resolve) => setTimeout(resolve, 300))
    expect(submitted).toHaveLength(1)
    const metrics = await (
      await fetch(`${gw?.gateway.url ?? ''}/metrics`, {
        headers: { authorization: 'Bearer test_admin_token' },
      })
    ).text()
    expect(metrics).toMatch(/telepay_sms_receipts_total\{stat="DELIVRD"\} 1/)
  })

  it('binds again after the SMSC drops the link', async () => {
    const { server, peer, submitted } = await startBoundGateway('transceiver')
    const firstId = peer.id
    await peer.unbind()
    const again = await until(
      'a new bind',
      () => server.peers().find((p) => p.canReceive && p.id !== firstId),
      10_000,
    )
    await again.send('deliver_sm', mo(LI, Buffer.from('BAL', 'latin1')))
    expect((await until('the reply', () => submitted[0])).text).toContain('500.00')
  })
})
