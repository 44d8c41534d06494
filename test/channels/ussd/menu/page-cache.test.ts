/**
 * page-cache.test.ts - the bounded memo of split screens: a screen is split once and its pages
 * reused; the bound holds with the oldest entry out first; and an engine with the cache off (a
 * bound of 0) shows exactly the same screens as one with it, 98 More included.
 */
import { describe, expect, it } from 'vitest'
import type { EngineStep } from '../../../../channels/ussd/contract.js'
import {
  defaultMenuDir,
  heldMode,
  loadUssdEngine,
  ussdMenuLimits,
} from '../../../../channels/ussd/menu/index.js'
import { PageCache } from '../../../../channels/ussd/menu/page-cache.js'
import type { Language } from '../../../../src/core/index.js'
import { fakeResult, registered } from './drive.js'

describe('PageCache', () => {
  it('splits a screen once and gives the same pages after', () => {
    const cache = new PageCache(4)
    let splits = 0
    const split = (): string[] => {
      splits += 1
      return ['page 1', 'page 2']
    }
    expect(cache.pages('a', split)).toEqual(['page 1', 'page 2'])
    expect(cache.pages('a', split)).toEqual(['page 1', 'page 2'])
    expect(splits).toBe(1)
  })

  it('keeps at most its bound, dropping the oldest first', () => {
    const cache = new PageCache(3)
    let splits = 0
    const split = (): string[] => {
      splits += 1
      return [`split ${splits}`]
    }
    for (const key of ['a', 'b', 'c', 'd']) cache.pages(key, split)
    expect(cache.size).toBe(3)
    expect(cache.pages('d', split)).toEqual(['split 4'])
    expect(cache.pages('a', split)).toEqual(['split 5'])
    expect(cache.size).toBe(3)
  })
})

describe('an engine with and without the cache', () => {
  const cached = loadUssdEngine(defaultMenuDir)
  const uncached = loadUssdEngine(defaultMenuDir, {
    limits: { ...ussdMenuLimits, pageCacheEntriesMax: 0 },
  })
  const rows = Array.from(
    { length: 6 },
    (_unused, index) => `T00000${index} -1000.00 State Grid Power`,
  ).join('; ')

  function screens(engine: typeof cached, language: Language, inputs: readonly string[]): string[] {
    let step: EngineStep = engine.start('cache', '8613800138000', language, '*123#')
    if (step.kind === 'command' && heldMode(step.session) === 'gate')
      step = engine.resume(step.session, registered)
    const shown: string[] = []
    for (const input of inputs) {
      if (step.kind === 'command')
        step = engine.resume(
          step.session,
          fakeResult({ key: 'statement.list', params: { rows } }, language),
        )
      if (step.kind === 'screen') shown.push(`${step.screen.type} ${step.screen.text}`)
      step = engine.input(step.session, input)
    }
    if (step.kind === 'screen') shown.push(`${step.screen.type} ${step.screen.text}`)
    return shown
  }

  it.each(['en', 'zh'] as const)('shows the same screens in %s', (language) => {
    const walk = [
      '9',
      '2',
      'abc',
      '1001',
      '98',
      '0',
      '0',
      '0',
      '00',
      '7',
      '98',
      '0',
      '98',
      '98',
      '98',
    ]
    const expected = screens(uncached, language, walk)
    expect(screens(cached, language, walk)).toEqual(expected)
    // Twice through the cached engine: the second walk is all cache hits.
    expect(screens(cached, language, walk)).toEqual(expected)
    expect(expected.some((screen) => screen.includes('98'))).toBe(true)
  })
})
