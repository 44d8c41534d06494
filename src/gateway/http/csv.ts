/**
 * csv.ts - CSV as the settlement downloads write it (RFC 4180): fields quoted only when they
 * hold a comma, a quote or a line break, lines ended by CRLF. Exports csvField, csvText.
 */

/** A CSV field: quoted when it holds a comma, a quote or a line break. */
export function csvField(value: string | number): string {
  const text = String(value)
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text
}

/** Rows of fields as CSV text, each line ended by CRLF. */
export function csvText(rows: readonly (readonly (string | number)[])[]): string {
  return `${rows.map((row) => row.map(csvField).join(',')).join('\r\n')}\r\n`
}
