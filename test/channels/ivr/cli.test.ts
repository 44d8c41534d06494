/**
 * cli.test.ts - `telepay call <msisdn> [12588] --url ...` against a running channel over real
 * HTTP: a child process with its stdin a pipe pays an order, the way an operator scripts a call
 * (the PIN echoed as ****); in-process runs cover silence, hanging up with `h`, stdin that ends
 * before the call (the call is hung up), an unreachable gateway and usage errors.
 */
import { spawn } from 'node:child_process'
import { resolve } from 'node:path'
import { PassThrough, Readable } from 'node:stream'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { runCall } from '../../../src/cli/call.js'
import { LI, LI_PIN } from '../../support/gateway-fixture.js'
import { fakePromptText } from './fake-engine.js'
import type { IvrHarness } from './ivr-harness.js'
import { startIvrHarness } from './ivr-harness.js'

let h: IvrHarness

beforeAll(async () => {
  h = await startIvrHarness()
})

afterAll(async () => {
  await h.close()
})

function child(args: readonly string[], stdin: string): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((done, reject) => {
    const process_ = spawn(process.execPath, [resolve('bin/telepay.js'), 'call', ...args], { stdio: ['pipe', 'pipe', 'pipe'] })
    let stdout = ''
    let stderr = ''
    process_.stdout.on('data', (chunk: Buffer) => { stdout += chunk.toString('utf8') })
    process_.stderr.on('data', (chunk: Buffer) => { stderr += chunk.toString('utf8') })
    process_.on('error', reject)
    process_.on('close', (code) => done({ code, stdout, stderr }))
    process_.stdin.end(stdin)
  })
}

async function inProcess(args: string[], lines: readonly string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const stdout = new PassThrough()
  const stderr = new PassThrough()
  let out = ''
  let err = ''
  stdout.on('data', (chunk: Buffer) => { out += chunk.toString('utf8') })
  stderr.on('data', (chunk: Buffer) => { err += chunk.toString('utf8') })
  const code = await runCall(args, { stdin: Readable.from(lines.map((line) => `${line}\n`)), stdout, stderr, interactive: false })
  return { code, stdout: out, stderr: err }
}

async function lastCall(): Promise<{ outcome: string | null; inputs: string[] }> {
  const listed = await h.request('GET', '/admin/api/calls?limit=1')
  return listed.json.calls[0]
}

describe('telepay call', () => {
  it('pays an order from a pipe to the end of the call and exits 0; the PIN is echoed masked; the money moved', async () => {
    const run = await child([LI, '12588', '--url', h.url], ['2', '880001#', `${LI_PIN}#`].join('\n') + '\n')
    expect(run.stderr).toBe('')
    expect(run.code).toBe(0)
    expect(run.stdout).toContain(`${fakePromptText('main.menu')}\n[1 key; 5 s] > 2\n${fakePromptText('order.number')}\n[6+ keys, then #; 8 s] > 880001#\n`)
    expect(run.stdout).toContain(`${fakePromptText('order.pin')}\n[4 keys, then #, secret; 8 s] > *****\n`)
    expect(run.stdout).not.toContain(LI_PIN)
    expect(run.stdout).toMatch(/80\.00[^\n]*\n\[call ended: completed\]\n$/)
    expect(await h.gw.balance(LI, 'wallet')).toBe('420.00')
  })

  it('sends an empty line as silence and hangs up on h', async () => {
    const run = await inProcess([LI, '--url', h.url], ['', 'h'])
    expect(run.code).toBe(0)
    expect(run.stdout).toContain(fakePromptText('retry.noinput'))
    expect(run.stdout).toMatch(/\[you hung up: hung_up\]\n$/)
    expect((await lastCall()).outcome).toBe('hung_up')
  })

  it('asks again for a line that is not keys', async () => {
    const run = await inProcess([LI, '--url', h.url], ['pay', '1'])
    expect(run.code).toBe(0)
    expect(run.stdout).toMatch(/> pay\n\[Type keys/)
    expect(run.stdout).toContain('[call ended: completed]')
  })

  it('exits 1 when stdin ends before the call does, and hangs the call up', async () => {
    const run = await inProcess([LI, '--url', h.url], ['2'])
    expect(run.code).toBe(1)
    expect(run.stderr).toBe('telepay call: input ended before the call did; hung up\n')
    expect(await lastCall()).toMatchObject({ outcome: 'hung_up', inputs: ['2'] })
  })

  it('exits 1 with a hint when no gateway listens', async () => {
    const run = await inProcess([LI, '--url', 'http://127.0.0.1:1'], [])
    expect(run.code).toBe(1)
    expect(run.stderr).toMatch(/cannot reach http:\/\/127\.0\.0\.1:1\/ivr\/calls: .*is the gateway running/)
  })

  it('exits 2 on a bad MSISDN, number or option', async () => {
    expect((await inProcess(['12', '--url', h.url], [])).code).toBe(2)
    const bad = await inProcess([LI, '*123#', '--url', h.url], [])
    expect(bad.code).toBe(2)
    expect(bad.stderr).toMatch(/"\*123#" is not a number to call/)
    expect((await inProcess([LI, '--bogus'], [])).code).toBe(2)
  })
})
