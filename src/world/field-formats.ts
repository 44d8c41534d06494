/**
 * field-formats.ts - the formats of the fields a world file and the admin API both take (a PIN,
 * a card's last four digits, a bank code, a merchant code, an API key, an order number): one
 * pattern and one description each, so that a subscriber the API opens is one a world file could
 * hold and the other way round. The world schema words them as "must be …", the admin API's
 * refusals as "is …". Exports fieldFormats and FieldFormat.
 */

export interface FieldFormat {
  /** The whole text's pattern, as JSON Schema writes it (anchored). */
  readonly pattern: string
  /** What a valid text is, in words that follow "must be" or "is". */
  readonly words: string
}

export const fieldFormats = {
  pin: { pattern: '^[0-9]{4,6}$', words: '4 to 6 digits' },
  last4: { pattern: '^[0-9]{4}$', words: '4 digits' },
  bank: { pattern: '^[A-Z][A-Z0-9]{1,9}$', words: 'a bank code in capitals, such as "ICBC"' },
  merchantCode: { pattern: '^[0-9]{3,8}$', words: '3 to 8 digits' },
  apiKey: { pattern: '^[A-Za-z0-9_.-]{16,128}$', words: '16 to 128 letters, digits, _ . or -' },
  orderNo: { pattern: '^[0-9]{4,12}$', words: '4 to 12 digits' },
} as const satisfies Record<string, FieldFormat>
