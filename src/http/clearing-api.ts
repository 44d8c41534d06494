/**
 * clearing-api.ts - the terminals' own calls (no merchant key: each terminal signs with its
 * upload key, HMAC-SHA256, X-Telepay-Signature: sha256=<hex>). POST
 * /api/v1/terminals/:id/batches takes a batch file (application/x-ndjson, src/gateway/clearing/
 * batch-file.ts) and answers how it cleared; GET /api/v1/terminals/:id/blacklist gives the cards
 * the terminal must block, signed over the request's path. Exports clearingApi, blacklistPath.
 */
import { timingSafeEqual } from 'node:crypto'
import type { NextFunction, Request, Response, Router } from 'express'
import express from 'express'
import { BatchFileError, parseBatchFile, signBatch } from '../gateway/clearing/batch-file.js'
import type { ClearingService, ClearingTerminal } from '../gateway/clearing/clearing-service.js'
import {
  ClearingError,
  clearingAnswerJson,
  clearingLimits,
} from '../gateway/clearing/clearing-service.js'
import { sendError } from '../gateway/http/json.js'
import type { KeyStore } from '../gateway/pboc/key-store.js'
import type { LedgerStore } from '../ledger/store.js'
import type { Logger } from '../service/log.js'

/** The bytes of an upload: recordsPerUploadMax records of about 160 bytes, with room. */
const batchBytesMax = 32 * 1024 * 1024

export interface ClearingApiDeps {
  readonly clearing: ClearingService
  readonly keys: KeyStore
  readonly ledger: LedgerStore
  readonly log: Logger
}

/** What a terminal signs to ask for its blacklist: the path itself. */
export function blacklistPath(terminal: string): string {
  return `/api/v1/terminals/${terminal}/blacklist`
}

function sameSignature(given: string | undefined, expected: string): boolean {
  if (given === undefined) return false
  const a = Buffer.from(given)
  const b = Buffer.from(expected)
  return a.length === b.length && timingSafeEqual(a, b)
}

export function clearingApi(deps: ClearingApiDeps): Router {
  const router = express.Router()

  /** The terminal the path names, its request signed under its key; else answered here. */
  const signed =
    (bytesOf: (request: Request) => Buffer | string) =>
    (request: Request, response: Response, next: NextFunction) => {
      const terminal = deps.clearing.terminal(String(request.params['id']))
      if (terminal === null)
        return sendError(response, 404, 'terminal_not_found', 'no such terminal')
      const signature = request.get('x-telepay-signature')
      if (signature === undefined)
        return sendError(
          response,
          401,
          'signature_required',
          'sign the request: X-Telepay-Signature',
        )
      const expected = signBatch(bytesOf(request), deps.keys.terminalKey(terminal.terminalId))
      if (!sameSignature(signature, expected)) {
        deps.log.warn('terminal request with a wrong signature', { terminal: terminal.name })
        return sendError(response, 401, 'signature_invalid', "the signature is not the terminal's")
      }
      response.locals['terminal'] = terminal
      next()
    }

  router.post(
    '/terminals/:id/batches',
    (request: Request, response: Response, next: NextFunction) => {
      if (!request.is('application/x-ndjson'))
        return sendError(
          response,
          415,
          'content_type_invalid',
          'a batch is a file of JSON lines: Content-Type application/x-ndjson',
        )
      next()
    },
    express.raw({ type: 'application/x-ndjson', limit: batchBytesMax }),
    signed((request) => (Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0))),
    async (request: Request, response: Response) => {
      const terminal = response.locals['terminal'] as ClearingTerminal
      try {
        const batch = parseBatchFile(
          (request.body as Buffer).toString('utf8'),
          clearingLimits.recordsPerUploadMax,
        )
        const answer = await deps.clearing.clear(terminal, batch)
        deps.log.info('clearing batch', {
          terminal: terminal.name,
          batchNo: batch.batchNo,
          records: answer.records,
          accepted: answer.accepted.length,
          duplicates: answer.duplicates.length,
          refused: answer.refused.length,
          clearedMinor: answer.clearedMinor,
        })
        response.status(200).json(clearingAnswerJson(answer))
      } catch (error) {
        if (error instanceof BatchFileError)
          return sendError(response, 400, error.code, error.message)
        if (error instanceof ClearingError)
          return sendError(response, error.status, error.code, error.message)
        throw error
      }
    },
  )

  router.get(
    '/terminals/:id/blacklist',
    signed((request) => blacklistPath(String(request.params['id']))),
    async (_request: Request, response: Response) => {
      const terminal = response.locals['terminal'] as ClearingTerminal
      const cards = await deps.ledger.blacklistedCards()
      response.json({ terminal: terminal.name, cards })
    },
  )

  return router
}
