/**
 * handset-stream.ts - a web handset's live stream as a test reads it: GET /handset/api/events
 * with fetch and a reader of the body, parsed into Server-Sent Events, with a wait for the next
 * event that matches, and the wait for a condition of the message log the tests share.
 * Exports openHandsetStream, HandsetStreamReader, StreamEvent, StreamMessage, until.
 */

export interface StreamMessage {
  readonly seq: number
  readonly messageId: string
  readonly msisdn: string
  readonly direction: 'mo' | 'mt'
  readonly party: string
  readonly text: string
  readonly coding: string
  readonly parts: number
  readonly state: string
}

export interface StreamEvent {
  readonly event: string
  readonly id: string | null
  readonly data: StreamMessage
}

export interface HandsetStreamReader {
  readonly status: number
  /** Every event read so far, in order. */
  readonly events: StreamEvent[]
  /** The first event (read or to come) that matches, within `timeoutMs`; throws after it. */
  next(match: (event: StreamEvent) => boolean, timeoutMs?: number): Promise<StreamEvent>
  /** The comment lines read so far (heartbeats). */
  readonly comments: string[]
  close(): void
}

export async function openHandsetStream(
  url: string,
  msisdn: string,
  headers: Readonly<Record<string, string>> = {},
  /** More of the query (`&ussd_push=1`). */
  query = '',
): Promise<HandsetStreamReader> {
  const controller = new AbortController()
  const response = await fetch(`${url}/handset/api/events?msisdn=${msisdn}${query}`, {
    signal: controller.signal,
    headers,
  })
  const events: StreamEvent[] = []
  const comments: string[] = []
  const waiters = new Set<() => void>()
  const reader = response.body?.getReader()
  const decoder = new TextDecoder()
  let buffer = ''
  const pump = async (): Promise<void> => {
    if (reader === undefined) return
    for (;;) {
      const chunk = await reader.read().catch(() => ({ done: true, value: undefined }))
      if (chunk.done === true || chunk.value === undefined) return
      buffer += decoder.decode(chunk.value, { stream: true })
      let end = buffer.indexOf('\n\n')
      while (end !== -1) {
        parseFrame(buffer.slice(0, end), events, comments)
        buffer = buffer.slice(end + 2)
        end = buffer.indexOf('\n\n')
      }
      for (const wake of [...waiters]) wake()
    }
  }
  void pump()
  return {
    status: response.status,
    events,
    comments,
    next(match, timeoutMs = 5_000) {
      return new Promise((resolve, reject) => {
        const check = (): boolean => {
          const found = events.find(match)
          if (found === undefined) return false
          waiters.delete(wake)
          clearTimeout(timer)
          resolve(found)
          return true
        }
        const wake = (): void => {
          check()
        }
        const timer = setTimeout(() => {
          waiters.delete(wake)
          reject(new Error(`no matching event within ${timeoutMs} ms: ${JSON.stringify(events)}`))
        }, timeoutMs)
        if (!check()) waiters.add(wake)
      })
    },
    close() {
      controller.abort()
    },
  }
}

function parseFrame(frame: string, events: StreamEvent[], comments: string[]): void {
  let event = 'message'
  let id: string | null = null
  let data = ''
  for (const line of frame.split('\n')) {
    if (line.startsWith(':')) comments.push(line.slice(1).trim())
    else if (line.startsWith('event: ')) event = line.slice(7)
    else if (line.startsWith('id: ')) id = line.slice(4)
    else if (line.startsWith('data: ')) data += line.slice(6)
  }
  if (data !== '') events.push({ event, id, data: JSON.parse(data) as StreamMessage })
}

/** Polls `probe` until it gives a value (not undefined), within `timeoutMs`. */
export async function until<T>(
  probe: () => Promise<T | undefined>,
  timeoutMs = 5_000,
  what = 'a condition',
): Promise<T> {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    const value = await probe()
    if (value !== undefined) return value
    if (Date.now() > deadline) throw new Error(`${what} did not hold within ${timeoutMs} ms`)
    await new Promise((resolve) => setTimeout(resolve, 25))
  }
}
