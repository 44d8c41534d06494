/**
 * document.ts - the OpenAPI 3.1 document of the gateway's merchant and admin APIs, assembled
 * from the path files and the shared schemas and answers. Served at GET /api/openapi.json and
 * rendered as the page /docs; test/http/openapi.test.ts holds it to the routes the server
 * mounts and to the answers it really gives. Exports openApiDocument and apiTags.
 */
import { consoleCookieName, merchantCookieName } from '../../gateway/http/cookie-names.js'
import { adminPaths } from './admin-paths.js'
import { merchantPaths } from './merchant-paths.js'
import { onsitePaths } from './onsite-paths.js'
import { operationsPaths } from './operations-paths.js'
import { sharedResponses } from './responses.js'
import { schemas } from './schemas.js'
import type { OpenApiDocument, Tag } from './types.js'

/** The groups of operations, in the order the page shows them. */
export const apiTags: readonly Tag[] = [
  {
    name: 'Merchant API',
    description:
      'Payment requests to a subscriber, orders, refunds, delivery and the daily settlement; ' +
      "the merchant portal's reads (payments, sales, orders, webhook deliveries, the " +
      "settlement as CSV) and web checkouts; under /api/v1 with the merchant's API key " +
      "(`test_key_<code>` in the default world) or the portal's session.",
  },
  {
    name: 'Admin API',
    description:
      'Subscribers, merchants, orders, the world file, the ledger check, transactions, ' +
      'messages, the test clock and the simulated bank; the live overview, the SMSC ' +
      "simulator's binds and the merchants' webhooks; under /admin/api with the admin token " +
      "or the operator console's session.",
  },
  {
    name: 'Terminals',
    description:
      "On-site terminals' clearing uploads and blacklist under /api/v1/terminals, signed by the " +
      'terminal (HMAC-SHA256 under its upload key) instead of a token.',
  },
  {
    name: 'Operations',
    description: 'Readiness, metrics and this document.',
  },
]

const description = [
  "The web APIs on the gateway's HTTP port (docs/apis.md tells the same in prose).",
  '',
  "* Authenticate with `Authorization: Bearer <token>`: a merchant's API key for /api/v1, the " +
    'admin token for /admin/api and /metrics. The scheme is matched in any case.',
  "* The merchant portal's and the operator console's pages call the same APIs with their " +
    'session cookie (`telepay_merchant`, `telepay_console`) instead of a token; a call that ' +
    "changes something then sends the page's `X-CSRF-Token` (403 `csrf_invalid` without it).",
  '* Bodies are JSON objects sent as `application/json`; amounts are strings of yuan with at ' +
    'most two decimals (`"25.00"`), never numbers.',
  '* Every refusal is `{ "error": <code>, "message": <words> }`: 400 malformed input, 401 no or ' +
    "a bad token, 403 a session's change without its CSRF token (or the default admin token " +
    'off loopback), 404 not found, 409 a conflict, 422 a payment rule, 503 busy or stopping.',
  '* POSTs that change something take an `Idempotency-Key`: a retry with it gets the first ' +
    'answer.',
].join('\n')

export const openApiDocument: OpenApiDocument = {
  openapi: '3.1.0',
  jsonSchemaDialect: 'https://json-schema.org/draft/2020-12/schema',
  info: {
    title: 'telepay merchant and admin APIs',
    version: '1',
    summary: 'Mobile payments over SMS, USSD, voice and WAP: the web APIs.',
    description,
  },
  tags: apiTags,
  // Each operation names its own security; nothing is implied.
  security: [],
  paths: { ...merchantPaths, ...onsitePaths, ...adminPaths, ...operationsPaths },
  components: {
    securitySchemes: {
      merchantApiKey: {
        type: 'http',
        scheme: 'bearer',
        description: "The merchant's API key (`test_key_<code>` in the default world).",
      },
      adminToken: {
        type: 'http',
        scheme: 'bearer',
        description:
          'The admin token (configuration key `adminToken`; the default `test_admin_token` is ' +
          'taken from loopback only).',
      },
      terminalSignature: {
        type: 'apiKey',
        in: 'header',
        name: 'X-Telepay-Signature',
        description:
          '`sha256=<hex>`: the HMAC-SHA256 of the body (a GET: of the path) under the ' +
          "terminal's upload key (docs/channels/onsite.md).",
      },
      merchantSession: {
        type: 'apiKey',
        in: 'cookie',
        name: merchantCookieName,
        description:
          "The merchant portal's session (/merchant, logged in with the API key): a change " +
          "needs the page's `X-CSRF-Token` too.",
      },
      consoleSession: {
        type: 'apiKey',
        in: 'cookie',
        name: consoleCookieName,
        description:
          "The operator console's session (/console, logged in with the admin token): a change " +
          "needs the page's `X-CSRF-Token` too.",
      },
    },
    schemas,
    responses: sharedResponses,
  },
}
