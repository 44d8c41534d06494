/**
 * index.ts - starts the SMS channel on the SMS side of the SMPP bearer the gateway started
 * (src/bearer/start.ts: the SMSC simulator, or operator mode bound to an upstream SMSC). Both
 * modes feed one SmsChannel, which feeds one SmsAdapter; the core never knows which mode carried
 * a command, and the channel neither starts nor stops the bearer. The channel is the SMS route
 * (`route`) of the gateway's notices outbox (src/gateway/notices), and keeps there the replies it
 * cannot send; it records every whole MO and MT in the gateway's message log (`messages`).
 *
 * A graceful stop goes in steps the gateway calls in order: `stopAccepting` (new MOs are
 * refused with ESME_RTHROTTLED, so the SMSC sends them again later), `settle` (the MOs in flight
 * are answered and their replies sent or kept in the outbox), the gateway's outbox drain over the
 * SMS route, then `close` (the channel lets go of the bearer, which the gateway unbinds after).
 * Exports startSmsChannel, SmsChannelConfig, SmsChannelOptions, RunningSmsChannel.
 */
import type { InboundAnswer, InboundSm, SmsLink } from '../../src/bearer/contract.js'
import { smppStatus } from '../../src/bearer/smpp/constants.js'
import type { ChannelContext } from '../../src/gateway/context.js'
import type { MessageRecorder } from '../../src/gateway/handset/index.js'
import { InFlight } from '../../src/gateway/in-flight.js'
import type { NoticeRoute, ReplyKeeper } from '../../src/gateway/notices/index.js'
import { SqliteLastMoStore } from './last-mo-store.js'
import { defaultMoIdentityLimits } from './mo-identity.js'
import { SmsAdapter } from './sms-adapter.js'
import { SmsChannel } from './sms-channel.js'
import { smsRoute } from './sms-route.js'

/** What the channel reads of the configuration (config.ts): the short code. */
export interface SmsChannelConfig {
  readonly sms: { readonly shortCode: string }
}

export interface SmsChannelOptions {
  /** The SMS side of the SMPP bearer the gateway started. */
  readonly link: SmsLink
  /** Where replies that cannot be sent now are kept: the gateway's notices outbox. */
  readonly keep: ReplyKeeper
  /** The gateway's message log, where every whole MO and MT is recorded; absent: none. */
  readonly messages?: MessageRecorder | null
}

export interface RunningSmsChannel {
  readonly channel: SmsChannel
  /** The SMS route of the gateway's notices outbox. */
  readonly route: NoticeRoute
  ready(): boolean
  /** Stop, step 1: new MOs are refused (the SMSC retries them). */
  stopAccepting(): void
  /** Stop, step 2: resolves once the MOs in flight are answered and their replies sent or kept. */
  settle(): Promise<void>
  /** Gives up on long MOs whose parts never came and forgets MOs too old to come again. */
  sweep(): Promise<void>
  close(): Promise<void>
}

export function startSmsChannel(
  config: SmsChannelConfig,
  ctx: ChannelContext,
  options: SmsChannelOptions,
): RunningSmsChannel {
  const adapter = new SmsAdapter({
    service: ctx.commands,
    log: ctx.log,
    shortCode: config.sms.shortCode,
    languageOf: async (msisdn) => (await ctx.identify(msisdn))?.language ?? null,
    // A payment that names no account comes from the operating model's default.
    defaultFunding: ctx.accounts.defaultFunding,
  })
  const lastMos = new SqliteLastMoStore(
    ctx.workingFile('sms.sqlite'),
    defaultMoIdentityLimits.moFingerprintsMax,
    defaultMoIdentityLimits.lastMoFlushIntervalMs,
  )
  const channel = new SmsChannel({
    shortCode: config.sms.shortCode,
    adapter,
    clock: ctx.clock,
    log: ctx.log,
    metrics: ctx.metrics,
    receipts: true,
    keep: options.keep,
    messages: options.messages ?? null,
    lastMos,
    waitingOf: async (msisdn) => (await ctx.identify(msisdn))?.pendingPaymentId ?? null,
  })
  let accepting = true
  const inbound = new InFlight()
  // An MO counts as in flight until its afterResponse (which starts its replies) has run: both
  // transports always call it, a turn after the response.
  const onInbound = async (sm: InboundSm): Promise<InboundAnswer> => {
    if (!accepting) return { status: smppStatus.throttled, messageId: '', afterResponse: null }
    inbound.enter()
    let answer: InboundAnswer
    try {
      answer = await channel.receive(sm)
    } catch (error) {
      inbound.leave()
      throw error
    }
    const after = answer.afterResponse
    if (after === null) {
      inbound.leave()
      return answer
    }
    return {
      ...answer,
      afterResponse: () => {
        try {
          after()
        } finally {
          inbound.leave()
        }
      },
    }
  }
  channel.attach(options.link)
  options.link.attachSms(onInbound)
  return {
    channel,
    route: smsRoute(channel),
    ready: () => channel.ready(),
    stopAccepting() {
      accepting = false
    },
    async settle() {
      await inbound.idle()
      await channel.repliesSettled()
    },
    sweep() {
      channel.expireParts()
      channel.pruneIdentities()
      return Promise.resolve()
    },
    close() {
      accepting = false
      options.link.attachSms(null)
      lastMos.close()
      return Promise.resolve()
    },
  }
}
