/**
 * pin-search.ts - where a log line gives away a PIN of the default world: the PIN in a context
 * that means a PIN (a field named for one, `PIN 1234`, `YES 1234`, `Y 1234`, a USSD dial ending
 * `*1234#`), not the bare digits, which amounts, times and card endings hold too (Li Lei's card
 * ends in 1234, his PIN is 1234).
 * Exports worldPins and pinsGivenAway.
 */
import { readFileSync } from 'node:fs'
import { resolve } from 'node:path'
import { parse } from 'yaml'

/** The PINs of fixtures/world/default.yaml, the world every test gateway loads. */
export function worldPins(): string[] {
  const world = parse(readFileSync(resolve('fixtures/world/default.yaml'), 'utf8')) as {
    subscribers: { pin: string }[]
  }
  return world.subscribers.map((subscriber) => String(subscriber.pin))
}

function contextsOf(pin: string): RegExp[] {
  return [
    // A JSON field whose name says PIN (pin, newPin, pinHash, "ussdPin"...), its value holding it.
    new RegExp(`"[^"]*pin[^"]*"\\s*:\\s*"?[^",}]*\\b${pin}\\b`, 'i'),
    // Words a subscriber types or a text shows the PIN after.
    new RegExp(`\\b(pin|yes|y)\\s*[:=]?\\s*${pin}\\b`, 'i'),
    // A USSD dial string that carries the PIN as its last input.
    new RegExp(`\\*${pin}#`),
  ]
}

/** The PINs of `pins` the line gives away; empty when it gives none. */
export function pinsGivenAway(line: string, pins: readonly string[]): string[] {
  return pins.filter(
    (pin) => line.includes(pin) && contextsOf(pin).some((context) => context.test(line)),
  )
}
