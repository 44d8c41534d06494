/**
 * log.test.ts - the logger's lines as an operator reads them: JSON with the level's name, the
 * time, the message and the fields; pretty on a terminal; nothing below the level; PINs, card
 * numbers, keys and secrets shown as [redacted] whoever passed them.
 */
import { afterEach, describe, expect, it, vi } from 'vitest'
import { createLogger, formatFor } from '../../src/service/log.js'
import { captureLog } from '../support/log-capture.js'
import { pattern } from '../support/pattern.js'

afterEach(() => {
  vi.restoreAllMocks()
})

describe('a JSON log line', () => {
  it('holds the level by name, an ISO time, the message and the fields, amounts exact', () => {
    const { log, lines, entries } = captureLog('info')
    log.info('command', { channel: 'sms', amountMinor: 2_500n, ok: true, absent: undefined })
    expect(lines).toHaveLength(1)
    expect(lines[0]).not.toContain('\n')
    expect(entries()).toEqual([
      {
        level: 'info',
        time: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/),
        msg: 'command',
        channel: 'sms',
        amountMinor: 2500,
        ok: true,
      },
    ])
  })

  it('is not written below the level, and a silent logger writes nothing', () => {
    const info = captureLog('info')
    info.log.debug('hidden')
    info.log.warn('shown')
    expect(info.entries().map((entry) => `${entry.level} ${entry.msg}`)).toEqual(['warn shown'])
    const lines: string[] = []
    const silent = createLogger('silent', { write: (line) => lines.push(line) })
    silent.error('never')
    expect(lines).toEqual([])
  })
})

describe('redaction', () => {
  it('shows PINs, card numbers, keys and secrets as [redacted], and keeps the rest', () => {
    const { log, lines, entries } = captureLog('debug')
    log.debug('careless', {
      pin: '1234',
      newPin: '5860',
      pinHash: 'scrypt$16384$abc',
      pan: '4111111111111111',
      cardNumber: '6222020200112233',
      card_number: '6222020200445566',
      apiKey: 'test_key_1001',
      webhookSecret: 'whsec_1001',
      authorization: 'Bearer test_admin_token',
      password: 'telepay',
      msisdn: '86*******8000',
      last4: '1234',
    })
    const [entry] = entries()
    for (const field of [
      'pin',
      'newPin',
      'pinHash',
      'pan',
      'cardNumber',
      'card_number',
      'apiKey',
      'webhookSecret',
      'authorization',
      'password',
    ])
      expect(entry?.[field], field).toBe('[redacted]')
    expect(entry).toMatchObject({ msisdn: '86*******8000', last4: '1234' })
    for (const secret of ['5860', '4111111111111111', 'test_key_1001', 'whsec_1001', 'Bearer'])
      expect(lines[0]).not.toContain(secret)
  })
})

describe('the format', () => {
  it('is pretty on a terminal and JSON elsewhere when auto; as asked otherwise', () => {
    expect(formatFor('auto', true)).toBe('pretty')
    expect(formatFor('auto', false)).toBe('json')
    expect(formatFor('json', true)).toBe('json')
    expect(formatFor('pretty', false)).toBe('pretty')
  })

  it('writes one pretty line per event, redacted too, without colour to a function', () => {
    const lines: string[] = []
    const log = createLogger('info', { format: 'pretty', write: (line) => lines.push(line) })
    log.info('sms notice delivered', { key: 'request.prompt', pin: '1234' })
    expect(lines).toEqual([
      expect.stringMatching(
        pattern(
          /^\[\d\d:\d\d:\d\d\.\d{3}\] INFO: sms notice delivered /,
          /\{"key":"request\.prompt","pin":"\[redacted\]"\}$/,
        ),
      ),
    ])
  })

  it('goes to stderr in colour when auto finds a terminal there', () => {
    const written: string[] = []
    const wasTerminal = Object.getOwnPropertyDescriptor(process.stderr, 'isTTY')
    Object.defineProperty(process.stderr, 'isTTY', { value: true, configurable: true })
    vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => {
      written.push(String(chunk))
      return true
    })
    try {
      createLogger('info').warn('smpp link down', { error: 'ECONNREFUSED' })
    } finally {
      if (wasTerminal === undefined) Reflect.deleteProperty(process.stderr, 'isTTY')
      else Object.defineProperty(process.stderr, 'isTTY', wasTerminal)
    }
    expect(written).toHaveLength(1)
    // Colour codes around the level, a newline at the end.
    expect(written[0]).toContain('\u001b[')
    expect(written[0]?.replace(/\u001b\[\d+m/g, '')).toMatch(
      /^\[\d\d:\d\d:\d\d\.\d{3}\] WARN: smpp link down \{"error":"ECONNREFUSED"\}\n$/,
    )
  })
})
