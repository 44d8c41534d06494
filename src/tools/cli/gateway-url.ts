/**
 * gateway-url.ts - where a running gateway answers, for the subcommands that talk to one over
 * HTTP (`telepay ussd`, `telepay call`): `--url` when given, else the address the same
 * configuration (file and TELEPAY_* variables) makes the gateway listen on.
 */
import { loadConfig } from '../../config.js'

export function gatewayUrl(option: string | true | undefined): string {
  if (typeof option === 'string') return option.replace(/\/+$/, '')
  const { host, port } = loadConfig().http
  return `http://${host.includes(':') ? `[${host}]` : host}:${port}`
}
