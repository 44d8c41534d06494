/**
 * imports.test.ts - the dependency rules of the tree, checked on every import and re-export of
 * every TypeScript file, so that they hold by themselves and not by discipline:
 *
 * 1. The core (src/core) imports nothing outside itself: no package, no node: module, no other
 *    folder of telepay.
 * 2. A channel (channels/<name>) imports no other channel.
 * 3. A channel imports of src/ only the core's index and the gateway's contract (src/gateway/,
 *    src/bearer/, src/core/index.ts and the runtime helpers of src/service: log, clock, metrics).
 * 4. The product in src/ imports channels only through the registry (src/gateway.ts, or
 *    src/gateway/registry.ts once it exists); the tools (src/tools/: phones, bench, cli,
 *    conformance, the simulated bank, the fixture world) are apart.
 * 5. The product does not import the tools: a product that needs its simulator to start is not
 *    apart from it (whoever starts the gateway gives it the simulated bank and the fixture world).
 *
 * All five hold, with no exception and no debt list: the gateway layer of issue 12 removed the
 * last of the 31 cross-channel imports and of the 84 channel imports of src/ internals, so any
 * breach fails the test with the import that made it.
 */
import { execFileSync } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { dirname, join, normalize } from 'node:path'
import { describe, expect, it } from 'vitest'

const sources = execFileSync(
  'git',
  ['ls-files', '--cached', '--others', '--exclude-standard', '*.ts'],
  { encoding: 'utf8' },
)
  .split('\n')
  .filter(
    (path) =>
      path !== '' &&
      !path.endsWith('.d.ts') &&
      (path.startsWith('src/') || path.startsWith('channels/') || path.startsWith('menus/')),
  )

interface Edge {
  readonly from: string
  /** A repository path for a relative import (without its .js), else the package's name. */
  readonly to: string
}

function importsOf(path: string): Edge[] {
  const source = readFileSync(path, 'utf8')
  const specifiers = [
    ...source.matchAll(/^\s*(?:import|export)\b[^'"`;]*?\bfrom\s+['"]([^'"]+)['"]/gm),
    ...source.matchAll(/^\s*import\s+['"]([^'"]+)['"]/gm),
    ...source.matchAll(/\bimport\(\s*['"]([^'"]+)['"]\s*\)/g),
  ].map((match) => match[1] ?? '')
  return specifiers.map((specifier) => ({
    from: path,
    to: specifier.startsWith('.')
      ? normalize(join(dirname(path), specifier)).replace(/\.js$/, '')
      : specifier,
  }))
}

/** The channel a path belongs to (channels/<name>/…), or null. */
function channelOf(path: string): string | null {
  return /^channels\/([^/]+)\//.exec(path)?.[1] ?? null
}

const toolFolders = ['src/tools/']
const gatewayContract = [
  /^src\/gateway\//,
  /^src\/bearer\//,
  /^src\/core\/index$/,
  /^src\/service\/(log|clock|metrics)$/,
]
const registries = ['src/gateway.ts', 'src/gateway/registry.ts']

/** Which rule the edge breaks, or null. */
function breach(edge: Edge): string | null {
  const relative =
    !edge.to.startsWith('node:') &&
    edge.to.includes('/') &&
    /^(src|channels|menus|test)\//.test(edge.to)
  if (edge.from.startsWith('src/core/')) {
    return relative && edge.to.startsWith('src/core/') ? null : 'core imports outside the core'
  }
  const from = channelOf(edge.from)
  if (from !== null && relative) {
    const to = channelOf(`${edge.to}/`)
    if (to !== null && to !== from) return 'channel imports another channel'
    if (edge.to.startsWith('src/') && !gatewayContract.some((allowed) => allowed.test(edge.to)))
      return 'channel imports src/ beyond the gateway contract'
    return null
  }
  const fromTool = toolFolders.some((folder) => edge.from.startsWith(folder))
  if (edge.from.startsWith('src/') && !fromTool && relative && edge.to.startsWith('src/tools/')) {
    return 'product imports a tool'
  }
  if (edge.from.startsWith('src/') && relative && edge.to.startsWith('channels/')) {
    if (
      registries.includes(edge.from) ||
      toolFolders.some((folder) => edge.from.startsWith(folder))
    )
      return null
    return 'src/ imports a channel outside the registry'
  }
  return null
}

function breaches(): string[] {
  return sources.flatMap(importsOf).flatMap((edge) => {
    const rule = breach(edge)
    return rule === null ? [] : [`${rule}: ${edge.from} -> ${edge.to}`]
  })
}

describe('dependency rules', () => {
  it('holds all five rules: every import of src/, channels/ and menus/ keeps them', () => {
    expect([...new Set(breaches())].sort()).toEqual([])
  })

  it('tells each breach from a clean import', () => {
    expect(breach({ from: 'src/core/decide.ts', to: 'node:crypto' })).toBe(
      'core imports outside the core',
    )
    expect(breach({ from: 'src/core/decide.ts', to: 'src/core/money' })).toBeNull()
    expect(breach({ from: 'channels/ussd/smpp/link.ts', to: 'channels/sms/smpp/pdu' })).toBe(
      'channel imports another channel',
    )
    expect(breach({ from: 'channels/ussd/index.ts', to: 'channels/ussd/limits' })).toBeNull()
    expect(breach({ from: 'channels/wap/routes.ts', to: 'src/ledger/store' })).toBe(
      'channel imports src/ beyond the gateway contract',
    )
    expect(breach({ from: 'channels/wap/routes.ts', to: 'src/core/index' })).toBeNull()
    expect(breach({ from: 'src/http/app.ts', to: 'channels/wap/index' })).toBe(
      'src/ imports a channel outside the registry',
    )
    expect(breach({ from: 'src/gateway.ts', to: 'channels/wap/index' })).toBeNull()
    expect(breach({ from: 'src/config.ts', to: 'src/tools/bank/simulated-bank' })).toBe(
      'product imports a tool',
    )
    expect(
      breach({ from: 'src/tools/cli/start.ts', to: 'src/tools/bank/simulated-bank' }),
    ).toBeNull()
  })
})
