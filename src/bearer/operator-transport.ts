/**
 * operator-transport.ts - operator mode: telepay binds as an ESME to the operator's SMSC (one
 * transceiver, or a transmitter plus a receiver), takes MOs and receipts as deliver_sm and
 * sends replies as submit_sm. The session layer reconnects with backoff on a fresh session.
 * A deliver_sm carrying ussd_service_op comes from the operator's USSDC: it goes to the handler
 * channels/ussd/smpp attached (UssdLink), whose screens leave as submit_sm through sendUssd.
 */

import type { UpstreamSmsc } from '../config.js'
import type { Logger } from '../service/log.js'
import type { Metrics } from '../service/metrics.js'
import type {
  InboundHandler,
  OutboundSm,
  SendResult,
  SmppBearer,
  UssdPduHandler,
  UssdPduSource,
} from './contract.js'
import { simDataDownloadPid } from './contract.js'
import { inboundOf, outboundParams, sendResultOf } from './inbound-pdu.js'
import type { SmppClient } from './smpp/client.js'
import { createSmppClient } from './smpp/client.js'
import { smppStatus } from './smpp/constants.js'
import type { SmppLimits } from './smpp/limits.js'
import { publishSmppCounters } from './smpp/metrics.js'
import type { PduParams } from './smpp/pdu.js'

export interface OperatorOptions {
  readonly upstream: UpstreamSmsc
  readonly limits?: Partial<SmppLimits>
  readonly log: Logger
  readonly metrics: Metrics
  readonly onInbound: InboundHandler
}

export interface OperatorTransport extends SmppBearer {
  readonly client: SmppClient
}

export function startOperatorTransport(options: OperatorOptions): OperatorTransport {
  const { upstream } = options
  const bind = `${upstream.systemId}@${upstream.host}:${upstream.port}`
  let ussdHandler: UssdPduHandler | null = null
  let simDataHandler: InboundHandler | null = null
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
      if (event.type === 'bound')
        options.log.info('smpp bound to the operator', {
          smsc: `${upstream.host}:${upstream.port}`,
          bind: event.bindType,
        })
      else if (event.type === 'bind_refused')
        options.log.error('smpp bind refused by the operator', {
          smsc: `${upstream.host}:${upstream.port}`,
          status: event.status,
        })
      else if (event.type === 'reconnect_scheduled')
        options.log.warn('smpp reconnecting', {
          smsc: `${upstream.host}:${upstream.port}`,
          inMs: event.delayMs,
          failures: event.failures,
        })
      else if (event.type === 'disconnected')
        options.log.warn('smpp link down', {
          smsc: `${upstream.host}:${upstream.port}`,
          reason: event.reason,
        })
    },
    onDeliver: async (pdu) => {
      if (ussdHandler !== null && pdu.fields['ussd_service_op'] !== undefined) {
        const answer = await ussdHandler(pdu, { bind, origin: bind })
        if (answer.afterResponse !== null) setImmediate(answer.afterResponse)
        return { status: answer.status }
      }
      const sm = inboundOf(pdu, bind)
      if (sm.protocolId === simDataDownloadPid) {
        if (simDataHandler === null) return { status: smppStatus.throttled }
        const answer = await simDataHandler(sm)
        if (answer.afterResponse !== null) setImmediate(answer.afterResponse)
        return { status: answer.status }
      }
      const answer = await options.onInbound(sm)
      if (answer.afterResponse !== null) setImmediate(answer.afterResponse)
      return { status: answer.status }
    },
  })
  publishSmppCounters(options.metrics, 'esme', client.counters)
  options.metrics.gauge(
    'telepay_smpp_upstream_bound',
    'Whether telepay is bound to the operator SMSC (1) or not (0)',
    ['smsc'],
    () => [
      { labels: { smsc: `${upstream.host}:${upstream.port}` }, value: client.ready() ? 1 : 0 },
    ],
  )

  const submitted = async (params: PduParams): Promise<SendResult> => {
    const result = await client.submit(params)
    return result.ok ? { ok: true, messageId: result.messageId } : sendResultOf(result, 'SMSC')
  }

  return {
    mode: 'operator',
    client,
    attachUssd(handler) {
      ussdHandler = handler
    },
    attachSimData(handler) {
      simDataHandler = handler
    },
    sendUssd: (_bind: string, params: PduParams) => submitted(params),
    pushTarget: (): UssdPduSource | null => (client.ready() ? { bind, origin: bind } : null),
    send: (sm: OutboundSm) => submitted(outboundParams(sm)),
    ready: () => client.ready(),
    close: () => client.close(),
  }
}
