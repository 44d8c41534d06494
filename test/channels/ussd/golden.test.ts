/**
 * golden.test.ts - replays the golden fixtures of fixtures/ussd/ (Africa's Talking form and
 * Hubtel JSON, request and exact expected response per hop) against a real gateway, its own
 * menus and its own routes over real HTTP: a change of a provider format, a menu text or the
 * CON/END framing shows here as a diff.
 */
import { readdirSync, readFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { GatewayFixture } from '../../support/gateway-fixture.js'
import { startTestGateway } from '../../support/gateway-fixture.js'
import { postAt, postHubtel } from './ussd-harness.js'

interface Golden {
  readonly name: string
  readonly provider: 'africastalking' | 'hubtel'
  readonly steps: readonly {
    readonly request: Record<string, unknown>
    readonly response: Record<string, unknown>
  }[]
}

const fixtureDir = resolve('fixtures/ussd')
const goldens = readdirSync(fixtureDir)
  .filter((file) => file.endsWith('.json'))
  .sort()
  .map((file) => ({
    file,
    golden: JSON.parse(readFileSync(join(fixtureDir, file), 'utf8')) as Golden,
  }))

let gw: GatewayFixture

beforeAll(async () => {
  gw = await startTestGateway()
})

afterAll(async () => {
  await gw.close()
})

describe('golden USSD fixtures', () => {
  it('has a balance walk and a pay-merchant walk for each provider', () => {
    expect(goldens.map(({ file }) => file)).toEqual([
      'africastalking-balance.json',
      'africastalking-pay-merchant.json',
      'hubtel-balance.json',
      'hubtel-pay-merchant.json',
    ])
  })

  for (const { file, golden } of goldens) {
    it(`${file}: ${golden.name}`, async () => {
      for (const [index, step] of golden.steps.entries()) {
        const actual =
          golden.provider === 'africastalking'
            ? await postAt(gw.url, step.request as Record<string, string>)
            : await postHubtel(gw.url, step.request)
        const shown =
          golden.provider === 'africastalking'
            ? {
                status: actual.status,
                contentType: (actual as { contentType: string }).contentType,
                body: (actual as { body: string }).body,
              }
            : actual
        expect(shown, `${file} step ${index + 1}`).toEqual(step.response)
      }
    })
  }

  it('moved no money: every walk stops at a screen before the PIN', async () => {
    expect(await gw.balance('8613800138000', 'wallet')).toBe('500.00')
    expect(await gw.balance('8613800138001', 'wallet')).toBe('20.00')
  })
})
