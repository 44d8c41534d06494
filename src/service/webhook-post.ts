/**
 * webhook-post.ts - one POST of a webhook body: node's own http and https clients rather than
 * fetch, because only they let the gateway see (and refuse) the address a name resolves to on the
 * very connection that is made; a check before fetch would be undone by a name that resolves to
 * a public address first and to 10.0.0.5 the second time. Redirects are never followed (an
 * answer like any other), the answer is read no further than the snippet the portal shows, and
 * the whole exchange ends at the timeout.
 */
import type { LookupAddress, LookupOptions } from 'node:dns'
import { lookup as dnsLookup } from 'node:dns'
import { request as httpRequest } from 'node:http'
import { request as httpsRequest } from 'node:https'
import { isIP } from 'node:net'
import { DestinationRefused, nonPublicKindOf } from './webhook-destination.js'

export interface WebhookAnswer {
  readonly statusCode: number
  /** The first bytes of the answer's body, at most `snippetBytesMax`. */
  readonly body: Buffer
}

export interface WebhookPost {
  readonly url: string
  readonly headers: Readonly<Record<string, string>>
  readonly body: string
  readonly timeoutMs: number
  readonly snippetBytesMax: number
  /** Refuse loopback, private, link-local and reserved addresses (webhook-destination.ts). */
  readonly publicOnly: boolean
}

type LookupCallback = (
  error: NodeJS.ErrnoException | null,
  address: string | LookupAddress[],
  family?: number,
) => void

/** dns.lookup, refusing the whole name when any address it gives is not public. */
function publicLookup(hostname: string, options: LookupOptions, callback: LookupCallback): void {
  dnsLookup(hostname, { ...options, all: true }, (error, addresses) => {
    if (error !== null) return callback(error, [])
    for (const { address } of addresses) {
      const kind = nonPublicKindOf(address)
      if (kind !== null) return callback(new DestinationRefused(address, kind), [])
    }
    if (options.all === true) return callback(null, addresses)
    const first = addresses[0]
    if (first === undefined) return callback(new Error(`${hostname}: no address`), [])
    callback(null, first.address, first.family)
  })
}

export function postWebhook(post: WebhookPost): Promise<WebhookAnswer> {
  return new Promise((resolve, reject) => {
    let url: URL
    try {
      url = new URL(post.url)
    } catch {
      return reject(new Error(`not a URL: ${post.url}`))
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:')
      return reject(new Error(`not an http or https URL: ${post.url}`))
    // A literal address never goes through the lookup, so it is judged here.
    const host = url.hostname.replace(/^\[(.*)\]$/, '$1')
    if (post.publicOnly && isIP(host) !== 0) {
      const kind = nonPublicKindOf(host)
      if (kind !== null) return reject(new DestinationRefused(host, kind))
    }
    const send = url.protocol === 'https:' ? httpsRequest : httpRequest
    const request = send(
      url,
      {
        method: 'POST',
        headers: { ...post.headers, 'content-length': Buffer.byteLength(post.body) },
        signal: AbortSignal.timeout(post.timeoutMs),
        ...(post.publicOnly ? { lookup: publicLookup } : {}),
      },
      (response) => {
        const chunks: Buffer[] = []
        let bytes = 0
        const finish = (): void => {
          response.destroy()
          resolve({ statusCode: response.statusCode ?? 0, body: Buffer.concat(chunks) })
        }
        response.on('data', (chunk: Buffer) => {
          chunks.push(chunk)
          bytes += chunk.length
          if (bytes >= post.snippetBytesMax) finish()
        })
        response.on('end', finish)
        // An answer cut off half-way keeps what came.
        response.on('error', finish)
        response.on('aborted', finish)
      },
    )
    request.on('error', (error) =>
      reject(error.name === 'AbortError' ? new Error(`no answer in ${post.timeoutMs} ms`) : error),
    )
    request.end(post.body)
  })
}
