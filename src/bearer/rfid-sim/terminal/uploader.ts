/**
 * uploader.ts - what a terminal does when it is online for a moment (the depot at night, the
 * shop's till on its line): it uploads the records it keeps to the platform's clearing as one
 * signed batch file, marks those the platform answered for, and takes the blacklist it must
 * enforce. Over real HTTP, as any terminal would. Exports uploadRecords, fetchBlacklist,
 * UploadOutcome.
 */
import { batchFileOf, signBatch } from '../../../gateway/clearing/batch-file.js'
import type { PurchaseRecord } from './record-store.js'

export interface UploadOutcome {
  readonly status: number
  /** The platform's answer (src/gateway/clearing/clearing-service.ts clearingAnswerJson). */
  readonly answer: Record<string, unknown>
}

/** The batch number of a run of records: the same records always make the same number. */
export function batchNoOf(records: readonly PurchaseRecord[]): string {
  const first = records[0]?.terminalSerial ?? 0
  const last = records.at(-1)?.terminalSerial ?? 0
  return `${first}-${last}`
}

export async function uploadRecords(input: {
  readonly gatewayUrl: string
  readonly name: string
  readonly terminalId: string
  readonly key: Uint8Array
  readonly records: readonly PurchaseRecord[]
}): Promise<UploadOutcome> {
  const body = batchFileOf({
    batchNo: batchNoOf(input.records),
    terminalId: input.terminalId,
    records: input.records,
  })
  const response = await fetch(`${input.gatewayUrl}/api/v1/terminals/${input.name}/batches`, {
    method: 'POST',
    headers: {
      'content-type': 'application/x-ndjson',
      'x-telepay-signature': signBatch(body, input.key),
    },
    body,
    signal: AbortSignal.timeout(60_000),
  })
  return { status: response.status, answer: (await response.json()) as Record<string, unknown> }
}

export async function fetchBlacklist(input: {
  readonly gatewayUrl: string
  readonly name: string
  readonly key: Uint8Array
}): Promise<string[]> {
  const path = `/api/v1/terminals/${input.name}/blacklist`
  const response = await fetch(`${input.gatewayUrl}${path}`, {
    headers: { 'x-telepay-signature': signBatch(path, input.key) },
    signal: AbortSignal.timeout(10_000),
  })
  if (!response.ok) throw new Error(`blacklist: HTTP ${response.status}`)
  const { cards } = (await response.json()) as { cards: string[] }
  return cards
}
