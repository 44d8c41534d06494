/**
 * answer.test.ts - an external app's answer read as Africa's Talking reads it, plus the page
 * bound a network enforces: CON and END with their framing, HTTP errors, bodies that start with
 * neither, and screens past one USSD page (182 GSM characters with extension characters counting
 * two, 80 once one needs UCS-2), never cut.
 */
import { describe, expect, it } from 'vitest'
import { readAppAnswer } from '../../../../channels/ussd/external/index.js'
import { ussdMenuLimits } from '../../../../channels/ussd/menu/index.js'

const read = (status: number, body: string) => readAppAnswer(status, body, ussdMenuLimits)

describe("an external app's answer", () => {
  it('is a CON or END screen, its text after the framing kept as sent', () => {
    expect(read(200, 'CON Welcome\n1. Balance')).toEqual({
      ok: true,
      screen: { type: 'CON', text: 'Welcome\n1. Balance' },
    })
    expect(read(200, 'END Bye')).toEqual({ ok: true, screen: { type: 'END', text: 'Bye' } })
    expect(read(201, 'CON\nMenu')).toEqual({ ok: true, screen: { type: 'CON', text: 'Menu' } })
    expect(read(200, 'END')).toEqual({ ok: true, screen: { type: 'END', text: '' } })
  })

  it.each([
    [500, 'END Oops', 'http_error', 'HTTP 500'],
    [404, 'Not Found', 'http_error', 'HTTP 404'],
    [302, '', 'http_error', 'HTTP 302'],
    [200, 'Welcome', 'malformed', 'the body (7 characters) starts with neither CON nor END'],
    [200, 'con Welcome', 'malformed', 'the body (11 characters) starts with neither CON nor END'],
    [200, ' CON Welcome', 'malformed', 'the body (12 characters) starts with neither CON nor END'],
    [200, 'CONTINUE', 'malformed', 'the body (8 characters) starts with neither CON nor END'],
    [200, '', 'malformed', 'the body (0 characters) starts with neither CON nor END'],
  ])('HTTP %i %j is the fault %s (%s)', (status, body, fault, detail) => {
    expect(read(status, body)).toEqual({ ok: false, fault, detail })
  })

  it('takes 182 GSM characters, or 80 UCS-2, and refuses one more', () => {
    expect(read(200, `CON ${'a'.repeat(182)}`).ok).toBe(true)
    expect(read(200, `END ${'a'.repeat(183)}`)).toEqual({
      ok: false,
      fault: 'too_long',
      detail: '183 characters, more than one USSD page',
    })
    // An extension character (€) takes two septets.
    expect(read(200, `CON ${'€'.repeat(91)}`).ok).toBe(true)
    expect(read(200, `CON ${'€'.repeat(91)}a`).ok).toBe(false)
    expect(read(200, `CON ${'余'.repeat(80)}`).ok).toBe(true)
    expect(read(200, `CON ${'余'.repeat(81)}`)).toMatchObject({ ok: false, fault: 'too_long' })
  })
})
