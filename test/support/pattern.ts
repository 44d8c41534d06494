/**
 * pattern.ts - a regular expression too long for one line, written as pieces that each fit one.
 * Exports pattern.
 */

/**
 * The regular expression whose source is the pieces' sources in order, with every flag any piece
 * has: pattern(/^a b/, /c$/m) is /^a bc$/m. Cut only where each piece is a whole expression of its
 * own (not inside a group or a character class, not before a quantifier).
 */
export function pattern(...pieces: readonly RegExp[]): RegExp {
  const flags = new Set(pieces.flatMap((piece) => [...piece.flags]))
  return new RegExp(pieces.map((piece) => piece.source).join(''), [...flags].join(''))
}
