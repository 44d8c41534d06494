/**
 * gateway-url.ts - where a running gateway answers, for the subcommands that talk to one over
 * HTTP (`telepay ussd`, `telepay call`, `telepay trail`): `--url` when given, else the address the
 * same configuration (file and TELEPAY_* variables) makes the gateway listen on; and why a request
 * to it got no answer. Exports gatewayUrl and unreachableCause.
 */
import { loadConfig } from '../../config.js'

export function gatewayUrl(option: string | true | undefined): string {
  if (typeof option === 'string') return option.replace(/\/+$/, '')
  const { host, port } = loadConfig().http
  return `http://${host.includes(':') ? `[${host}]` : host}:${port}`
}

/**
 * Why a fetch got no answer, in the socket's words ("connect ECONNREFUSED 127.0.0.1:8080"): fetch
 * itself only says "fetch failed" and keeps the reason in its cause.
 */
export function unreachableCause(error: unknown): string {
  if (error instanceof Error && error.cause instanceof Error) return error.cause.message
  return error instanceof Error ? error.message : String(error)
}
