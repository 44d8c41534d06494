/**
 * bind-throttle.test.ts - SMPP password guessing over real sockets: binds from 127.0.0.2 with
 * wrong passwords are refused, counted and logged until the address is locked out; then every
 * bind from it, the right password too, gets ESME_RBINDFAIL unchecked and no log line, while
 * 127.0.0.3 binds at once; after the lockout the right password binds. Checked against the
 * server's log, its /metrics series, and a real gateway's /metrics over HTTP.
 */
import { afterEach, describe, expect, it } from 'vitest'
import { publishSmppCounters } from '../../../src/bearer/smpp/metrics.js'
import type { SmppServer } from '../../../src/bearer/smpp/server.js'
import { startSmppServer } from '../../../src/bearer/smpp/server.js'
import { Metrics } from '../../../src/service/metrics.js'
import { PhoneEsme } from '../../../src/tools/phones/phone-esme.js'
import { LI, startTestGateway } from '../../support/gateway-fixture.js'
import { captureLog } from '../../support/log-capture.js'
import { bindParams, RawPeer, telepayAccount } from './raw-peer.js'

const ESME_RBINDFAIL = 0x0d
const ESME_RINVPASWD = 0x0e

const cleanups: (() => Promise<void> | void)[] = []
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup()
})

/**
 * One bind_transceiver from localAddress on a fresh connection: its status and how long it took.
 */
async function bindFrom(
  port: number,
  localAddress: string,
  password: string,
): Promise<{ status: number | null; tookMs: number }> {
  const startedMs = Date.now()
  const peer = await RawPeer.connect(port, localAddress)
  try {
    const resp = await peer.request(
      'bind_transceiver',
      bindParams(telepayAccount.systemId, password),
    )
    return { status: resp?.status ?? null, tookMs: Date.now() - startedMs }
  } finally {
    peer.close()
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms))
}

/** The value of one series in Prometheus text, or null when it is absent. */
function sample(text: string, series: string): number | null {
  const line = text.split('\n').find((candidate) => candidate.startsWith(`${series} `))
  return line === undefined ? null : Number(line.slice(series.length + 1))
}

describe('failed SMPP binds per address', () => {
  it('locks 127.0.0.2 out after 5 bad passwords, not 127.0.0.3; after it, .2 binds', async () => {
    const captured = captureLog('info')
    const metrics = new Metrics()
    const lockoutMs = 1_500
    const smsc: SmppServer = await startSmppServer({
      port: 0,
      accounts: [telepayAccount],
      logger: captured.log,
      limits: {
        bindFailuresMax: 5,
        bindLockoutBaseMs: lockoutMs,
        bindLockoutMaxMs: 10_000,
        bindFailureMemoryMs: 60_000,
      },
      onSubmit: async () => ({ status: 0, messageId: 'm1' }),
    })
    cleanups.push(() => smsc.close())
    publishSmppCounters(metrics, 'smsc', smsc.counters)

    const checked: (number | null)[] = []
    for (let guess = 0; guess < 5; guess++)
      checked.push((await bindFrom(smsc.port, '127.0.0.2', `guess${guess}`)).status)
    expect(checked).toEqual(Array(5).fill(ESME_RINVPASWD))
    const lockedAtMs = Date.now()
    // The lockout answers every bind, the right password included, without checking it.
    const locked: (number | null)[] = []
    for (let guess = 0; guess < 30; guess++)
      locked.push((await bindFrom(smsc.port, '127.0.0.2', `guess${guess + 5}`)).status)
    locked.push((await bindFrom(smsc.port, '127.0.0.2', telepayAccount.password)).status)
    expect(locked).toEqual(Array(31).fill(ESME_RBINDFAIL))
    const other = await bindFrom(smsc.port, '127.0.0.3', telepayAccount.password)
    expect(other.status).toBe(0)
    expect(other.tookMs).toBeLessThan(lockoutMs / 2)
    expect(Date.now() - lockedAtMs).toBeLessThan(lockoutMs)

    // Four lines for the failures, one for the lockout; nothing for the 31 refused in it.
    const entries = captured.entries()
    const bindLines = entries.filter((line) => line.level === 'warn' && /^smpp bind/.test(line.msg))
    expect(bindLines).toHaveLength(5)
    expect(
      bindLines
        .slice(0, 4)
        .every((line) => line.msg === 'smpp bind refused' && line['remote'] === '127.0.0.2'),
    ).toBe(true)
    expect(bindLines[4]).toMatchObject({
      msg: expect.stringMatching(/^smpp binds from this address locked out/),
      remote: '127.0.0.2',
      lockoutMs: 1500,
    })
    expect(captured.lines.filter((line) => line.includes('127.0.0.2'))).toHaveLength(5)

    const text = await metrics.render()
    expect(
      sample(text, 'telepay_smpp_binds_failed_total{role="smsc",status="ESME_RINVPASWD"}'),
    ).toBe(5)
    expect(sample(text, 'telepay_smpp_binds_throttled_total{role="smsc"}')).toBe(31)
    expect(sample(text, 'telepay_smpp_bind_lockouts_total{role="smsc"}')).toBe(1)
    expect(sample(text, 'telepay_smpp_events_total{role="smsc",event="bind_refused"}')).toBe(36)

    await sleep(lockoutMs - (Date.now() - lockedAtMs) + 50)
    expect((await bindFrom(smsc.port, '127.0.0.2', telepayAccount.password)).status).toBe(0)
    // The correct bind forgot the failures: four more wrong guesses lock nothing.
    for (let guess = 0; guess < 4; guess++)
      expect((await bindFrom(smsc.port, '127.0.0.2', 'again')).status).toBe(ESME_RINVPASWD)
    expect((await bindFrom(smsc.port, '127.0.0.2', telepayAccount.password)).status).toBe(0)
  })

  it('a real gateway locks a guesser out (on /metrics); a bound phone ESME is unhurt', async () => {
    const gw = await startTestGateway()
    cleanups.push(() => gw.close())
    const smpp = gw.gateway.smpp
    if (smpp === null) throw new Error('the SMSC simulator did not start')
    const phones = new PhoneEsme({ host: smpp.host, port: smpp.port })
    cleanups.push(() => phones.close())
    expect(await phones.bind()).toBeNull()
    const statuses: (number | null)[] = []
    for (let guess = 0; guess < 8; guess++)
      statuses.push((await bindFrom(smpp.port, '127.0.0.4', `pw${guess}`)).status)
    expect(statuses).toEqual([...Array(5).fill(ESME_RINVPASWD), ...Array(3).fill(ESME_RBINDFAIL)])
    expect((await bindFrom(smpp.port, '127.0.0.4', 'telepay')).status).toBe(ESME_RBINDFAIL)
    expect((await bindFrom(smpp.port, '127.0.0.5', 'telepay')).status).toBe(0)
    expect(await phones.send(LI, 'BAL')).toMatchObject({ ok: true })
    expect((await phones.next(LI, 5_000))?.text).toContain('500.00')

    const text = (await gw.admin('GET', '/metrics')).text
    expect(
      sample(text, 'telepay_smpp_binds_failed_total{role="smsc",status="ESME_RINVPASWD"}'),
    ).toBe(5)
    expect(sample(text, 'telepay_smpp_binds_throttled_total{role="smsc"}')).toBe(4)
    expect(sample(text, 'telepay_smpp_bind_lockouts_total{role="smsc"}')).toBe(1)
  })
})
