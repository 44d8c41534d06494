/**
 * operator-transport.ts - operator mode: telepay binds as an ESME to the operator's SMSC (one
 * transceiver, or a transmitter plus a receiver), takes MOs and receipts as deliver_sm and
 * sends replies as submit_sm. The session layer reconnects with backoff on a fresh session.
 */
import type { Logger } from '../../src/service/log.js'
import type { Metrics } from '../../src/service/metrics.js'
import type { UpstreamSmsc } from '../../src/config.js'
import type { SmppClient } from './smpp/client.js'
import { createSmppClient } from './smpp/client.js'
import type { SmppLimits } from './smpp/limits.js'
import { inboundOf, outboundParams } from './inbound-pdu.js'
import type { InboundHandler, OutboundSm, SendResult, SmsTransport } from './transport.js'
import { smppStatus } from './smpp-constants.js'
import { publishSmppCounters } from './smpp-metrics.js'

export interface OperatorOptions {
  readonly upstream: UpstreamSmsc
  readonly limits?: Partial<SmppLimits>
  readonly log: Logger
  readonly metrics: Metrics
  readonly onInbound: InboundHandler
}

export interface OperatorTransport extends SmsTransport {
  readonly client: SmppClient
}

export function startOperatorTransport(options: OperatorOptions): OperatorTransport {
  const { upstream } = options
  const bind = `${upstream.systemId}@${upstream.host}:${upstream.port}`
  const client = createSmppClient({
    host: upstream.host,
    port: upstream.port,
    systemId: upstream.systemId,
    password: upstream.password,
    systemType: upstream.systemType,
    mode: upstream.bind === 'transceiver' ? 'transceiver' : 'transmitter_receiver',
    ...(options.limits === undefined ? {} : { limits: options.limits }),
    logger: options.log,
    name: 'upstream',
    onEvent: (event) => {
      if (event.type === 'bound') options.log.info('smpp bound to the operator', { smsc: `${upstream.host}:${upstream.port}`, bind: event.bindType })
      else if (event.type === 'bind_refused') options.log.error('smpp bind refused by the operator', { smsc: `${upstream.host}:${upstream.port}`, status: event.status })
      else if (event.type === 'reconnect_scheduled') options.log.warn('smpp reconnecting', { smsc: `${upstream.host}:${upstream.port}`, inMs: event.delayMs, failures: event.failures })
      else if (event.type === 'disconnected') options.log.warn('smpp link down', { smsc: `${upstream.host}:${upstream.port}`, reason: event.reason })
    },
    onDeliver: async (pdu) => {
      const answer = await options.onInbound(inboundOf(pdu, bind))
      if (answer.afterResponse !== null) setImmediate(answer.afterResponse)
      return { status: answer.status === smppStatus.ok ? smppStatus.ok : answer.status }
    },
  })
  publishSmppCounters(options.metrics, 'esme', client.counters)
  options.metrics.gauge('telepay_smpp_upstream_bound', 'Whether telepay is bound to the operator SMSC (1) or not (0)', () => [
    { labels: { smsc: `${upstream.host}:${upstream.port}` }, value: client.ready() ? 1 : 0 },
  ])

  return {
    mode: 'operator',
    client,
    async send(sm: OutboundSm): Promise<SendResult> {
      const result = await client.submit(outboundParams(sm))
      if (result.ok) return { ok: true, messageId: result.messageId }
      if (result.reason === 'status') return { ok: false, error: `SMSC answered status 0x${result.status.toString(16).padStart(8, '0')}`, temporary: result.status === smppStatus.throttled || result.status === smppStatus.queueFull || result.status === smppStatus.systemError }
      return { ok: false, error: `${result.reason}: ${result.detail}`, temporary: result.reason !== 'invalid' }
    },
    ready: () => client.ready(),
    close: () => client.close(),
  }
}
