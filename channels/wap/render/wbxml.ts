/**
 * wbxml.ts - the compiled (WBXML 1.3, WML 1.3 code page, UTF-8) size of a WML deck we rendered,
 * counted at render time so a deck over the handsets' limit is caught before it is sent. It
 * counts, it does not encode: every tag and attribute start is one token, every string inline,
 * every variable reference an extension token with its name in the string table. Real compilers
 * tokenise common attribute values (smaller than our count) but Kannel also moves every repeated
 * string and repeated word of 4+ bytes into the string table, even where that costs more than it
 * saves; we add the worst case of that. So the count is an upper bound of Kannel's compiled size -
 * the tests check it against Kannel's compiler on every page shape.
 *
 * Input is our own template output: well-formed, attributes double-quoted, no CDATA.
 */
import assert from 'node:assert/strict'

const utf8 = new TextEncoder()

/** Bytes of a WBXML multi-byte unsigned integer (7 bits a byte). */
function mbUintBytes(value: number): number {
  let bytes = 1
  for (let rest = value >>> 7; rest > 0; rest >>>= 7) bytes += 1
  return bytes
}

const entities: Readonly<Record<string, string>> = {
  amp: '&',
  lt: '<',
  gt: '>',
  quot: '"',
  apos: "'",
}

function decodeEntities(text: string): string {
  return text.replace(/&(#x[0-9a-fA-F]+|#[0-9]+|[a-z]+);/g, (whole, ref: string) => {
    if (ref.startsWith('#x')) return String.fromCodePoint(parseInt(ref.slice(2), 16))
    if (ref.startsWith('#')) return String.fromCodePoint(parseInt(ref.slice(1), 10))
    return entities[ref] ?? whole
  })
}

// Kannel's WBXML_STRING_TABLE_MIN: shorter strings are never shared. We assume the smallest
// plausible value so that the bound holds whichever it is.
const sharedStringBytesMin = 4

class Counter {
  private readonly variables = new Map<string, number>()
  private stringTableBytes = 0
  /** Every text node and attribute value, as Kannel collects them for its string table. */
  readonly strings: string[] = []

  /** Text or attribute value: inline strings around variable references; `$$` is a literal `$`. */
  value(text: string): number {
    let bytes = 0
    let literal = ''
    const flush = (): void => {
      if (literal !== '') bytes += 2 + utf8.encode(literal).length
      literal = ''
    }
    // $$, $(name) or $(name:escape), $name, a run of text, or a lone $.
    const pattern = new RegExp(
      [
        '\\$\\$',
        '\\$\\(\\s*([A-Za-z_][A-Za-z0-9_]*)\\s*(?::\\s*[A-Za-z]+\\s*)?\\)',
        '\\$([A-Za-z_][A-Za-z0-9_]*)',
        '[^$]+',
        '\\$',
      ].join('|'),
      'g',
    )
    for (const match of text.matchAll(pattern)) {
      const name = match[1] ?? match[2]
      if (match[0] === '$$') literal += '$'
      else if (name !== undefined) {
        flush()
        bytes += 1 + mbUintBytes(this.offsetOf(name))
      } else literal += match[0]
    }
    flush()
    return bytes
  }

  private offsetOf(name: string): number {
    const known = this.variables.get(name)
    if (known !== undefined) return known
    const offset = this.stringTableBytes
    this.variables.set(name, offset)
    this.stringTableBytes += utf8.encode(name).length + 1
    return offset
  }

  /**
   * Worst-case growth from Kannel's shared strings: whole strings seen twice, then words seen
   * twice in the rest, each stored once in the table (bytes + terminator). Each use replaces the
   * text by at most STR_END, STR_T, a 2-byte offset and STR_I (5 bytes) instead of its own bytes;
   * only the first use is sure to be replaced (Kannel replaces once per inline string).
   */
  private sharedStringBytes(): number {
    const countOf = (items: readonly string[]): Map<string, number> => {
      const counts = new Map<string, number>()
      for (const item of items) counts.set(item, (counts.get(item) ?? 0) + 1)
      return counts
    }
    const stripped = this.strings
      .map((s) => s.replace(/^[^\p{L}\p{N}]+|[^\p{L}\p{N}]+$/gu, ''))
      .filter((s) => utf8.encode(s).length >= sharedStringBytesMin)
    const wholeCounts = countOf(stripped)
    const shared = [...wholeCounts].filter(([, count]) => count > 1)
    const words = stripped.filter((s) => (wholeCounts.get(s) ?? 0) < 2).flatMap((s) => s.split(' '))
    shared.push(
      ...[...countOf(words)].filter(
        ([word, count]) => count > 1 && utf8.encode(word).length >= sharedStringBytesMin,
      ),
    )
    let bytes = 0
    for (const [string, count] of shared) {
      const length = utf8.encode(string).length
      bytes += length + 1 + (5 - length) + (count - 1) * Math.max(0, 5 - length)
    }
    return bytes
  }

  headerBytes(): number {
    const table = this.stringTableBytes + this.sharedStringBytes()
    // version, public id (WML 1.3 = 0x0A), charset (UTF-8 = 106), string table length, table.
    return 1 + 1 + 1 + mbUintBytes(table) + table
  }
}

interface Element {
  readonly name: string
  bytes: number
  hasContent: boolean
}

/**
 * Attribute-start tokens that carry a whole value in the WML 1.3 attribute code page (WAP-191
 * 14.3.3): such an attribute compiles to one byte.
 */
const tokenisedValues: Readonly<Record<string, readonly string[]>> = {
  emptyok: ['false', 'true'],
  forua: ['false', 'true'],
  method: ['get', 'post'],
  newcontext: ['false', 'true'],
  optional: ['false', 'true'],
  ordered: ['false', 'true'],
  sendreferer: ['false', 'true'],
  type: [
    'accept',
    'delete',
    'help',
    'password',
    'onpick',
    'onenterbackward',
    'onenterforward',
    'ontimer',
    'options',
    'prev',
    'reset',
    'text',
  ],
}

// A comment, a processing instruction, a doctype, an end tag, a start tag with its attributes,
// a run of text, or a lone <.
const tokenPattern = new RegExp(
  [
    '<!--[\\s\\S]*?-->',
    '<\\?[\\s\\S]*?\\?>',
    '<!DOCTYPE[^>]*>',
    '<\\/([^\\s>]+)\\s*>',
    '<([A-Za-z][\\w.-]*)((?:\\s+[^\\s=/>]+\\s*=\\s*"[^"]*")*)\\s*(\\/?)>',
    '([^<]+)',
    '<',
  ].join('|'),
  'g',
)
const attributePattern = /([^\s=/>]+)\s*=\s*"([^"]*)"/g

/** Compiled size in bytes of a well-formed WML deck. */
export function wbxmlSize(wml: string): number {
  const counter = new Counter()
  const root: Element = { name: '', bytes: 0, hasContent: false }
  const stack: Element[] = [root]
  const top = (): Element => {
    const element = stack[stack.length - 1]
    assert.ok(element !== undefined)
    return element
  }
  for (const match of wml.matchAll(tokenPattern)) {
    const [whole, closing, opening, attributes = '', selfClosing, text] = match
    if (text !== undefined) {
      // Compilers drop whitespace-only text and trim the rest (Kannel does).
      const normalised = decodeEntities(text).replace(/\s+/g, ' ').trim()
      if (normalised === '') continue
      counter.strings.push(normalised)
      top().bytes += counter.value(normalised)
      top().hasContent = true
    } else if (opening !== undefined) {
      let bytes = 1
      const attributeMatches = [...attributes.matchAll(attributePattern)]
      for (const attribute of attributeMatches) {
        const value = decodeEntities(attribute[2] ?? '')
        counter.strings.push(value.replace(/\s+/g, ' ').trim())
        const tokenised = tokenisedValues[attribute[1] ?? '']?.includes(value) ?? false
        bytes += 1 + (tokenised ? 0 : counter.value(value))
      }
      if (attributeMatches.length > 0) bytes += 1
      const element: Element = { name: opening, bytes, hasContent: false }
      if (selfClosing === '/') {
        top().bytes += element.bytes
        top().hasContent = true
      } else stack.push(element)
    } else if (closing !== undefined) {
      const element = stack.pop()
      assert.ok(
        element !== undefined && element.name === closing,
        `WML not well formed at </${closing}>`,
      )
      top().bytes += element.bytes + (element.hasContent ? 1 : 0)
      top().hasContent = true
    } else {
      assert.ok(
        whole.startsWith('<!--') || whole.startsWith('<?') || whole.startsWith('<!DOCTYPE'),
        'WML not well formed: stray <',
      )
    }
  }
  assert.ok(stack.length === 1, `WML not well formed: <${top().name}> not closed`)
  return counter.headerBytes() + root.bytes
}
