/**
 * metrics.ts - publishes a server's or client's SmppCounters on /metrics: PDUs by direction,
 * command and status, the session layer's refusals, timeouts and reconnects, and (SMSC role) the
 * binds that failed their credentials and those refused unchecked during a lockout.
 */
import type { Metrics } from '../../service/metrics.js'
import type { SmppCounters } from './counters.js'

export function publishSmppCounters(
  metrics: Metrics,
  role: 'smsc' | 'esme',
  counters: SmppCounters,
): void {
  metrics.counterFrom(
    'telepay_smpp_pdus_total',
    'SMPP PDUs by role, direction, command and command_status',
    ['role', 'direction', 'command', 'status'],
    () => {
      const series: { labels: Record<string, string>; value: number }[] = []
      for (const [direction, counts] of [
        ['in', counters.pdusIn],
        ['out', counters.pdusOut],
      ] as const) {
        for (const [command, byStatus] of Object.entries(counts)) {
          for (const [status, value] of Object.entries(byStatus))
            series.push({ labels: { role, direction, command, status }, value })
        }
      }
      return series
    },
  )
  metrics.counterFrom(
    'telepay_smpp_events_total',
    'SMPP session events by role: generic_nacks sent, throttling, timeouts, dead links, ' +
      'binds, reconnects',
    ['role', 'event'],
    () => [
      { labels: { role, event: 'generic_nack_sent' }, value: counters.genericNacksSent },
      { labels: { role, event: 'throttled_sent' }, value: counters.throttledSent },
      { labels: { role, event: 'throttled_received' }, value: counters.throttledReceived },
      { labels: { role, event: 'response_timeout' }, value: counters.responseTimeouts },
      { labels: { role, event: 'dead_link' }, value: counters.deadLinks },
      { labels: { role, event: 'bind_accepted' }, value: counters.bindsAccepted },
      { labels: { role, event: 'bind_refused' }, value: counters.bindsRefused },
      { labels: { role, event: 'reconnect' }, value: counters.reconnects },
    ],
  )
  // Only an SMSC checks credentials; the ESME role would publish zeros forever.
  if (role !== 'smsc') return
  metrics.counterFrom(
    'telepay_smpp_binds_failed_total',
    'Binds to the SMSC with a wrong password or unknown system_id, by command_status',
    ['role', 'status'],
    () =>
      Object.entries(counters.bindsFailed).map(([status, value]) => ({
        labels: { role, status },
        value,
      })),
  )
  metrics.counterFrom(
    'telepay_smpp_binds_throttled_total',
    'Binds refused with ESME_RBINDFAIL, credentials unchecked, because their address was ' +
      'locked out after failed binds',
    ['role'],
    () => [{ labels: { role }, value: counters.bindsThrottled }],
  )
  metrics.counterFrom(
    'telepay_smpp_bind_lockouts_total',
    'Lockouts begun: an address reached the failed-bind limit, or failed again after a lockout',
    ['role'],
    () => [{ labels: { role }, value: counters.bindLockouts }],
  )
}
