/**
 * operations-paths.ts - the calls for whoever runs the gateway (src/http/app.ts): readiness for
 * load balancers, the Prometheus metrics, and this API document itself. Exports
 * operationsPaths.
 */
import { adminAuth, answer, open, shared } from './responses.js'
import { errorBody, ref } from './schemas.js'
import type { PathItem } from './types.js'

const tags = ['Operations']

export const operationsPaths: Readonly<Record<string, PathItem>> = {
  '/healthz': {
    get: {
      operationId: 'getHealth',
      summary: 'Is the gateway ready?',
      description:
        'Open without a token, for load balancers and supervisors: the store and each channel.',
      tags,
      security: open,
      responses: {
        '200': answer('Ready.', ref('Health')),
        '503': {
          description: 'Not ready (the store or a channel), or stopping.',
          content: {
            'application/json': {
              schema: {
                oneOf: [ref('Health'), errorBody(['system_busy'])],
              },
            },
          },
        },
      },
    },
  },
  '/metrics': {
    get: {
      operationId: 'getMetrics',
      summary: 'Read the Prometheus metrics',
      description:
        'Commands by channel, kind and result, latencies, queue depth, SMPP binds and PDUs, SMS ' +
        "in and out, and the process's own (docs/apis.md lists them).",
      tags,
      security: adminAuth,
      responses: {
        '200': {
          description: 'The Prometheus text exposition format.',
          content: { 'text/plain': { schema: { type: 'string' } } },
        },
        '401': shared('Unauthorized', 'No admin token, or not the configured one.'),
        '403': shared('Forbidden'),
        '503': shared('Busy'),
      },
    },
  },
  '/api/openapi.json': {
    get: {
      operationId: 'getOpenApiDocument',
      summary: 'Read this API document',
      description: 'OpenAPI 3.1, open without a token: the page /docs is rendered from it.',
      tags,
      security: open,
      responses: {
        '200': answer('The document.', {
          type: 'object',
          required: ['openapi', 'info', 'paths', 'components'],
          properties: {
            openapi: { const: '3.1.0' },
            info: { type: 'object' },
            paths: { type: 'object' },
            components: { type: 'object' },
          },
        }),
        '503': shared('Busy'),
      },
    },
  },
}
