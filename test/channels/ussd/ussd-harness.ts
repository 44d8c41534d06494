/**
 * ussd-harness.ts - the USSD channel over real HTTP on loopback, in front of a real test gateway
 * (its ledger, payment service, simulated bank, SMSC simulator and admin API), with the menu
 * engine and limits a test chooses: the channel's own router on its own port, so the fake
 * engine of fake-engine.ts can stand in for the menu data. Also: Africa's Talking and Hubtel
 * clients as a provider would call.
 */
import type { Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { join } from 'node:path'
import express from 'express'
import type { UssdEngine } from '../../../channels/ussd/contract.js'
import type { RunningUssdChannel } from '../../../channels/ussd/index.js'
import { startUssdChannel } from '../../../channels/ussd/index.js'
import type { UssdLimits } from '../../../channels/ussd/limits.js'
import { createChannelContext } from '../../../src/gateway/context.js'
import type { Logger } from '../../../src/service/log.js'
import { silentLogger } from '../../../src/service/log.js'
import type { FixtureOptions, GatewayFixture } from '../../support/gateway-fixture.js'
import { startTestGateway } from '../../support/gateway-fixture.js'
import { fakeEngine } from './fake-engine.js'

export interface UssdHarness {
  readonly gw: GatewayFixture
  /** Where the channel's router listens (POST /ussd, POST /ussd/hubtel). */
  readonly url: string
  readonly channel: RunningUssdChannel
  /** Moves the gateway's test clock, runs its sweeps and the channel's. */
  advance(seconds: number): Promise<void>
  close(): Promise<void>
}

export interface HarnessOptions {
  readonly engine?: UssdEngine
  readonly limits?: Partial<UssdLimits>
  readonly log?: Logger
  readonly gateway?: FixtureOptions
}

export async function startUssdHarness(options: HarnessOptions = {}): Promise<UssdHarness> {
  const gw = await startTestGateway(options.gateway ?? {})
  const context = gw.gateway.context
  const sms = gw.gateway.sms
  const channel = await startUssdChannel(
    options.limits === undefined ? {} : { ussdLimits: options.limits },
    createChannelContext({
      commands: context.service,
      ledger: context.ledger,
      dataDir: join(gw.dir, 'harness'),
      clock: context.clock,
      log: options.log ?? silentLogger,
      metrics: context.metrics,
      ...(sms === null
        ? {}
        : {
            notify: async (msisdn: string, text: string) =>
              (await sms.channel.sendText(msisdn, text)).ok,
          }),
    }),
    { engine: options.engine ?? fakeEngine() },
  )
  const app = express()
  app.use(express.json())
  app.use(channel.router)
  const server = await new Promise<Server>((resolve) => {
    const listening = app.listen(0, '127.0.0.1', () => resolve(listening))
  })
  const { port } = server.address() as AddressInfo
  return {
    gw,
    channel,
    url: `http://127.0.0.1:${port}`,
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

export interface AtAnswer {
  readonly status: number
  readonly contentType: string
  readonly body: string
}

/** One Africa's Talking callback, form-encoded. */
export async function postAt(
  url: string,
  form: Readonly<Record<string, string>>,
): Promise<AtAnswer> {
  const response = await fetch(`${url}/ussd`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams(form).toString(),
  })
  return {
    status: response.status,
    contentType: response.headers.get('content-type') ?? '',
    body: await response.text(),
  }
}

/** An Africa's Talking session as a phone drives it: `text` accumulates every input with `*`. */
export class AtPhone {
  private readonly inputs: string[] = []

  constructor(
    private readonly url: string,
    readonly msisdn: string,
    readonly sessionId: string,
    private readonly serviceCode = '*123#',
  ) {}

  get text(): string {
    return this.inputs.join('*')
  }

  /** The first hop; `prefilled` is a shortcut's text on the first hop. */
  dial(prefilled = ''): Promise<string> {
    if (prefilled !== '') this.inputs.push(prefilled)
    return this.send()
  }

  type(input: string): Promise<string> {
    this.inputs.push(input)
    return this.send()
  }

  /** Sends the current text again, as a provider's retry does. */
  async send(): Promise<string> {
    const answer = await postAt(this.url, {
      sessionId: this.sessionId,
      serviceCode: this.serviceCode,
      phoneNumber: `+${this.msisdn}`,
      networkCode: '46000',
      text: this.text,
    })
    if (answer.status !== 200) throw new Error(`POST /ussd: ${answer.status} ${answer.body}`)
    return answer.body
  }
}

/** One Hubtel callback. */
export async function postHubtel(
  url: string,
  body: unknown,
): Promise<{ status: number; json: any }> {
  const response = await fetch(`${url}/ussd/hubtel`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  })
  return { status: response.status, json: await response.json() }
}
