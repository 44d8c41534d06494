/**
 * xml.ts - the little XML the IVR faces write (TwiML and VoiceXML): elements with attributes in
 * the order given, text escaped as the C14N rules say (the same rules as xmlbuilder, which the
 * twilio package uses, so our TwiML is byte-equal to its builder's), and characters XML 1.0
 * cannot carry dropped. Exports XmlNode, element, xmlDocument.
 */

export type XmlNode =
  | {
      readonly kind: 'element'
      readonly name: string
      readonly attributes: readonly (readonly [string, string])[]
      readonly children: readonly XmlNode[]
    }
  | { readonly kind: 'text'; readonly text: string }

/** An element; attributes whose value is undefined are left out. */
export function element(
  name: string,
  attributes: Readonly<Record<string, string | number | boolean | undefined>>,
  children: readonly (XmlNode | string)[] = [],
): XmlNode {
  const pairs = Object.entries(attributes)
    .filter((pair): pair is [string, string | number | boolean] => pair[1] !== undefined)
    .map(([key, value]) => [key, String(value)] as const)
  return {
    kind: 'element',
    name,
    attributes: pairs,
    children: children.map((child) =>
      typeof child === 'string' ? { kind: 'text', text: child } : child,
    ),
  }
}

/** A document with its declaration; `indent` pretty-prints elements that hold only elements. */
export function xmlDocument(root: XmlNode, options: { readonly indent: string | null }): string {
  const declaration = '<?xml version="1.0" encoding="UTF-8"?>'
  return options.indent === null
    ? `${declaration}${serialize(root, null, 0)}`
    : `${declaration}\n${serialize(root, options.indent, 0)}\n`
}

function serialize(node: XmlNode, indent: string | null, depth: number): string {
  if (node.kind === 'text') return escapeText(node.text)
  const attributes = node.attributes
    .map(([key, value]) => ` ${key}="${escapeAttribute(value)}"`)
    .join('')
  if (node.children.length === 0) return `<${node.name}${attributes}/>`
  const onlyElements = node.children.every((child) => child.kind === 'element')
  if (indent === null || !onlyElements) {
    const inline = node.children.map((child) => serialize(child, null, 0)).join('')
    return `<${node.name}${attributes}>${inline}</${node.name}>`
  }
  const inner = indent.repeat(depth + 1)
  const lines = node.children.map((child) => `${inner}${serialize(child, indent, depth + 1)}`)
  return `<${node.name}${attributes}>\n${lines.join('\n')}\n${indent.repeat(depth)}</${node.name}>`
}

/** Characters outside XML 1.0's Char production (control characters, lone surrogates, U+FFFE/F). */
const notXmlChar = /[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu

function escapeText(text: string): string {
  return text
    .replace(notXmlChar, '')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/\r/g, '&#xD;')
}

function escapeAttribute(value: string): string {
  return value
    .replace(notXmlChar, '')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/"/g, '&quot;')
    .replace(/\t/g, '&#x9;')
    .replace(/\n/g, '&#xA;')
    .replace(/\r/g, '&#xD;')
}
