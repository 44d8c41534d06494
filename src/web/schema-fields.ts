/**
 * schema-fields.ts - a JSON Schema of the API document read as the rows of a field table for
 * the page /docs: each field with its dotted name (`accounts[].balance`), its type in words, its
 * allowed values, whether it is always there, and its description; $refs into
 * components.schemas followed, nested objects and arrays of objects opened a few levels deep.
 * Also the refusal codes a response's schema allows. Exports fieldRows, FieldRow, errorCodesOf
 * and resolveSchema.
 */
import type { JsonSchema, OpenApiDocument } from '../http/openapi/types.js'

export interface FieldRow {
  readonly name: string
  readonly type: string
  readonly values: readonly string[]
  readonly required: boolean
  readonly description: string
}

/** Nested objects opened at most this deep: deeper ones are named by their type. */
const depthMax = 4

/**
 * The schema a $ref names, with the referring schema's own keywords laid over it (OpenAPI 3.1
 * lets a $ref have siblings: errorBody narrows `error` to its codes that way).
 */
export function resolveSchema(schema: JsonSchema, doc: OpenApiDocument): JsonSchema {
  if (schema.$ref === undefined) return schema
  const name = schema.$ref.replace('#/components/schemas/', '')
  const target = resolveSchema(doc.components.schemas[name] ?? {}, doc)
  const { $ref: _ref, ...own } = schema
  return {
    ...target,
    ...own,
    ...(target.properties === undefined && own.properties === undefined
      ? {}
      : { properties: { ...target.properties, ...mergedProperties(target, own) } }),
  }
}

function mergedProperties(
  target: JsonSchema,
  own: JsonSchema,
): Readonly<Record<string, JsonSchema>> {
  const merged: Record<string, JsonSchema> = {}
  for (const [name, schema] of Object.entries(own.properties ?? {}))
    merged[name] = { ...target.properties?.[name], ...schema }
  return merged
}

function typeWords(schema: JsonSchema, doc: OpenApiDocument): string {
  if (schema.const !== undefined) return JSON.stringify(schema.const)
  if (schema.oneOf !== undefined) {
    const variants = schema.oneOf.map((variant) => typeWords(resolveSchema(variant, doc), doc))
    return [...new Set(variants)].join(' or ')
  }
  const types = schema.type === undefined ? [] : [schema.type].flat()
  const words = types.map((type) => {
    if (type === 'array')
      return `array of ${typeWords(resolveSchema(schema.items ?? {}, doc), doc)}`
    if (type === 'string' && schema.format !== undefined) return `string (${schema.format})`
    return type
  })
  return words.join(' | ') || 'any'
}

/** The values a field may take, or what one looks like. */
function valuesOf(schema: JsonSchema): string[] {
  if (schema.enum !== undefined) return schema.enum.map((value) => String(value))
  if (schema.const !== undefined) return [String(schema.const)]
  const example = schema.examples?.[0]
  if (example !== undefined) return [`e.g. ${JSON.stringify(example)}`]
  if (schema.pattern !== undefined) return [`pattern ${schema.pattern}`]
  return []
}

function describe(schema: JsonSchema): string {
  const parts = [schema.description ?? '']
  if (schema.default !== undefined) parts.push(`Default ${JSON.stringify(schema.default)}.`)
  if (schema.maxLength !== undefined) parts.push(`At most ${schema.maxLength} characters.`)
  return parts.filter((part) => part !== '').join(' ')
}

/** The object a field opens into, when it does: itself, or an array's items. */
function innerObject(schema: JsonSchema, doc: OpenApiDocument): JsonSchema | null {
  if (schema.properties !== undefined) return schema
  if (schema.items !== undefined) {
    const items = resolveSchema(schema.items, doc)
    if (items.properties !== undefined || items.oneOf !== undefined) return items
  }
  // A value that is an object or null (a check job's result) opens into the object.
  const object = (schema.oneOf ?? [])
    .map((variant) => resolveSchema(variant, doc))
    .find((variant) => variant.properties !== undefined)
  return object ?? null
}

/** The rows of an object schema's fields, nested ones after their parent. */
export function fieldRows(schema: JsonSchema, doc: OpenApiDocument, prefix = ''): FieldRow[] {
  const object = resolveSchema(schema, doc)
  const variants = object.oneOf?.map((variant) => resolveSchema(variant, doc)) ?? [object]
  const rows: FieldRow[] = []
  for (const variant of variants) {
    const required = variant.required ?? []
    for (const [name, raw] of Object.entries(variant.properties ?? {})) {
      const field = resolveSchema(raw, doc)
      const dotted = `${prefix}${name}`
      // A field of several variants (a wallet's account, a card's) lists every variant's values.
      const earlier = rows.findIndex((row) => row.name === dotted)
      if (earlier !== -1) {
        const row = rows[earlier] as FieldRow
        const values = [...new Set([...row.values, ...valuesOf(field)])]
        rows[earlier] = { ...row, values }
        continue
      }
      rows.push({
        name: dotted,
        type: typeWords(field, doc),
        // A constant is its own type already; a variant's constant joins the others' values.
        values: field.const !== undefined && variants.length === 1 ? [] : valuesOf(field),
        required: required.includes(name) && variants.length === 1,
        description: describe(field),
      })
      const inner = innerObject(field, doc)
      const depth = prefix.split('.').length
      if (inner !== null && depth < depthMax) {
        const suffix = field.items === undefined ? '.' : '[].'
        rows.push(...fieldRows(inner, doc, `${dotted}${suffix}`))
      }
    }
  }
  return rows
}

/** The refusal codes a response's schema allows (`error`'s enum or const, in each variant). */
export function errorCodesOf(schema: JsonSchema, doc: OpenApiDocument): string[] {
  const resolved = resolveSchema(schema, doc)
  const variants = resolved.oneOf?.map((variant) => resolveSchema(variant, doc)) ?? [resolved]
  return variants.flatMap((variant) => {
    const error = variant.properties?.['error']
    if (error === undefined) return []
    if (error.const !== undefined) return [String(error.const)]
    return (error.enum ?? []).map((code) => String(code))
  })
}
