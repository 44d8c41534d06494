/**
 * fake-app.ts - a developer's USSD app for Africa's Talking, as the external-app tests need it:
 * a real HTTP server on loopback that records every form telepay posts to it and answers with
 * what the test's handler says (a screen, a status, garbage, silence). Also a port with nothing
 * listening, for an app that cannot be reached. Exports startFakeApp, closedPort, FakeApp,
 * AppRequest and AppReply.
 */
import type { IncomingMessage, Server, ServerResponse } from 'node:http'
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'

/** One request as the app saw it. */
export interface AppRequest {
  readonly contentType: string
  readonly form: Readonly<Record<string, string>>
}

/** What the handler answers: a body (status 200 unless given), or silence until the test ends. */
export type AppReply = { readonly status?: number; readonly body: string } | 'silence'

export interface FakeApp {
  readonly url: string
  readonly requests: AppRequest[]
  /** The texts posted, in order. */
  texts(): string[]
  close(): Promise<void>
}

export async function startFakeApp(handler: (request: AppRequest) => AppReply): Promise<FakeApp> {
  const requests: AppRequest[] = []
  const silent = new Set<ServerResponse>()
  const server: Server = createServer((request: IncomingMessage, response: ServerResponse) => {
    const chunks: Buffer[] = []
    request.on('data', (chunk: Buffer) => chunks.push(chunk))
    request.on('end', () => {
      const seen: AppRequest = {
        contentType: request.headers['content-type'] ?? '',
        form: Object.fromEntries(new URLSearchParams(Buffer.concat(chunks).toString('utf8'))),
      }
      requests.push(seen)
      const reply = handler(seen)
      if (reply === 'silence') {
        silent.add(response)
        return
      }
      response.writeHead(reply.status ?? 200, { 'content-type': 'text/plain; charset=utf-8' })
      response.end(reply.body)
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  return {
    url: `http://127.0.0.1:${port}/ussd`,
    requests,
    texts: () => requests.map((request) => request.form['text'] ?? '(none)'),
    async close() {
      for (const response of silent) response.destroy()
      await new Promise<void>((resolve) => {
        server.close(() => resolve())
        server.closeAllConnections()
      })
    },
  }
}

/** A loopback port nothing listens on (taken, then given back). */
export async function closedPort(): Promise<number> {
  const server = createServer()
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  await new Promise<void>((resolve) => server.close(() => resolve()))
  return port
}
