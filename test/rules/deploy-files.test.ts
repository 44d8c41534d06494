/**
 * deploy-files.test.ts - the container description and the systemd unit in docs/deploy/ name
 * what exists: every file a Dockerfile COPY takes and the program both start, environment
 * variables the configuration reads, the default ports, an unprivileged user, a health check and
 * the draining stop signal. They are not built or installed here; this keeps them from rotting.
 */
import { spawnSync } from 'node:child_process'
import { existsSync, readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { environmentKeys, loadConfig } from '../../src/config.js'

const dockerfile = readFileSync('docs/deploy/Dockerfile', 'utf8')
const unit = readFileSync('docs/deploy/telepay.service', 'utf8')
const defaults = loadConfig({ env: {}, cwd: process.cwd() })
/** systemd's own checker, where the machine has it (Debian's systemd package). */
const systemdAnalyze = spawnSync('systemd-analyze', ['--version']).status === 0

/** Instructions of a Dockerfile, continuation lines joined, comments dropped. */
function instructions(text: string): { readonly op: string; readonly args: string }[] {
  return text
    .replace(/\\\n/g, ' ')
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '' && !line.startsWith('#'))
    .map((line) => {
      const [op = '', ...rest] = line.split(/\s+/)
      return { op: op.toUpperCase(), args: rest.join(' ') }
    })
}

/** A systemd unit as section -> key -> values (a key may repeat). */
function sections(text: string): Map<string, Map<string, string[]>> {
  const parsed = new Map<string, Map<string, string[]>>()
  let current: Map<string, string[]> | null = null
  for (const raw of text.split('\n')) {
    const line = raw.trim()
    if (line === '' || line.startsWith('#')) continue
    const header = /^\[(\w+)\]$/.exec(line)
    if (header?.[1] !== undefined) {
      current = new Map()
      parsed.set(header[1], current)
      continue
    }
    const pair = /^(\w+)=(.*)$/.exec(line)
    expect(
      pair,
      `a line of the unit that is neither a section nor key=value: ${line}`,
    ).not.toBeNull()
    expect(current, `${line} before any section`).not.toBeNull()
    const [, key = '', value = ''] = pair ?? []
    current?.set(key, [...(current.get(key) ?? []), value])
  }
  return parsed
}

describe('docs/deploy/Dockerfile', () => {
  const steps = instructions(dockerfile)
  const of = (op: string): string[] => steps.filter((s) => s.op === op).map((s) => s.args)

  it('copies files that exist and starts the program', () => {
    const sources = of('COPY').map((args) => args.split(/\s+/).slice(0, -1))
    expect(sources.flat().length).toBeGreaterThan(3)
    for (const source of sources.flat()) expect(existsSync(source), source).toBe(true)
    expect(of('CMD').at(-1)).toBe('["node", "bin/telepay.js", "start"]')
  })

  it('runs unprivileged, checks its health, exposes the default ports, stops by draining', () => {
    expect(of('USER').at(-1)).toBe('telepay')
    expect(of('HEALTHCHECK').join(' ')).toContain('/healthz')
    expect(of('EXPOSE').join(' ').split(/\s+/).map(Number)).toEqual([
      defaults.http.port,
      defaults.smpp.port,
    ])
    expect(of('STOPSIGNAL')).toEqual(['SIGTERM'])
  })

  it('sets only environment variables the configuration reads', () => {
    const names = [...dockerfile.matchAll(/\b(TELEPAY_[A-Z_]+)=/g)].map((match) => match[1])
    expect(names.length).toBeGreaterThan(2)
    for (const name of names) expect(Object.keys(environmentKeys), name).toContain(name)
  })
})

describe('docs/deploy/telepay.service', () => {
  const unitSections = sections(unit)
  const service = unitSections.get('Service') ?? new Map<string, string[]>()

  it('has the sections systemd needs and starts the program from its directory', () => {
    expect([...unitSections.keys()]).toEqual(['Unit', 'Service', 'Install'])
    expect(service.get('WorkingDirectory')).toEqual(['/opt/telepay'])
    const exec = service.get('ExecStart')?.[0] ?? ''
    expect(exec).toMatch(/^\/usr\/bin\/node bin\/telepay\.js start$/)
    expect(existsSync('bin/telepay.js')).toBe(true)
  })

  it('runs as its own user, keeps its data in its state directory, stops by draining', () => {
    expect(service.get('User')?.[0]).not.toBe('root')
    expect(service.get('StateDirectory')).toEqual(['telepay'])
    expect(service.get('Environment')).toContain('TELEPAY_DATA_DIR=/var/lib/telepay')
    expect(service.get('KillSignal')).toEqual(['SIGTERM'])
    for (const setting of service.get('Environment') ?? []) {
      const name = setting.split('=')[0] ?? ''
      expect(Object.keys(environmentKeys), name).toContain(name)
    }
  })

  it.skipIf(!systemdAnalyze)('passes systemd-analyze verify', () => {
    const verified = spawnSync('systemd-analyze', ['verify', 'docs/deploy/telepay.service'], {
      encoding: 'utf8',
    })
    expect(verified.stderr).toBe('')
    expect(verified.status).toBe(0)
  })
})
