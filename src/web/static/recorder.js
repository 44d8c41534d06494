/**
 * recorder.js - records what the handsets did and what came back as a conformance script
 * (docs/contract.md section 10), which `telepay conformance <file>` replays on a fresh gateway.
 * Apps emit `step` events ({ step, args }); while recording each is kept in order. Consecutive
 * key presses of a call become one `dtmf` (the runner sends them at once, and the digit engine
 * takes type-ahead the same way). What the gateway answered becomes an expectation whose text is
 * matched exactly but for what differs from run to run: a transaction reference (T4K9ZQ2, spoken
 * as "T 4 K 9 Z Q 2"). PINs are recorded as typed: the script needs them to pay.
 */
import { emit, on } from './lib/bus.js'

const steps = []
let recording = false

export function isRecording() {
  return recording
}

export function recordedSteps() {
  return steps.length
}

export function startRecording() {
  steps.length = 0
  recording = true
  emit('recording', { recording, steps: 0 })
}

export function stopRecording() {
  recording = false
  emit('recording', { recording, steps: steps.length })
}

on('step', (detail) => {
  if (!recording) return
  const last = steps[steps.length - 1]
  if (detail.step === 'dtmf' && last?.step === 'dtmf') last.args.digits += detail.args.digits
  else steps.push({ step: detail.step, args: { ...detail.args } })
  emit('recording', { recording, steps: steps.length })
})

/**
 * A text as a `matches` pattern: itself, escaped, with references left open; whole (anchored)
 * unless it is a part of what is matched (a paragraph of a WAP page).
 */
export function patternOf(text, whole = true) {
  const body = text
    .replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
    .replace(/\bT(?=[A-Z]*[0-9])[0-9A-Z]{6}\b/g, 'T[0-9A-Z]{6}')
    .replace(/\bT(?: [0-9A-Z]){6}\b/g, 'T( [0-9A-Z]){6}')
  return whole ? `^${body}$` : body
}

function scalar(value) {
  if (typeof value === 'number' || typeof value === 'boolean') return String(value)
  if (typeof value === 'object' && value !== null) return flow(value)
  // A JSON string is a YAML double-quoted scalar: PINs and codes keep their leading zeros.
  return JSON.stringify(String(value))
}

function flow(object) {
  const pairs = Object.entries(object).map(([key, value]) => {
    const name = /^[A-Za-z_][\w-]*$/.test(key) ? key : JSON.stringify(key)
    return `${name}: ${scalar(value)}`
  })
  return pairs.length === 0 ? '{}' : `{ ${pairs.join(', ')} }`
}

/** The script as YAML. */
export function scriptYaml(name) {
  const lines = [`name: ${JSON.stringify(name)}`, 'steps:']
  for (const { step, args } of steps) lines.push(`  - ${step}: ${flow(args)}`)
  lines.push('  - expect_ledger: balanced', '')
  return lines.join('\n')
}
