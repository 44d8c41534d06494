/**
 * types.ts - the parts of OpenAPI 3.1 (and of JSON Schema 2020-12, its schema dialect) that the
 * gateway's API document uses, typed so that a misspelt keyword in the document is a compile
 * error rather than a silently ignored field. Exports JsonSchema, Parameter, MediaType,
 * RequestBody, ResponseObject, Reference, Operation, PathItem, HttpMethod, httpMethods, Tag,
 * SecurityScheme and OpenApiDocument.
 */

export type JsonType = 'object' | 'array' | 'string' | 'integer' | 'number' | 'boolean' | 'null'

export interface JsonSchema {
  readonly $ref?: string
  readonly type?: JsonType | readonly JsonType[]
  readonly title?: string
  readonly description?: string
  readonly properties?: Readonly<Record<string, JsonSchema>>
  readonly required?: readonly string[]
  readonly additionalProperties?: boolean | JsonSchema
  readonly items?: JsonSchema
  readonly enum?: readonly (string | number | boolean | null)[]
  readonly const?: string | number | boolean | null
  readonly pattern?: string
  readonly format?: string
  readonly minimum?: number
  readonly maximum?: number
  readonly minLength?: number
  readonly maxLength?: number
  readonly oneOf?: readonly JsonSchema[]
  readonly examples?: readonly unknown[]
  readonly default?: unknown
}

/** A reference; OpenAPI 3.1 lets its description stand in for the referenced one's. */
export interface Reference {
  readonly $ref: string
  readonly description?: string
}

export interface Parameter {
  readonly name: string
  readonly in: 'path' | 'query' | 'header'
  readonly required?: boolean
  readonly description: string
  readonly schema: JsonSchema
}

export interface MediaType {
  readonly schema: JsonSchema
  /** Shown in the docs page's curl example; the test holds it to the schema. */
  readonly example?: unknown
}

export interface RequestBody {
  readonly description?: string
  readonly required: boolean
  readonly content: Readonly<Record<string, MediaType>>
}

export interface ResponseObject {
  readonly description: string
  readonly headers?: Readonly<Record<string, { description: string; schema: JsonSchema }>>
  readonly content?: Readonly<Record<string, MediaType>>
}

export interface Operation {
  readonly operationId: string
  readonly summary: string
  readonly description?: string
  readonly tags: readonly string[]
  /** Absent: the document's default (none: open); each entry is one accepted scheme. */
  readonly security?: readonly Readonly<Record<string, readonly string[]>>[]
  readonly parameters?: readonly Parameter[]
  readonly requestBody?: RequestBody
  /** By status code ("200", "400"); a Reference names one of components.responses. */
  readonly responses: Readonly<Record<string, ResponseObject | Reference>>
}

export const httpMethods = ['get', 'put', 'post', 'patch', 'delete'] as const
export type HttpMethod = (typeof httpMethods)[number]

export type PathItem = Partial<Record<HttpMethod, Operation>>

export interface Tag {
  readonly name: string
  readonly description: string
}

/** A bearer token, or a session cookie (an apiKey in a cookie, as OpenAPI names one). */
export type SecurityScheme =
  | { readonly type: 'http'; readonly scheme: 'bearer'; readonly description: string }
  | {
      readonly type: 'apiKey'
      readonly in: 'cookie' | 'header'
      readonly name: string
      readonly description: string
    }

export interface OpenApiDocument {
  readonly openapi: '3.1.0'
  readonly jsonSchemaDialect: string
  readonly info: {
    readonly title: string
    readonly version: string
    readonly summary: string
    readonly description: string
  }
  readonly tags: readonly Tag[]
  readonly security: readonly Readonly<Record<string, readonly string[]>>[]
  readonly paths: Readonly<Record<string, PathItem>>
  readonly components: {
    readonly securitySchemes: Readonly<Record<string, SecurityScheme>>
    readonly schemas: Readonly<Record<string, JsonSchema>>
    readonly responses: Readonly<Record<string, ResponseObject>>
  }
}
