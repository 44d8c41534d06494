/**
 * express-routes.ts - the routes an express 5 app really mounts, read from its router's stack
 * (the `router` package: a layer with a `route` is an endpoint, one whose handle has a `stack` is
 * a mounted router, anything else middleware). Paths come out in OpenAPI's form: `:id` as `{id}`,
 * no trailing slash. Exports mountedRoutes and MountedRoute.
 */
import type { Express } from 'express'

export interface MountedRoute {
  /** Upper case, as OpenAPI's keys are not: GET, POST, … */
  readonly method: string
  readonly path: string
}

interface Layer {
  readonly rawPath?: unknown
  readonly route?: { readonly path: unknown; readonly methods: Readonly<Record<string, boolean>> }
  readonly handle?: { readonly stack?: readonly Layer[] }
}

function joined(prefix: string, path: string): string {
  const whole = `${prefix}/${path}`.replace(/\/+/g, '/')
  return whole.length > 1 ? whole.replace(/\/$/, '') : whole
}

/** Express's path syntax in OpenAPI's: `:id` as `{id}`; a wildcard keeps its express form. */
function openApiPath(path: string): string {
  return path.replace(/:(\w+)/g, '{$1}')
}

function pathsOf(raw: unknown): string[] {
  const paths = Array.isArray(raw) ? raw : [raw]
  return paths.map((path) => {
    // A RegExp path cannot be documented as a path: named as such, it fails the comparison.
    if (typeof path !== 'string') return `<regexp ${String(path)}>`
    return path
  })
}

function walk(stack: readonly Layer[], prefix: string, found: MountedRoute[]): void {
  for (const layer of stack) {
    if (layer.route !== undefined) {
      for (const path of pathsOf(layer.route.path))
        for (const method of Object.keys(layer.route.methods))
          found.push({ method: method.toUpperCase(), path: openApiPath(joined(prefix, path)) })
      continue
    }
    const inner = layer.handle?.stack
    if (inner === undefined) continue
    for (const path of pathsOf(layer.rawPath ?? '/')) walk(inner, joined(prefix, path), found)
  }
}

/** Every endpoint of the app, once each, in mount order. */
export function mountedRoutes(app: Express): MountedRoute[] {
  const found: MountedRoute[] = []
  walk((app.router as unknown as { stack: readonly Layer[] }).stack, '', found)
  const seen = new Set<string>()
  return found.filter((route) => {
    const key = `${route.method} ${route.path}`
    if (seen.has(key)) return false
    seen.add(key)
    return true
  })
}
