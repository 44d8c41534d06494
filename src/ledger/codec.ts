/**
 * codec.ts - JSON that keeps bigints: results are stored for idempotent replay and sent to
 * child processes, and JSON.stringify alone refuses bigint.
 */

export function encodeJson(value: unknown): string {
  return JSON.stringify(value, (_key, item: unknown) =>
    typeof item === 'bigint' ? { $bigint: item.toString() } : item,
  )
}

export function decodeJson<T>(text: string): T {
  return JSON.parse(text, (_key, item: unknown) => {
    if (item !== null && typeof item === 'object' && '$bigint' in item) {
      const digits = (item as { $bigint: unknown }).$bigint
      if (typeof digits === 'string') return BigInt(digits)
    }
    return item
  }) as T
}
