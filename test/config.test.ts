/**
 * config.test.ts - the configuration a user writes: defaults of SPEC section 1, the SMS sections
 * from a file and from TELEPAY_* variables, the external USSD apps, and refusals that name the
 * key (for an external app, the entry and its field).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { ConfigError, loadConfig, webhooksPublicOnly } from '../src/config.js'

let dir: string
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'telepay-config-'))
})
afterEach(() => rmSync(dir, { recursive: true, force: true }))

function withFile(content: unknown): { env: NodeJS.ProcessEnv; cwd: string } {
  writeFileSync(join(dir, 'telepay.config.json'), JSON.stringify(content))
  return { env: {}, cwd: dir }
}

describe('SMS configuration', () => {
  it('defaults to the SPEC 1 SMSC simulator, 127.0.0.1:2775, telepay/telepay, code 12588', () => {
    const config = loadConfig({ env: {}, cwd: dir })
    expect(config.smpp).toEqual({
      host: '127.0.0.1',
      port: 2775,
      systemId: 'telepay',
      password: 'telepay',
    })
    expect(config.sms).toEqual({ mode: 'simulator', shortCode: '12588', upstream: null })
    expect(config.ussd).toEqual({ push: null, externalApps: [] })
  })

  it('reads the WAP gateways trusted for the MSISDN header and its names, from file or env', () => {
    expect(loadConfig({ env: {}, cwd: dir }).wap.trustedGateways).toBeNull()
    expect(
      loadConfig(withFile({ wap: { trustedGateways: ['10.0.0.0/8', '::1'] } })).wap.trustedGateways,
    ).toEqual(['10.0.0.0/8', '::1'])
    expect(
      loadConfig({ env: { TELEPAY_WAP_TRUSTED_GATEWAYS: '10.1.2.3, 10.1.2.4' }, cwd: dir }).wap
        .trustedGateways,
    ).toEqual(['10.1.2.3', '10.1.2.4'])
    expect(loadConfig({ env: {}, cwd: dir }).wap.msisdnHeaders).toBeNull()
    expect(
      loadConfig(withFile({ wap: { msisdnHeaders: ['X-Up-Calling-Line-Id'] } })).wap.msisdnHeaders,
    ).toEqual(['X-Up-Calling-Line-Id'])
    expect(
      loadConfig({ env: { TELEPAY_WAP_MSISDN_HEADERS: 'X-MSISDN, X-Nokia-MSISDN' }, cwd: dir }).wap
        .msisdnHeaders,
    ).toEqual(['X-MSISDN', 'X-Nokia-MSISDN'])
  })

  it('reads ussd.push as a boolean from the file or TELEPAY_USSD_PUSH', () => {
    expect(loadConfig(withFile({ ussd: { push: false } })).ussd.push).toBe(false)
    expect(loadConfig({ env: { TELEPAY_USSD_PUSH: 'true' }, cwd: dir }).ussd.push).toBe(true)
  })

  it('reads ussd.externalApps from a file or TELEPAY_USSD_EXTERNAL_APPS (pairs or JSON)', () => {
    const app = { serviceCode: '*384*2468#', url: 'http://127.0.0.1:9000/ussd' }
    const other = { serviceCode: '*500#', url: 'https://apps.example/ussd?key=1' }
    expect(
      loadConfig(withFile({ ussd: { externalApps: [app, other] } })).ussd.externalApps,
    ).toEqual([app, other])
    const pairs = '*384*2468#=http://127.0.0.1:9000/ussd, *500#=https://apps.example/ussd?key=1'
    expect(
      loadConfig({ env: { TELEPAY_USSD_EXTERNAL_APPS: pairs }, cwd: dir }).ussd.externalApps,
    ).toEqual([app, other])
    const json = JSON.stringify([app])
    expect(
      loadConfig({ env: { TELEPAY_USSD_EXTERNAL_APPS: json }, cwd: dir }).ussd.externalApps,
    ).toEqual([app])
    // The example file writes the default, an empty list; null reads the same.
    expect(loadConfig(withFile({ ussd: { externalApps: null } })).ussd.externalApps).toEqual([])
  })

  it.each([
    [{ externalApps: { serviceCode: '*384#', url: 'http://h/' } }, 'ussd.externalApps: expected'],
    [[{ serviceCode: '384', url: 'http://h/' }], 'ussd.externalApps[0].serviceCode: expected'],
    [[{ serviceCode: '*384*24#6#', url: 'http://h/' }], 'ussd.externalApps[0].serviceCode'],
    [[{ url: 'http://h/' }], 'ussd.externalApps[0].serviceCode: expected a USSD code'],
    [[{ serviceCode: '*384#', url: 'ftp://h/' }], 'ussd.externalApps[0].url: expected an http'],
    [[{ serviceCode: '*384#', url: 'not a url' }], 'ussd.externalApps[0].url'],
    [[{ serviceCode: '*384#' }], 'ussd.externalApps[0].url: expected'],
    [[{ serviceCode: '*384#', url: 'http://h/', timeout: 9 }], 'ussd.externalApps[0].timeout'],
    [
      [
        { serviceCode: '*384#', url: 'http://h/a' },
        { serviceCode: '*384#', url: 'http://h/b' },
      ],
      'ussd.externalApps[1].serviceCode: *384# is already served by ussd.externalApps[0]',
    ],
  ])('refuses external apps %j in one line: %s', (apps, message) => {
    const content = { ussd: Array.isArray(apps) ? { externalApps: apps } : apps }
    expect(() => loadConfig(withFile(content))).toThrow(ConfigError)
    expect(() => loadConfig(withFile(content))).toThrow(`config: ${message}`)
    // One line: start-up prints it as `telepay: config: ...` and stops.
    expect(() => loadConfig(withFile(content))).toThrow(/^config: [^\n]+$/)
  })

  it('refuses TELEPAY_USSD_EXTERNAL_APPS that is neither pairs nor a JSON list', () => {
    const env = (value: string) => ({ env: { TELEPAY_USSD_EXTERNAL_APPS: value }, cwd: dir })
    expect(() => loadConfig(env('*384#'))).toThrow('config: ussd.externalApps[0]: expected')
    expect(() => loadConfig(env('[{"serviceCode"'))).toThrow(
      'config: ussd.externalApps: not a JSON list',
    )
    expect(() => loadConfig(env('*384#=mailto:x@y'))).toThrow('config: ussd.externalApps[0].url')
  })

  it('reads operator mode and the upstream SMSC from a URL, in the file or the environment', () => {
    const fromFile = loadConfig(
      withFile({
        sms: {
          mode: 'operator',
          upstream: 'smpp://esme1:s3cret@10.0.0.5:2776?bind=transmitter%2Breceiver&systemType=VMA',
        },
      }),
    )
    expect(fromFile.sms.upstream).toEqual({
      host: '10.0.0.5',
      port: 2776,
      systemId: 'esme1',
      password: 's3cret',
      systemType: 'VMA',
      bind: 'transmitter+receiver',
    })
    const fromEnv = loadConfig({
      env: {
        TELEPAY_SMS_MODE: 'operator',
        TELEPAY_SMS_UPSTREAM: 'smpp://a:b@smsc.example',
        TELEPAY_SMPP_PORT: '2780',
      },
      cwd: dir,
    })
    expect(fromEnv.sms).toMatchObject({
      mode: 'operator',
      upstream: { host: 'smsc.example', port: 2775, bind: 'transceiver', systemType: '' },
    })
    expect(fromEnv.smpp.port).toBe(2780)
  })

  it.each([
    [{ sms: { mode: 'carrier-pigeon' } }, 'sms.mode'],
    [{ sms: { mode: 'operator' } }, 'sms.upstream'],
    [{ sms: { upstream: 'http://smsc.example' } }, 'sms.upstream'],
    [{ sms: { upstream: 'smpp://a:b@h:1?bind=sideways' } }, 'sms.upstream'],
    [{ sms: { shortCode: '12 588' } }, 'sms.shortCode'],
    [{ sms: { shortcode: '12588' } }, 'sms.shortcode'],
    [{ smpp: { port: 70000 } }, 'smpp.port'],
    [{ smpp: { systemId: 'a-system-id-far-too-long' } }, 'smpp.systemId'],
    [{ smpp: { password: 'ninechars' } }, 'smpp.password'],
    [{ ussd: { push: 'sometimes' } }, 'ussd.push'],
    [{ wap: { trustedGateways: ['not an address'] } }, 'wap.trustedGateways'],
    [{ wap: { msisdnHeaders: ['X MSISDN'] } }, 'wap.msisdnHeaders'],
    [{ wap: { msisdnHeaders: [] } }, 'wap.msisdnHeaders'],
    [{ ussd: { serviceCode: '*123#' } }, 'ussd.serviceCode'],
  ])('refuses %j naming %s', (content, key) => {
    expect(() => loadConfig(withFile(content))).toThrow(ConfigError)
    expect(() => loadConfig(withFile(content))).toThrow(`config: ${key}`)
  })
})

describe('the public address', () => {
  it('is unset by default, and read as an origin from the file or TELEPAY_HTTP_PUBLIC_URL', () => {
    expect(loadConfig({ env: {}, cwd: dir }).http.publicUrl).toBeNull()
    const fromFile = loadConfig(withFile({ http: { publicUrl: 'https://pay.example.com/' } }))
    expect(fromFile.http.publicUrl).toBe('https://pay.example.com')
    const env = { TELEPAY_HTTP_PUBLIC_URL: 'http://10.0.0.5:8080' }
    expect(loadConfig({ env, cwd: dir }).http.publicUrl).toBe('http://10.0.0.5:8080')
  })

  it.each([
    'pay.example.com',
    'ftp://pay.example.com',
    'https://pay.example.com/telepay',
    'https://a:b@pay.example.com',
  ])('refuses %s, naming the key', (publicUrl) => {
    expect(() => loadConfig(withFile({ http: { publicUrl } }))).toThrow(
      'config: http.publicUrl: expected an origin',
    )
  })
})

describe('the cards in PC/SC readers', () => {
  it('are none by default, vpcd at 127.0.0.1:35963, read from the file or environment', () => {
    expect(loadConfig({ env: {}, cwd: dir }).onsite).toEqual({
      pcscCards: [],
      vpcd: { host: '127.0.0.1', port: 35_963 },
      keysFile: null,
    })
    const env = { TELEPAY_ONSITE_PCSC_CARDS: '8613800138000, +8613800138001' }
    expect(loadConfig({ env, cwd: dir }).onsite.pcscCards).toEqual([
      '8613800138000',
      '8613800138001',
    ])
    const file = withFile({ onsite: { vpcd: '10.0.0.7:40000' } })
    expect(loadConfig(file).onsite.vpcd).toEqual({ host: '10.0.0.7', port: 40_000 })
  })

  it('take the operator keys file relative to the working directory, from the file or env', () => {
    const fromFile = loadConfig(withFile({ onsite: { keysFile: 'keys/purse.json' } }))
    expect(fromFile.onsite.keysFile).toBe(join(dir, 'keys/purse.json'))
    const env = { TELEPAY_ONSITE_KEYS_FILE: '/etc/telepay/purse-keys.json' }
    expect(loadConfig({ env, cwd: dir }).onsite.keysFile).toBe('/etc/telepay/purse-keys.json')
    expect(() => loadConfig(withFile({ onsite: { keysFile: 7 } }))).toThrow(
      'config: onsite.keysFile: expected a file path',
    )
  })

  it('refuses a third card, a bad number and a bad address, naming the key', () => {
    const three = { onsite: { pcscCards: ['8613800138000', '8613800138001', '8613900139000'] } }
    expect(() => loadConfig(withFile(three))).toThrow(
      'config: onsite.pcscCards: expected at most two',
    )
    expect(() => loadConfig(withFile({ onsite: { pcscCards: ['12ab'] } }))).toThrow(
      'config: onsite.pcscCards',
    )
    expect(() => loadConfig(withFile({ onsite: { vpcd: 'localhost' } }))).toThrow(
      'config: onsite.vpcd: expected HOST:PORT',
    )
  })
})

describe('webhook destinations', () => {
  const upstream = 'smpp://esme1:s3cret@10.0.0.5:2776'
  it('are any address with the simulator and public ones only otherwise, unless configured', () => {
    expect(webhooksPublicOnly(loadConfig({ env: {}, cwd: dir }))).toBe(false)
    const operator = { sms: { mode: 'operator', upstream } }
    expect(webhooksPublicOnly(loadConfig(withFile(operator)))).toBe(true)
    expect(webhooksPublicOnly(loadConfig(withFile({ sms: { mode: 'off' } })))).toBe(true)
    const allowed = { ...operator, webhooks: { privateDestinations: true } }
    expect(webhooksPublicOnly(loadConfig(withFile(allowed)))).toBe(false)
    const env = { TELEPAY_WEBHOOKS_PRIVATE_DESTINATIONS: 'false' }
    expect(webhooksPublicOnly(loadConfig({ env, cwd: dir }))).toBe(true)
  })

  it('refuses a value that is not a boolean, naming the key', () => {
    expect(() => loadConfig(withFile({ webhooks: { privateDestinations: 'maybe' } }))).toThrow(
      'config: webhooks.privateDestinations: expected true or false, got "maybe"',
    )
  })
})

describe('the idempotency log retention', () => {
  it('keeps keys 7 days by default, pruned 1,000 rows a step; both may be set in the file', () => {
    const defaults = loadConfig({ env: {}, cwd: dir }).operating
    expect(defaults.idempotencyKeepMs).toBe(7 * 86_400_000)
    expect(defaults.idempotencyPruneRowsMax).toBe(1_000)
    const set = loadConfig(
      withFile({ operating: { idempotencyKeepMs: 2 * 86_400_000, idempotencyPruneRowsMax: 50 } }),
    ).operating
    expect(set.idempotencyKeepMs).toBe(2 * 86_400_000)
    expect(set.idempotencyPruneRowsMax).toBe(50)
  })

  it.each([
    [{ operating: { idempotencyKeepMs: 3_600_000 } }, 'operating.idempotencyKeepMs must be'],
    [{ operating: { idempotencyKeepMs: '7 days' } }, 'operating.idempotencyKeepMs: expected'],
    [{ operating: { idempotencyPruneRowsMax: 0 } }, 'operating.idempotencyPruneRowsMax: expected'],
  ])('refuses %j naming its key', (content, message) => {
    expect(() => loadConfig(withFile(content))).toThrow(ConfigError)
    expect(() => loadConfig(withFile(content))).toThrow(`config: ${message}`)
  })
})

describe('the operating model', () => {
  it('is cooperative by default, and is read from the file or TELEPAY_OPERATING_MODEL', () => {
    expect(loadConfig({ env: {}, cwd: dir }).limits.operatingModel).toBe('cooperative')
    expect(loadConfig(withFile({ operatingModel: 'bank' })).limits.operatingModel).toBe('bank')
    const fromEnv = loadConfig({ env: { TELEPAY_OPERATING_MODEL: 'third_party' }, cwd: dir })
    expect(fromEnv.limits.operatingModel).toBe('third_party')
    // Beside other limits, which keep their own values.
    const both = loadConfig(
      withFile({ operatingModel: 'operator', limits: { phoneBillPaymentMaxMinor: '30.00' } }),
    ).limits
    expect(both.operatingModel).toBe('operator')
    expect(both.phoneBillPaymentMaxMinor).toBe(3_000n)
  })

  it('refuses a model it does not know, naming the key and the four it takes', () => {
    expect(() => loadConfig(withFile({ operatingModel: 'telco' }))).toThrow(
      'config: operatingModel: expected operator | bank | third_party | cooperative, got "telco"',
    )
    expect(() => loadConfig(withFile({ limits: { operatingModel: 'bank' } }))).toThrow(
      'config: limits.operatingModel: unknown key (it is a top-level key)',
    )
  })
})
