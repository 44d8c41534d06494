/**
 * walks.ts - what one USSD session of the benchmark does: dial *123#, then 2 (Pay merchant),
 * the merchant code, the amount, the account (1 wallet, 2 phone bill) and the confirmation (the
 * PIN for the wallet, 1 Confirm for the phone bill), six hops ending in END; drawn from a seeded
 * generator so both sides and every run send the same requests. Also the form body of a hop as
 * Africa's Talking posts it, what telepay must answer at each hop, and the request's shape key
 * the bare baseline answers by. Exports WalkKind, Walk, WalkSource, hopTexts, hopForm,
 * expectedScreen, shapeOf, benchServiceCode, benchNetworkCode.
 */
import { formatAmount } from '../../../core/index.js'
import { benchMerchantCodes, seededRandom } from '../bench-world.js'
import { benchPin } from '../sms/flows.js'

export const walkKinds = ['phone_bill_pay', 'wallet_pay'] as const
export type WalkKind = (typeof walkKinds)[number]

export interface Walk {
  readonly kind: WalkKind
  readonly merchantCode: string
  /** What the payment moves, in fen. */
  readonly amountMinor: bigint
  /** What the user types after the dial, one entry per hop after the first. */
  readonly inputs: readonly string[]
}

export const benchServiceCode = '*123#'
/** Africa's Talking sends the MCC+MNC of the subscriber's network; the channel ignores it. */
export const benchNetworkCode = '46000'

/**
 * Amounts as the SMS bench's (0.10 to 1.99 on the phone bill, 0.50 to 9.99 from the wallet):
 * always four characters, so every walk of a kind has screens of nearly the same length, and
 * small enough that no run of minutes meets a limit or an empty account.
 */
const phoneBillAmountMinor = { least: 10, span: 190 } as const
const walletAmountMinor = { least: 50, span: 950 } as const

/** One session slot's walks, in the same order on every side for the same seed. */
export class WalkSource {
  private readonly random: () => number

  constructor(
    seed: number,
    private readonly walletShare: number,
  ) {
    this.random = seededRandom(seed)
  }

  next(): Walk {
    const wallet = this.random() < this.walletShare
    const merchantCode =
      benchMerchantCodes[Math.floor(this.random() * benchMerchantCodes.length)] ?? '1001'
    const range = wallet ? walletAmountMinor : phoneBillAmountMinor
    const amountMinor = BigInt(range.least + Math.floor(this.random() * range.span))
    const inputs = wallet
      ? ['2', merchantCode, formatAmount(amountMinor), '1', benchPin]
      : ['2', merchantCode, formatAmount(amountMinor), '2', '1']
    return { kind: wallet ? 'wallet_pay' : 'phone_bill_pay', merchantCode, amountMinor, inputs }
  }
}

/** The accumulated `text` of each hop: '' for the dial, then the inputs so far joined by `*`. */
export function hopTexts(walk: Walk): string[] {
  return Array.from({ length: walk.inputs.length + 1 }, (_, hop) =>
    walk.inputs.slice(0, hop).join('*'),
  )
}

/** The urlencoded body Africa's Talking posts for one hop. */
export function hopForm(sessionId: string, msisdn: string, text: string): string {
  return new URLSearchParams({
    sessionId,
    serviceCode: benchServiceCode,
    phoneNumber: `+${msisdn}`,
    networkCode: benchNetworkCode,
    text,
  }).toString()
}

/**
 * Whether telepay's answer to hop `hop` of the walk is the right screen (the bench world speaks
 * English): the main menu, the merchant code prompt, the amount prompt, the account choice, the
 * confirmation (PIN or Confirm), and the END saying the payment was made for its amount.
 */
export function expectedScreen(walk: Walk, hop: number, body: string): boolean {
  const amount = formatAmount(walk.amountMinor)
  switch (hop) {
    case 0:
      return body.startsWith('CON telepay\n') && body.includes('\n2 Pay merchant')
    case 1:
      return body === 'CON Enter the merchant code'
    case 2:
      return body.startsWith(`CON Pay merchant ${walk.merchantCode}\n`)
    case 3:
      return body.startsWith(`CON Pay CNY ${amount} to merchant ${walk.merchantCode} from:`)
    case 4:
      // The payee is named by code ("merchant 1001") or, once the core was asked, by name.
      return walk.kind === 'wallet_pay'
        ? body.startsWith(`CON Pay CNY ${amount} to `) &&
            body.includes(' from your wallet.') &&
            body.includes('PIN')
        : body.startsWith(`CON Pay CNY ${amount} to `) && body.includes(' on your phone bill?')
    case 5:
      return body.startsWith(`END Paid CNY ${amount} to `)
    default:
      return false
  }
}

/**
 * The shape of a request, from its accumulated text alone: how many inputs it carries and, from
 * the fourth on, which account was chosen (the screens differ by account). The bare baseline
 * answers each shape with a text as long as telepay's answer to it.
 */
export function shapeOf(text: string): string {
  if (text === '') return '0'
  const inputs = text.split('*')
  return inputs.length < 4 ? String(inputs.length) : `${inputs.length}:${inputs[3] ?? ''}`
}
