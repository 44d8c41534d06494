/**
 * smpp-metrics.ts - publishes a server's or client's SmppCounters on /metrics: PDUs by direction,
 * command and status, and the session layer's refusals, timeouts and reconnects.
 */
import type { Metrics } from '../../src/service/metrics.js'
import type { SmppCounters } from './smpp/counters.js'

export function publishSmppCounters(metrics: Metrics, role: 'smsc' | 'esme', counters: SmppCounters): void {
  metrics.counterFrom('telepay_smpp_pdus_total', 'SMPP PDUs by role, direction, command and command_status', () => {
    const series: { labels: Record<string, string>; value: number }[] = []
    for (const [direction, counts] of [['in', counters.pdusIn], ['out', counters.pdusOut]] as const) {
      for (const [command, byStatus] of Object.entries(counts)) {
        for (const [status, value] of Object.entries(byStatus)) series.push({ labels: { role, direction, command, status }, value })
      }
    }
    return series
  })
  metrics.counterFrom('telepay_smpp_events_total', 'SMPP session events by role: generic_nacks sent, throttling, timeouts, dead links, binds, reconnects', () => [
    { labels: { role, event: 'generic_nack_sent' }, value: counters.genericNacksSent },
    { labels: { role, event: 'throttled_sent' }, value: counters.throttledSent },
    { labels: { role, event: 'throttled_received' }, value: counters.throttledReceived },
    { labels: { role, event: 'response_timeout' }, value: counters.responseTimeouts },
    { labels: { role, event: 'dead_link' }, value: counters.deadLinks },
    { labels: { role, event: 'bind_accepted' }, value: counters.bindsAccepted },
    { labels: { role, event: 'bind_refused' }, value: counters.bindsRefused },
    { labels: { role, event: 'reconnect' }, value: counters.reconnects },
  ])
}
