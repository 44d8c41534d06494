/**
 * applet-script.ts - the script an OTA command packet carries to telepay's purse applet (TAR
 * "TEL", docs/channels/onsite.md): each C-APDU preceded by its length in one byte. The platform
 * writes it (src/gateway/onsite/ota-loads.ts), the SIM reads it (src/bearer/rfid-sim/
 * sim-toolkit.ts). Exports scriptOf, parseScript.
 */

/** A script: each APDU preceded by its length. */
export function scriptOf(apdus: readonly Uint8Array[]): Buffer {
  return Buffer.concat(apdus.flatMap((apdu) => [Buffer.of(apdu.length), Buffer.from(apdu)]))
}

/** The APDUs of a script; null when its lengths do not add up. */
export function parseScript(data: Uint8Array): Buffer[] | null {
  const apdus: Buffer[] = []
  const bytes = Buffer.from(data)
  let at = 0
  while (at < bytes.length) {
    const length = bytes[at] ?? 0
    if (length < 4 || at + 1 + length > bytes.length) return null
    apdus.push(bytes.subarray(at + 1, at + 1 + length))
    at += 1 + length
  }
  return apdus
}
