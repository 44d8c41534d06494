/**
 * answer.ts - what an external app's HTTP answer means, read once into a screen or one fault of
 * a closed set, as Africa's Talking reads its apps' answers: a 2xx body that starts `CON ` (the
 * session goes on) or `END ` (it closes) is a screen; an HTTP error or a body that starts with
 * neither ends the session. On top, as a network must, a screen that does not fit one USSD page
 * (182 GSM 03.38 characters, extension characters counting two, or 80 when one needs UCS-2) is
 * a fault, never cut or paged: the app is what is being tested. Exports readAppAnswer,
 * AppAnswer and AppFault.
 */
import type { Screen } from '../contract.js'
import type { UssdMenuLimits } from '../menu/index.js'
import { fitsPage } from '../menu/paging.js'

/** Why an app gave no screen; each ends the session with the same polite END to the user. */
export type AppFault =
  /** No full answer within appAnswerTimeoutMs. */
  | 'timeout'
  /** No answer at all: connection refused or reset, no such host. */
  | 'unreachable'
  /** An HTTP status outside 2xx (redirects are not followed). */
  | 'http_error'
  /** A body that starts with neither `CON ` nor `END `. */
  | 'malformed'
  /** A screen longer than one USSD page, or a body past appAnswerBytesMax. */
  | 'too_long'

export type AppAnswer =
  | { readonly ok: true; readonly screen: Screen }
  /** `detail` says what was wrong for the log: never the body, which may echo an input. */
  | { readonly ok: false; readonly fault: AppFault; readonly detail: string }

type PageBudget = Pick<UssdMenuLimits, 'pageGsmCharsMax' | 'pageUcs2CharsMax'>

/**
 * The CON/END framing: the word, then one space or a line break, then the screen. A bare `END`
 * is an END with no text, which phones show as an empty closing screen.
 */
const framing = /^(CON|END)(?:[ \n]|\r\n|$)/

/** A complete answer (status and body as text) read into a screen or a fault. */
export function readAppAnswer(status: number, body: string, limits: PageBudget): AppAnswer {
  if (status < 200 || status > 299)
    return { ok: false, fault: 'http_error', detail: `HTTP ${status}` }
  const match = framing.exec(body)
  if (match === null)
    return {
      ok: false,
      fault: 'malformed',
      detail: `the body (${body.length} characters) starts with neither CON nor END`,
    }
  const text = body.slice(match[0].length)
  if (!fitsPage(text, limits))
    return {
      ok: false,
      fault: 'too_long',
      detail: `${text.length} characters, more than one USSD page`,
    }
  return { ok: true, screen: { type: match[1] === 'CON' ? 'CON' : 'END', text } }
}
