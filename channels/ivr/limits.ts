/**
 * limits.ts - every bound of the IVR channel in one object: how many calls may be in progress,
 * how long a call may last or sit without an event, the answer deadline of a command, request
 * sizes, the call records an operator may read at once, and the spoken-prompt renderer's bounds.
 * Exports IvrLimits, defaultIvrLimits and checkIvrLimits.
 */

export interface IvrLimits {
  /**
   * Calls in progress at once. Each is a few KB in memory; an E1 trunk carries 30 calls and a
   * large IVR farm a few thousand, so 2,000 is far above a gateway's share while keeping a
   * runaway script (calls opened and never hung up) from growing the map without end.
   */
  readonly callsMax: number
  /**
   * A call's whole life. Paying an order by phone takes about two minutes with re-prompts;
   * carriers cut IVR legs after 30-60 min, and a call still open after ten minutes is a stuck
   * caller or a lost platform, and keeps a line busy.
   */
  readonly callDurationMaxMs: number
  /**
   * A call with no event for this long is over: every gather the platform runs ends within its
   * timeouts (seconds), so a platform silent for two minutes has lost the call (a simulation
   * client that went away, a missed status callback).
   */
  readonly callIdleMaxMs: number
  /**
   * How long a request may wait for the core before the caller hears that the answer comes by
   * SMS. Twilio waits 15 s for a webhook and then plays its own error; 10 s leaves room for the
   * round trip.
   */
  readonly answerDeadlineMs: number
  /**
   * Commands one request may run: the engine may answer a command's result with another
   * command. Two covers every script; a longer chain is an engine bug.
   */
  readonly commandsPerStepMax: number
  /** Commands still running after their caller was told the answer comes by SMS. */
  readonly lateCommandsMax: number
  /** Keys in one digits event: a PIN or an order number with `#` is a dozen; more is junk. */
  readonly keysPerEventMax: number
  /** Characters of a platform's call id (Twilio's CallSid is 34); a longer one is junk. */
  readonly callIdLengthMax: number
  /** Bytes of a platform's request body: a TwiML webhook is about 1 KB of form fields. */
  readonly requestBodyBytesMax: number
  /** Call records one admin request may read. */
  readonly callRecordsQueryRowsMax: number
  /**
   * Digits a VoiceXML digits grammar allows when the gather has no maximum (up to its terminator).
   */
  readonly grammarDigitsMax: number
  /**
   * Call records kept in ivr.sqlite: about 500 bytes each, so a year of a busy line fits in 100 MB.
   */
  readonly callRecordsKeptMax: number
  /** espeak-ng and sox runs at once: the machine has two cores shared with the payment path. */
  readonly speechRendersMax: number
  /** One render's time before it is killed: a prompt is a few seconds of audio, made in < 1 s. */
  readonly speechRenderTimeoutMs: number
  /** Characters of a prompt text sent to espeak-ng: prompts are a sentence or two. */
  readonly speechTextLengthMax: number
  /**
   * WAV files kept in the prompt cache: prompts with amounts differ per call, so the cache is
   * bounded.
   */
  readonly speechCacheFilesMax: number
  /**
   * Prompt ids and texts remembered for GET /ivr/prompts/:id.wav (the last text of each id and
   * language).
   */
  readonly promptsKnownMax: number
  /**
   * How often the calls in progress are written behind to the dialog store (its record, the
   * call-detail record, is written at once at every request). 50 ms, as USSD: a crash loses no
   * more than that of a call that cannot outlive the process anyway.
   */
  readonly callFlushIntervalMs: number
}

export const defaultIvrLimits: IvrLimits = {
  callsMax: 2_000,
  callDurationMaxMs: 10 * 60_000,
  callIdleMaxMs: 2 * 60_000,
  answerDeadlineMs: 10_000,
  commandsPerStepMax: 2,
  lateCommandsMax: 1_000,
  keysPerEventMax: 64,
  callIdLengthMax: 128,
  requestBodyBytesMax: 8 * 1024,
  callRecordsQueryRowsMax: 500,
  grammarDigitsMax: 32,
  callRecordsKeptMax: 200_000,
  speechRendersMax: 2,
  speechRenderTimeoutMs: 10_000,
  speechTextLengthMax: 1_000,
  speechCacheFilesMax: 2_000,
  promptsKnownMax: 5_000,
  callFlushIntervalMs: 50,
}

/** Returns the problems of a limit set, each naming its key; empty when the set is sound. */
export function checkIvrLimits(limits: IvrLimits): string[] {
  const problems: string[] = []
  for (const [key, value] of Object.entries(limits)) {
    if (!Number.isInteger(value) || (value as number) <= 0)
      problems.push(`${key} must be a positive integer`)
  }
  if (limits.callIdleMaxMs > limits.callDurationMaxMs)
    problems.push('callIdleMaxMs must not exceed callDurationMaxMs')
  // A command answered after the idle cap would find its call already swept away.
  if (limits.answerDeadlineMs >= limits.callIdleMaxMs)
    problems.push('answerDeadlineMs must be below callIdleMaxMs')
  return problems
}
