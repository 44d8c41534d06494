/**
 * onsite-paths.ts - the on-site payment calls for the OpenAPI document: the terminals' own
 * (src/http/clearing-api.ts: a batch upload and the blacklist, signed by the terminal) and the
 * operator's (src/http/admin-onsite.ts: the day's clearing, the float's reconciliation, a card,
 * the blacklist). Exports onsitePaths.
 */
import {
  adminAuth,
  answer,
  bodyRefusals,
  csvAnswer,
  dateParameter,
  jsonContent,
  pathParameter,
  refusal,
  shared,
} from './responses.js'
import { ref } from './schemas.js'
import type { PathItem } from './types.js'

const terminalTags = ['Terminals']
const adminTags = ['Admin API']
const terminalAuth = [{ terminalSignature: [] }] as const

const adminCommon = {
  '401': shared('Unauthorized', 'No admin token, or not the configured one.'),
  '403': shared('Forbidden'),
  '503': shared('Busy'),
} as const

const terminalParameter = pathParameter(
  'id',
  'The terminal: its name (`BUS00001`) or its 12-digit terminal id.',
  'BUS00001',
)
const cardParameter = pathParameter(
  'card',
  "The card: its 20 digits, or its subscriber's MSISDN.",
  '8613800138000',
)

const unsigned = refusal('No X-Telepay-Signature, or not the terminal’s.', [
  'signature_required',
  'signature_invalid',
])
const noTerminal = refusal('No such terminal.', ['terminal_not_found'])
const pathUnreadable = refusal('The path does not decode.', ['request_unreadable'])

const batchExample = [
  '{"batchNo":"1-1","terminalId":"300100000001","records":1}',
  '{"terminalSerial":1,"cardNumber":"86010008613800138001","cardSerial":0,"type":6,' +
    '"amountFen":200,"balanceAfterFen":800,"date":"20261207","time":"081500","tac":"3A9F0C12",' +
    '"keyVersion":1}',
  '',
].join('\n')

export const onsitePaths: Readonly<Record<string, PathItem>> = {
  '/api/v1/terminals/{id}/batches': {
    post: {
      operationId: 'uploadTerminalBatch',
      summary: "Clear a terminal's batch of offline purchases",
      description:
        'A batch file of JSON lines: a header `{ batchNo, terminalId, records }`, then one ' +
        'purchase record a line as the terminal keeps it. Signed by the terminal: ' +
        '`X-Telepay-Signature: sha256=<hex>`, the HMAC-SHA256 of the bytes under its upload key. ' +
        "Each record's TAC is recomputed (a forged one is refused), each purchase is posted at " +
        'most once from the e-purse float to the merchant, and the serials the batch leaves ' +
        'missing are reported. The same batch again gets the same answer and posts nothing.',
      tags: terminalTags,
      security: terminalAuth,
      parameters: [terminalParameter],
      requestBody: {
        required: true,
        content: {
          'application/x-ndjson': {
            schema: { type: 'string', description: 'The batch file.' },
            example: batchExample,
          },
        },
      },
      responses: {
        '200': answer('How the batch cleared.', ref('ClearingAnswer')),
        '400': refusal('The file does not parse, names another terminal, or the path.', [
          'line_invalid',
          'header_invalid',
          'record_invalid',
          'batch_too_large',
          'terminal_mismatch',
          'request_unreadable',
        ]),
        '401': unsigned,
        '404': noTerminal,
        '409': refusal('This batch number came before with other records.', [
          'batch_number_reused',
        ]),
        '415': refusal('Not `application/x-ndjson`.', ['content_type_invalid']),
        '503': shared('Busy'),
      },
    },
  },
  '/api/v1/terminals/{id}/blacklist': {
    get: {
      operationId: 'getTerminalBlacklist',
      summary: 'Read the cards a terminal must block',
      description: 'Signed over the path: the HMAC-SHA256 of `/api/v1/terminals/<id>/blacklist`.',
      tags: terminalTags,
      security: terminalAuth,
      parameters: [terminalParameter],
      responses: {
        '200': answer('The blacklist.', ref('TerminalBlacklist')),
        '400': pathUnreadable,
        '401': unsigned,
        '404': noTerminal,
        '503': shared('Busy'),
      },
    },
  },
  '/admin/api/clearing': {
    get: {
      operationId: 'getClearingReport',
      summary: "Read a day's clearing per merchant and terminal",
      tags: adminTags,
      security: adminAuth,
      parameters: [dateParameter],
      responses: {
        '200': answer('The day’s clearing.', ref('ClearingReport')),
        '400': refusal('No date, or not YYYY-MM-DD.', ['date_invalid']),
        ...adminCommon,
      },
    },
  },
  '/admin/api/clearing.csv': {
    get: {
      operationId: 'getClearingReportCsv',
      summary: "Download a day's clearing as CSV",
      tags: adminTags,
      security: adminAuth,
      parameters: [dateParameter],
      responses: {
        '200': csvAnswer(
          'An attachment, `telepay-clearing-<date>.csv`.',
          'date,merchant,terminal_id,purchases,amount,fee,net',
        ),
        '400': refusal('No date, or not YYYY-MM-DD.', ['date_invalid']),
        ...adminCommon,
      },
    },
  },
  '/admin/api/purses/reconciliation': {
    get: {
      operationId: 'getPurseReconciliation',
      summary: 'Reconcile the e-purse float with the purses',
      description:
        'The float must equal the cards’ balances as the platform knows them plus the loads on ' +
        'their way to cards.',
      tags: adminTags,
      security: adminAuth,
      responses: {
        '200': answer('The reconciliation.', ref('PurseReconciliation')),
        ...adminCommon,
      },
    },
  },
  '/admin/api/cards/{card}': {
    get: {
      operationId: 'getCardPurse',
      summary: "Read a card's purse and its latest cleared purchases",
      tags: adminTags,
      security: adminAuth,
      parameters: [cardParameter],
      responses: {
        '200': answer('The purse.', ref('CardPurse')),
        '400': refusal('Not a card number or an MSISDN.', ['card_invalid', 'request_unreadable']),
        ...adminCommon,
      },
    },
  },
  '/admin/api/card-loads': {
    get: {
      operationId: 'listCardLoads',
      summary: 'List the top-ups on their way to cards over the air',
      description:
        'The oldest first, at most 200. `creditSent`: a CREDIT FOR LOAD went to the SIM, so the ' +
        'money may be on the card; such a load is never refunded by itself.',
      tags: adminTags,
      security: adminAuth,
      responses: {
        '200': answer('The open loads.', ref('CardLoads')),
        ...adminCommon,
      },
    },
  },
  '/admin/api/card-loads/{payment}/close': {
    post: {
      operationId: 'closeCardLoad',
      summary: 'Close a top-up the SIM no longer answers for',
      description:
        'For a SIM lost or destroyed: `loaded` when the card, read at a ticket office, shows the ' +
        'load (its online serial, its log); `refunded` when it shows none, which pays the money ' +
        'back to the account it came from. Once: a proof of receipt arriving later changes ' +
        'nothing.',
      tags: adminTags,
      security: adminAuth,
      parameters: [
        {
          name: 'payment',
          in: 'path',
          required: true,
          description: 'The top-up’s payment id.',
          schema: { type: 'string' },
        },
      ],
      requestBody: {
        required: true,
        content: jsonContent(
          {
            type: 'object',
            required: ['outcome', 'reason'],
            properties: {
              outcome: { type: 'string', enum: ['loaded', 'refunded'] },
              reason: { type: 'string', minLength: 1, maxLength: 200 },
            },
          },
          { outcome: 'loaded', reason: 'read at the office: online serial 3, the load in its log' },
        ),
      },
      responses: {
        '200': answer('The load, closed.', ref('CardLoad')),
        '400': refusal('No outcome, or no reason.', [
          ...bodyRefusals,
          'outcome_invalid',
          'reason_invalid',
        ]),
        ...adminCommon,
        '403': shared('ForbiddenOrCsrf'),
        '404': refusal('No top-up over the air has this payment id.', ['load_not_found']),
        '409': refusal('The top-up has already ended.', ['load_closed']),
        '413': shared('BodyTooLarge'),
        '415': shared('Unreadable'),
      },
    },
  },
  '/admin/api/blacklist': {
    get: {
      operationId: 'getBlacklist',
      summary: 'Read the blacklist',
      tags: adminTags,
      security: adminAuth,
      responses: {
        '200': answer('The cards listed.', ref('Blacklist')),
        ...adminCommon,
      },
    },
  },
  '/admin/api/cards/{card}/blacklist': {
    put: {
      operationId: 'setCardBlacklisted',
      summary: 'Put a card on the blacklist, or take it off',
      description:
        'Terminals take the list at their next upload and block a listed card at its next tap; ' +
        'a listed card takes no top-up.',
      tags: adminTags,
      security: adminAuth,
      parameters: [cardParameter],
      requestBody: {
        required: true,
        content: jsonContent(
          { type: 'object', required: ['listed'], properties: { listed: { type: 'boolean' } } },
          { listed: true },
        ),
      },
      responses: {
        '200': answer('The card’s place on the list now.', ref('BlacklistChange')),
        '400': refusal('Not a card, or `listed` is not a boolean.', [
          ...bodyRefusals,
          'card_invalid',
          'listed_invalid',
        ]),
        ...adminCommon,
        '403': shared('ForbiddenOrCsrf'),
        '413': shared('BodyTooLarge'),
        '415': shared('Unreadable'),
        '422': refusal('A card the platform did not issue.', ['payer_not_registered']),
      },
    },
  },
}
