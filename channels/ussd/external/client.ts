/**
 * client.ts - one request to an external app, as Africa's Talking makes it: POST
 * `application/x-www-form-urlencoded` `sessionId, serviceCode, phoneNumber, networkCode, text`
 * to the app's URL, then its answer read by answer.ts. The transport's failures are translated
 * here, once, into the fault set of answer.ts: the timeout (the whole exchange, body included,
 * within appAnswerTimeoutMs) and an app that cannot be reached. Never throws. Exports postToApp
 * and AppForm.
 */

import type { UssdLimits } from '../limits.js'
import type { UssdMenuLimits } from '../menu/index.js'
import type { AppAnswer } from './answer.js'
import { readAppAnswer } from './answer.js'

/** The fields Africa's Talking posts to an app, named as it names them. */
export interface AppForm {
  readonly sessionId: string
  readonly serviceCode: string
  /** International, with a leading `+`: `+8613800138000`. */
  readonly phoneNumber: string
  readonly networkCode: string
  /** The session's inputs joined by `*`; '' on the first request. */
  readonly text: string
}

type ClientLimits = Pick<UssdLimits, 'appAnswerTimeoutMs' | 'appAnswerBytesMax'> &
  Pick<UssdMenuLimits, 'pageGsmCharsMax' | 'pageUcs2CharsMax'>

export async function postToApp(
  url: string,
  form: AppForm,
  limits: ClientLimits,
): Promise<AppAnswer> {
  const signal = AbortSignal.timeout(limits.appAnswerTimeoutMs)
  try {
    const response = await fetch(url, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        accept: 'text/plain',
      },
      body: new URLSearchParams({ ...form }).toString(),
      // A redirect is the app's mistake to see, not a hop for us to follow.
      redirect: 'manual',
      signal,
    })
    const body = await readBounded(response, limits.appAnswerBytesMax)
    if (body === null) {
      return {
        ok: false,
        fault: 'too_long',
        detail: `more than ${limits.appAnswerBytesMax} bytes`,
      }
    }
    return readAppAnswer(response.status, body, limits)
  } catch (error) {
    if (signal.aborted)
      return {
        ok: false,
        fault: 'timeout',
        detail: `no answer within ${limits.appAnswerTimeoutMs} ms`,
      }
    return { ok: false, fault: 'unreachable', detail: causeOf(error) }
  }
}

/** The body as UTF-8 text, or null once it passes `bytesMax` (the rest is not read). */
async function readBounded(response: Response, bytesMax: number): Promise<string | null> {
  if (response.body === null) return ''
  const reader = response.body.getReader()
  const chunks: Uint8Array[] = []
  let length = 0
  for (;;) {
    const { done, value } = await reader.read()
    if (done) break
    length += value.length
    if (length > bytesMax) {
      await reader.cancel()
      return null
    }
    chunks.push(value)
  }
  return Buffer.concat(chunks).toString('utf8')
}

/** `ECONNREFUSED`, `ENOTFOUND`…: the system's code under fetch's "fetch failed", else its text. */
function causeOf(error: unknown): string {
  const cause = error instanceof Error ? (error.cause as { code?: unknown } | undefined) : undefined
  if (typeof cause?.code === 'string') return cause.code
  return error instanceof Error ? error.message : String(error)
}
