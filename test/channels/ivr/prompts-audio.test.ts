/**
 * prompts-audio.test.ts - `GET /ivr/prompts/:id.wav`: a prompt played in a call rendered to
 * 8 kHz mono 16-bit WAV by espeak-ng and sox (skipped, saying so, when they are not installed),
 * English and Chinese, cached on disk; 404 for an id the channel does not know; 503 with a plain
 * reason when the tools are missing, while calls go on.
 */
import { spawnSync } from 'node:child_process'
import { readdirSync } from 'node:fs'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { HAN, LI, startTestGateway } from '../../support/gateway-fixture.js'
import type { IvrHarness } from './ivr-harness.js'
import { startIvrHarness } from './ivr-harness.js'

const tools =
  spawnSync('espeak-ng', ['--version']).status === 0 && spawnSync('sox', ['--version']).status === 0

let h: IvrHarness

afterEach(async () => {
  await h.close()
})

interface Wav {
  readonly channels: number
  readonly sampleRate: number
  readonly bitsPerSample: number
  readonly dataBytes: number
}

/** The format of a RIFF WAVE file (its fmt chunk) and the size of its data chunk. */
function readWav(bytes: Buffer): Wav {
  expect(bytes.subarray(0, 4).toString('latin1')).toBe('RIFF')
  expect(bytes.subarray(8, 12).toString('latin1')).toBe('WAVE')
  let offset = 12
  let format: Omit<Wav, 'dataBytes'> | null = null
  while (offset + 8 <= bytes.length) {
    const id = bytes.subarray(offset, offset + 4).toString('latin1')
    const size = bytes.readUInt32LE(offset + 4)
    if (id === 'fmt ')
      format = {
        channels: bytes.readUInt16LE(offset + 10),
        sampleRate: bytes.readUInt32LE(offset + 12),
        bitsPerSample: bytes.readUInt16LE(offset + 22),
      }
    if (id === 'data' && format !== null)
      return { ...format, dataBytes: Math.min(size, bytes.length - offset - 8) }
    offset += 8 + size + (size % 2)
  }
  throw new Error('no fmt and data chunks')
}

async function get(path: string): Promise<{ status: number; type: string; bytes: Buffer }> {
  const response = await fetch(`${h.url}${path}`)
  return {
    status: response.status,
    type: response.headers.get('content-type') ?? '',
    bytes: Buffer.from(await response.arrayBuffer()),
  }
}

describe('spoken prompts', () => {
  it.skipIf(!tools)(
    'renders a prompt heard in a call as 8 kHz mono WAV, in English and Chinese, ' +
      'cached on disk (skipped without espeak-ng and sox)',
    async () => {
      h = await startIvrHarness()
      await h.request('POST', '/ivr/calls', { from: LI })
      await h.request('POST', '/ivr/calls', { from: HAN })
      const english = await get('/ivr/prompts/main.menu.wav?lang=en')
      expect(english.status).toBe(200)
      expect(english.type).toMatch(/^audio\/wav/)
      const wav = readWav(english.bytes)
      expect(wav).toMatchObject({ channels: 1, sampleRate: 8000, bitsPerSample: 16 })
      // A sentence of speech lasts seconds: at 16 000 bytes a second, well over one second of
      // audio.
      expect(wav.dataBytes).toBeGreaterThan(16_000)
      const chinese = await get('/ivr/prompts/main.menu.wav?lang=zh')
      expect(readWav(chinese.bytes)).toMatchObject({ channels: 1, sampleRate: 8000 })
      expect(chinese.bytes.equals(english.bytes)).toBe(false)
      const cacheDir = join(h.dataDir, 'ivr-prompts')
      expect(readdirSync(cacheDir).filter((name) => name.endsWith('.wav'))).toHaveLength(2)
      expect((await get('/ivr/prompts/main.menu.wav?lang=en')).bytes.equals(english.bytes)).toBe(
        true,
      )
      expect(readdirSync(cacheDir)).toHaveLength(2)
    },
  )

  it.skipIf(!tools)(
    "renders the scripts' fixed prompts before any call played them " +
      '(skipped without espeak-ng and sox)',
    async () => {
      const gw = await startTestGateway()
      try {
        const menu = await fetch(`${gw.url}/ivr/prompts/main.say.wav?lang=zh`)
        expect(menu.status).toBe(200)
        expect(readWav(Buffer.from(await menu.arrayBuffer()))).toMatchObject({
          channels: 1,
          sampleRate: 8000,
        })
        expect((await fetch(`${gw.url}/ivr/prompts/main.help.wav?lang=en`)).status).toBe(200)
      } finally {
        await gw.close()
      }
    },
  )

  it('answers 404 for a prompt id it does not know, or a language it does not speak', async () => {
    h = await startIvrHarness()
    expect((await get('/ivr/prompts/no.such.prompt.wav')).status).toBe(404)
    expect((await get('/ivr/prompts/main.menu.wav')).status).toBe(404)
    await h.request('POST', '/ivr/calls', { from: LI })
    expect((await get('/ivr/prompts/main.menu.wav?lang=fr')).status).toBe(404)
    expect((await get('/ivr/prompts/main.menu.mp3')).status).toBe(404)
  })

  it('answers 503 saying what is missing without espeak-ng installed; calls go on', async () => {
    h = await startIvrHarness({ speechCommands: { espeak: '/nonexistent/espeak-ng', sox: 'sox' } })
    const call = await h.request('POST', '/ivr/calls', { from: LI })
    expect(call.status).toBe(201)
    const answer = await fetch(`${h.url}/ivr/prompts/main.menu.wav?lang=en`)
    expect(answer.status).toBe(503)
    expect(await answer.text()).toMatch(/espeak-ng not installed/)
    expect(
      (await h.request('POST', `/ivr/calls/${call.json.callId}/digits`, { digits: '1' })).json
        .ended,
    ).toBe(true)
  })
})
