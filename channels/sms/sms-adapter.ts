/**
 * sms-adapter.ts - the SMS keyword channel between text and the payment core: an MO's text
 * becomes a command (SPEC section 4), the command's result becomes the reply text, in the MO's
 * language when it was Chinese, else the subscriber's. It knows nothing of SMPP: splitting,
 * coding and delivery are the channel's (sms-channel.ts). Exports SmsAdapter, SmsReply,
 * MobileOriginated, SmsAdapterOptions, SmsAdapterLimits, defaultSmsAdapterLimits, maskMoText.
 *
 * Contract for the caller:
 * - `moId` MUST be stable across an SMSC's retransmissions of one MO: it is the idempotency key,
 *   so the same id returns the first answer and moves no money twice.
 * - handleMo resolves for every text (refusals are replies). It rejects only when the payment
 *   service throws (the ledger failed, a bug): the MO was then not answered and the channel
 *   should let the SMSC retransmit it under the same id.
 * - The caller owns the returned replies and may send them in order, each to `reply.msisdn`.
 */
import type { FundingKind, Language } from '../../src/core/index.js'
import { isUnlogged, maskMsisdn, normalizeMsisdn } from '../../src/core/index.js'
import type { CommandPort } from '../../src/gateway/ports.js'
import { renderMessage } from '../../src/gateway/reply/index.js'
import type { Logger } from '../../src/service/log.js'
import { commandOfDraft } from './grammar/command-draft.js'
import type { ParsedMo } from './grammar/parse-mo.js'
import { parseMo } from './grammar/parse-mo.js'
import { helpText, partsLostText, refusalText, resultText } from './grammar/replies.js'

export { maskMoText } from './grammar/mask-mo.js'

export interface SmsAdapterLimits {
  /**
   * Numbers whose reply language is remembered, for texts sent without a command (a long MO
   * that lost parts). One entry per active subscriber is a few dozen bytes; the oldest is
   * forgotten first, and a forgotten number gets the text in both languages.
   */
  readonly languagesRememberedMax: number
}

export const defaultSmsAdapterLimits: SmsAdapterLimits = {
  languagesRememberedMax: 100_000,
}

export interface SmsAdapterOptions {
  /** Where commands go: the payment service's execute. */
  readonly service: CommandPort
  readonly log: Logger
  /** The number MOs are sent to (12588); named in logs. */
  readonly shortCode: string
  /**
   * The subscriber's language, for replies that run no command (help, a usage hint): e.g.
   * `(msisdn) => ledger.subscriber(msisdn).then((d) => d?.subscriber.language ?? null)`.
   * Without it such replies are English unless the MO was Chinese.
   */
  readonly languageOf?: (msisdn: string) => Promise<Language | null>
  readonly limits?: SmsAdapterLimits
  /** The account of a payment that names none (the operating model's; the wallet by default). */
  readonly defaultFunding?: FundingKind
}

/** A mobile-originated SMS as the channel decoded (and, if long, reassembled) it. */
export interface MobileOriginated {
  /** The sender, in any form normalizeMsisdn accepts. */
  readonly msisdn: string
  readonly text: string
  /** The channel's stable id of this MO: the idempotency key of its command. */
  readonly moId: string
  /** When the channel received it (for logs). */
  readonly receivedMs?: number
}

export interface SmsReply {
  /** The recipient in stored form (international digits, no prefix). */
  readonly msisdn: string
  readonly text: string
  /** Chinese replies go out as UCS-2. */
  readonly language: Language
}

export class SmsAdapter {
  readonly shortCode: string
  private readonly limits: SmsAdapterLimits
  /** Reply language by number, oldest first (Map keeps insertion order). */
  private readonly languages = new Map<string, Language>()

  constructor(private readonly options: SmsAdapterOptions) {
    this.shortCode = options.shortCode
    this.limits = options.limits ?? defaultSmsAdapterLimits
  }

  /** Runs one MO and answers it; see the contract at the top of this file. */
  async handleMo(mo: MobileOriginated): Promise<SmsReply[]> {
    const msisdn = normalizeMsisdn(mo.msisdn)
    if (msisdn === null) {
      // Not a subscriber's number (a test SMSC's "456", a short code, an alphanumeric sender):
      // no account can be behind it, but every MO an operator delivers gets an answer, so the
      // sender is told what an unregistered number is told, and nothing runs.
      this.options.log.warn('sms mo from a number that is no MSISDN', {
        moId: mo.moId,
        to: this.shortCode,
        length: mo.text.length,
      })
      if (mo.msisdn.trim() === '') return []
      const language = parseMo(mo.text, this.options.defaultFunding).language ?? 'en'
      return [
        {
          msisdn: mo.msisdn,
          text: renderMessage({ key: 'refusal.payer_not_registered', params: {} }, language),
          language,
        },
      ]
    }
    const parsed = parseMo(mo.text, this.options.defaultFunding)
    // The text itself may carry a PIN: only its length and the keyword are logged.
    this.options.log.info('sms mo', {
      moId: mo.moId,
      msisdn: maskMsisdn(msisdn),
      to: this.shortCode,
      keyword: logKeyword(parsed),
      language: parsed.language ?? undefined,
      length: mo.text.length,
      receivedMs: mo.receivedMs,
    })
    if (mo.moId === '')
      this.options.log.warn('sms mo without an id: its command is not idempotent', {
        msisdn: maskMsisdn(msisdn),
      })
    const reply = await this.answer(msisdn, mo.moId, parsed)
    this.remember(msisdn, reply.language)
    return [reply]
  }

  /**
   * Whether the text asks for something that changes state (a payment, a confirmation, a PIN
   * change): what a retransmission must not run twice. Reads and unreadable texts do not.
   */
  acts(text: string): boolean {
    const parsed = parseMo(text, this.options.defaultFunding)
    return parsed.kind === 'command' && !isUnlogged(commandOfDraft(parsed.draft, ''))
  }

  /** The lost-parts request for a number, in its last reply language if known. */
  partsLostText(msisdn: string): string {
    const normalized = normalizeMsisdn(msisdn)
    return partsLostText(normalized === null ? null : (this.languages.get(normalized) ?? null))
  }

  private async answer(msisdn: string, moId: string, parsed: ParsedMo): Promise<SmsReply> {
    if (parsed.kind === 'command') {
      const result = await this.options.service.execute({
        key: moId === '' ? null : moId,
        channel: 'sms',
        command: commandOfDraft(parsed.draft, msisdn),
        pin: parsed.pin,
        newPin: parsed.newPin,
      })
      // A refusal made before the core knew the subscriber (a bad new PIN, a full queue) comes
      // in English: look the subscriber's language up then, rare enough to cost nothing.
      const language =
        parsed.language ??
        (result.ok ? result.language : ((await this.lookUpLanguage(msisdn)) ?? result.language))
      return { msisdn, text: resultText(result, language), language }
    }
    const language = parsed.language ?? (await this.subscriberLanguage(msisdn))
    const text =
      parsed.kind === 'help'
        ? helpText(parsed.topic, language)
        : refusalText(parsed.refusal, language)
    return { msisdn, text, language }
  }

  private async subscriberLanguage(msisdn: string): Promise<Language> {
    return (await this.lookUpLanguage(msisdn)) ?? this.languages.get(msisdn) ?? 'en'
  }

  private async lookUpLanguage(msisdn: string): Promise<Language | null> {
    return this.options.languageOf === undefined ? null : this.options.languageOf(msisdn)
  }

  private remember(msisdn: string, language: Language): void {
    this.languages.delete(msisdn)
    this.languages.set(msisdn, language)
    if (this.languages.size <= this.limits.languagesRememberedMax) return
    const oldest = this.languages.keys().next()
    if (oldest.done !== true) this.languages.delete(oldest.value)
  }
}

/** What the log says the MO was: its keyword, or why it could not be read. */
function logKeyword(parsed: ParsedMo): string {
  switch (parsed.kind) {
    case 'command':
      return parsed.keyword
    case 'help':
      return 'help'
    case 'refusal':
      return parsed.refusal.reason === 'unknown_keyword'
        ? 'unknown'
        : `${parsed.refusal.keyword}:${parsed.refusal.reason}`
  }
}
