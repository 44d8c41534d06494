/**
 * secrets.ts - seals a PIN that must outlive one hop (the old and new PIN of a PIN change)
 * before it goes into the session, so that a stored or logged session never holds a PIN in
 * clear. Exports sealSecret, unsealSecret, isSealed.
 *
 * AES-256-GCM under a key made when the process starts and never written anywhere: a session
 * store dump is useless without the process, and a session carried over a restart (or to another
 * process) cannot be unsealed, so the engine asks the user to dial again. Sealing takes a random
 * IV, so the same PIN never gives the same sealed text.
 */
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto'

const sealKey = randomBytes(32)
const sealedPrefix = 'sealed:'
const ivBytes = 12
const tagBytes = 16

export function isSealed(value: string): boolean {
  return value.startsWith(sealedPrefix)
}

export function sealSecret(secret: string): string {
  const iv = randomBytes(ivBytes)
  const cipher = createCipheriv('aes-256-gcm', sealKey, iv)
  const body = Buffer.concat([cipher.update(secret, 'utf8'), cipher.final()])
  return `${sealedPrefix}${Buffer.concat([iv, cipher.getAuthTag(), body]).toString('base64url')}`
}

/** The secret, or null when the value was not sealed by this process (or was altered). */
export function unsealSecret(value: string): string | null {
  if (!isSealed(value)) return null
  const bytes = Buffer.from(value.slice(sealedPrefix.length), 'base64url')
  if (bytes.length < ivBytes + tagBytes) return null
  try {
    const decipher = createDecipheriv('aes-256-gcm', sealKey, bytes.subarray(0, ivBytes))
    decipher.setAuthTag(bytes.subarray(ivBytes, ivBytes + tagBytes))
    return Buffer.concat([
      decipher.update(bytes.subarray(ivBytes + tagBytes)),
      decipher.final(),
    ]).toString('utf8')
  } catch {
    // An authentication failure is an expected outcome here (restart, tampering): a value, not a
    // throw.
    return null
  }
}
