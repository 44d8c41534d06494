/**
 * ivr-harness.ts - the IVR channel over real HTTP on loopback, in front of a real test gateway
 * (its ledger, payment service, simulated bank and admin API), with the call engine and limits a
 * test chooses: the channel's own router on its own port, so the fake engine of fake-engine.ts
 * can stand in for the scripts. Also: a simulation-API phone and a Twilio-like form poster.
 */
import type { Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { join } from 'node:path'
import express from 'express'
import type { IvrEngine } from '../../../channels/ivr/contract.js'
import type { IvrChannelOptions, RunningIvrChannel } from '../../../channels/ivr/index.js'
import { startIvrChannel } from '../../../channels/ivr/index.js'
import type { IvrLimits } from '../../../channels/ivr/limits.js'
import { createChannelContext } from '../../../src/gateway/context.js'
import type { Logger } from '../../../src/service/log.js'
import { silentLogger } from '../../../src/service/log.js'
import type { GatewayFixture, HttpAnswer } from '../../support/gateway-fixture.js'
import { httpRequest, startTestGateway } from '../../support/gateway-fixture.js'
import { fakeIvrEngine } from './fake-engine.js'

export interface IvrHarness {
  readonly gw: GatewayFixture
  /** Where the channel's router listens (/ivr/...), and /admin/api/calls without a token. */
  readonly url: string
  readonly channel: RunningIvrChannel
  readonly dataDir: string
  request(method: string, path: string, body?: unknown): Promise<HttpAnswer>
  /** Posts a form (TwiML webhooks, VoiceXML submits); `path` may carry a query. */
  form(
    path: string,
    fields: Readonly<Record<string, string>>,
  ): Promise<{ status: number; contentType: string; body: string }>
  /** Moves the gateway's test clock, runs its sweeps and the channel's. */
  advance(seconds: number): Promise<void>
  close(): Promise<void>
}

export interface HarnessOptions {
  readonly engine?: IvrEngine
  readonly limits?: Partial<IvrLimits>
  readonly log?: Logger
  readonly speechCommands?: IvrChannelOptions['speechCommands']
}

export async function startIvrHarness(options: HarnessOptions = {}): Promise<IvrHarness> {
  const gw = await startTestGateway()
  const context = gw.gateway.context
  const dataDir = join(gw.dir, 'harness')
  const channel = startIvrChannel(
    options.limits === undefined ? {} : { ivrLimits: options.limits },
    createChannelContext({
      commands: context.service,
      ledger: context.ledger,
      dataDir,
      clock: context.clock,
      log: options.log ?? silentLogger,
      metrics: context.metrics,
    }),
    {
      engine: options.engine ?? fakeIvrEngine(),
      ...(options.speechCommands === undefined ? {} : { speechCommands: options.speechCommands }),
    },
  )
  const app = express()
  app.use(express.json())
  app.use(channel.router)
  app.use('/admin/api/calls', channel.adminRouter)
  const server = await new Promise<Server>((resolve) => {
    const listening = app.listen(0, '127.0.0.1', () => resolve(listening))
  })
  const { port } = server.address() as AddressInfo
  const url = `http://127.0.0.1:${port}`
  return {
    gw,
    channel,
    url,
    dataDir,
    request: (method, path, body) =>
      httpRequest(url, method, path, body === undefined ? {} : { body }),
    async form(path, fields) {
      const response = await fetch(`${url}${path}`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams(fields).toString(),
      })
      return {
        status: response.status,
        contentType: response.headers.get('content-type') ?? '',
        body: await response.text(),
      }
    },
    async advance(seconds) {
      await gw.advance(seconds)
      await channel.sweep()
    },
    async close() {
      await new Promise<void>((resolve) => {
        server.close(() => resolve())
        server.closeAllConnections()
      })
      await channel.close()
      await gw.close()
    },
  }
}
