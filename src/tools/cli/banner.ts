/**
 * banner.ts - what `telepay start` prints once the gateway is ready: where it listens, what runs
 * it (operating model, world, clock), where its data is, and one line to try per channel, on
 * stdout (the log is on stderr). Exports startBanner.
 */
import type { Gateway } from '../../gateway.js'

/** The banner of a started gateway; `firstSubscriber` is the world's first number (or a sample). */
export function startBanner(gateway: Gateway, firstSubscriber: string | null): string {
  const { config } = gateway
  const msisdn = firstSubscriber ?? '8613800138000'
  const url = gateway.url
  const sameUrl = url === 'http://127.0.0.1:8080' ? '' : ` --url ${url}`
  const smpp = gateway.smpp
  const smppFlag = smpp === null || smpp.port === 2775 ? '' : ` --smpp ${smpp.host}:${smpp.port}`
  const lines = [
    `telepay is ready: operating model ${config.limits.operatingModel}, world ${config.world}, ` +
      `${config.clock} clock`,
    `  http   ${url}  (/healthz, merchant API /api/v1, admin API /admin/api, WAP /wap/)`,
    // The web handset needs the simulated network (its phones are not real subscribers').
    ...(config.sms.mode === 'simulator'
      ? [`  web    ${url}/handset  (a phone in the browser for every channel; ${url}/ for more)`]
      : []),
    smpp === null
      ? '  smpp   off (sms.mode: off)'
      : `  smpp   ${smpp.host}:${smpp.port}  (SMSC simulator; phones text ${config.sms.shortCode})`,
    gateway.pos === null
      ? "  pos    off (outside the simulator it needs the operator's own keys: onsite.keysFile)"
      : `  pos    ${config.pos.host}:${gateway.pos.port}  (ISO 8583 host; online shop terminal ` +
        'POS10011)',
    `  data   ${config.dataDir}  (ledger ${config.ledgerFile})`,
    '  try    (in another terminal)',
    ...(smpp === null ? [] : [`    npx telepay sms${smppFlag} ${msisdn} "BAL"`]),
    `    npx telepay ussd ${msisdn}${sameUrl}`,
    `    npx telepay call ${msisdn}${sameUrl}`,
    `    npx telepay wap ${msisdn}${sameUrl}`,
    `    curl -s ${url}/healthz`,
    '  stop   Ctrl-C: stops taking work, answers what is in flight, then exits',
  ]
  return `${lines.join('\n')}\n`
}
