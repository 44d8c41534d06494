/**
 * bare-express.ts - the USSD benchmark's baseline: a bare express app whose `POST /ussd` parses
 * the same Africa's Talking form as telepay's route (express.urlencoded, the same body limit),
 * checks its fields are strings and answers text/plain `CON ` and a filler as long as telepay's
 * answer to a request of the same shape (walks.ts shapeOf; the lengths come from probe walks
 * against telepay in the same run). No session, no menu, no core, no database: whatever telepay
 * does beyond this is what the ratio prices. Exports startBareExpress and BareExpress.
 */
import type { Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import type { Request, Response } from 'express'
import express from 'express'
import { defaultUssdLimits } from '../../../../channels/ussd/limits.js'
import { shapeOf } from './walks.js'

export interface BareExpress {
  readonly url: string
  /** Requests answered CON; requests refused for a missing field (the load generator sent junk). */
  readonly counters: { answered: number; refused: number }
  close(): Promise<void>
}

const formFields = ['sessionId', 'serviceCode', 'phoneNumber', 'networkCode', 'text'] as const

/**
 * `lengthOf(shape)` is the length of telepay's whole answer (`CON ` or `END ` and the screen)
 * to a request of that shape; the baseline answers `CON ` and that many characters less four.
 */
export async function startBareExpress(
  host: string,
  lengthOf: (shape: string) => number,
): Promise<BareExpress> {
  const counters = { answered: 0, refused: 0 }
  const app = express()
  app.disable('x-powered-by')
  const fillers = new Map<number, string>()
  const fillerOf = (length: number): string => {
    let filler = fillers.get(length)
    if (filler === undefined) {
      filler = 'x'.repeat(Math.max(0, length - 4))
      fillers.set(length, filler)
    }
    return filler
  }
  app.post(
    '/ussd',
    express.urlencoded({ extended: false, limit: defaultUssdLimits.requestBodyBytesMax }),
    (request: Request, response: Response) => {
      const form = (request.body ?? {}) as Record<string, unknown>
      if (!formFields.every((name) => typeof form[name] === 'string')) {
        counters.refused += 1
        response.status(400).type('text/plain').send('Bad request')
        return
      }
      counters.answered += 1
      response
        .status(200)
        .type('text/plain')
        .send(`CON ${fillerOf(lengthOf(shapeOf(form['text'] as string)))}`)
    },
  )
  const server = await new Promise<Server>((resolve, reject) => {
    const listening = app.listen(0, host, () => resolve(listening))
    listening.once('error', reject)
  })
  const address = server.address() as AddressInfo
  return {
    url: `http://${host}:${address.port}`,
    counters,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve())
        server.closeAllConnections()
      }),
  }
}
