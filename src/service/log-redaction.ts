/**
 * log-redaction.ts - what pino removes from every log line, whoever wrote the call: the paths
 * of PINs, card numbers, keys, secrets and credentials, at the top of a line's fields and one
 * object down (a request's headers, a command). The callers already leave them out; this is the
 * net under them, so a field added later under one of these names cannot leak. A name that
 * means something else in a line (the IVR's `secret`, whether a gather hides its keys) is not
 * here: its value would be lost.
 * Exports redactedPaths and redactionCensor.
 */

/** Field names that hold a secret or a card number, in the spellings code and payloads use. */
const secretNames = [
  'pin',
  'newPin',
  'new_pin',
  'oldPin',
  'pinHash',
  'pin_hash',
  'pan',
  'cardNumber',
  'card_number',
  'cardNo',
  'apiKey',
  'api_key',
  'webhookSecret',
  'webhook_secret',
  'clientSecret',
  'password',
  'adminToken',
  'authorization',
  'Authorization',
  'cookie',
  'x-api-key',
] as const

/** Written in place of what was removed. */
export const redactionCensor = '[redacted]'

/** pino `redact` paths: each name at the top level and one object down. */
export const redactedPaths: readonly string[] = secretNames.flatMap((name) => {
  const key = /^[A-Za-z_$][\w$]*$/.test(name) ? name : `["${name}"]`
  return [key, key.startsWith('[') ? `*${key}` : `*.${key}`]
})
