/**
 * alarms.ts - what the operator console raises as wrong, decided from one overview snapshot
 * and the minute before it; no reads, no clock. Each alarm has a fixed id (a page keeps its
 * place and a test names it), a level and a sentence that says what to look at. Exports
 * alarmsOf, alarmIds, Alarm, AlarmInput, alarmLimits.
 */

/** A list, not only a type: the API document's enumeration is read from it. */
export const alarmIds = [
  'ledger_unbalanced',
  'channel_not_ready',
  'bank_down',
  'bank_degraded',
  'outbox_growing',
  'pin_lockouts',
  'commands_queued',
] as const

export interface Alarm {
  readonly id: (typeof alarmIds)[number]
  /** bad: money or a channel is affected now; warn: worth a look. */
  readonly level: 'bad' | 'warn'
  readonly text: string
}

export interface AlarmInput {
  /** The last ledger check: null before the first one. */
  readonly ledgerBalanced: boolean | null
  /** Channels by name and whether each is ready (as /healthz reports them). */
  readonly channels: Readonly<Record<string, boolean>>
  readonly bankMode: string
  /** Notifications waiting now and a minute ago (null: no sample that old yet). */
  readonly outboxNow: number
  readonly outboxMinuteAgo: number | null
  /** Refusals for the PIN tries exceeded in the last minute. */
  readonly pinLockoutsLastMinute: number
  readonly commandQueueDepth: number
}

export const alarmLimits = {
  /**
   * An outbox this deep and deeper than a minute ago is not draining: SMS notices without a
   * route to the phone, or a merchant's webhook endpoint down. A few held messages are normal
   * (a phone switched off), so the alarm waits for fifty.
   */
  outboxGrowingMin: 50,
  /**
   * Lock-outs in one minute that look like guessing rather than forgetting: one person locks
   * themselves out now and then; five different lock-outs a minute is a script trying PINs.
   */
  pinLockoutsPerMinuteMax: 5,
  /** Commands waiting for the ledger writer: a batch is at most 1,000; five batches is a jam. */
  commandQueueDepthMax: 5_000,
} as const

export function alarmsOf(input: AlarmInput): Alarm[] {
  const alarms: Alarm[] = []
  if (input.ledgerBalanced === false)
    alarms.push({
      id: 'ledger_unbalanced',
      level: 'bad',
      text: 'The ledger check found an imbalance: see Operations → ledger check.',
    })
  const down = Object.entries(input.channels)
    .filter(([, ready]) => !ready)
    .map(([name]) => name)
  if (down.length > 0)
    alarms.push({
      id: 'channel_not_ready',
      level: 'bad',
      text: `Not ready: ${down.join(', ')}${
        down.includes('sms') ? ' (no SMPP bind for the short code: SMS neither in nor out)' : ''
      }.`,
    })
  if (input.bankMode === 'down' || input.bankMode === 'timeout')
    alarms.push({
      id: 'bank_down',
      level: 'bad',
      text: `The bank is ${input.bankMode === 'down' ? 'down' : 'not answering'}: cards fail.`,
    })
  else if (input.bankMode === 'slow' || input.bankMode === 'decline')
    alarms.push({
      id: 'bank_degraded',
      level: 'warn',
      text: `The bank simulator is set to ${input.bankMode}.`,
    })
  if (
    input.outboxNow >= alarmLimits.outboxGrowingMin &&
    input.outboxMinuteAgo !== null &&
    input.outboxNow > input.outboxMinuteAgo
  )
    alarms.push({
      id: 'outbox_growing',
      level: 'warn',
      text: `The outbox is growing: ${input.outboxNow} notifications wait (${
        input.outboxMinuteAgo
      } a minute ago).`,
    })
  if (input.pinLockoutsLastMinute >= alarmLimits.pinLockoutsPerMinuteMax)
    alarms.push({
      id: 'pin_lockouts',
      level: 'bad',
      text: `${input.pinLockoutsLastMinute} PIN lock-outs in a minute: someone may be guessing.`,
    })
  if (input.commandQueueDepth >= alarmLimits.commandQueueDepthMax)
    alarms.push({
      id: 'commands_queued',
      level: 'warn',
      text: `${input.commandQueueDepth} commands wait for the ledger writer.`,
    })
  return alarms
}
