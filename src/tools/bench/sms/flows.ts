/**
 * flows.ts - the message pattern of the SMS benchmark: what one subscriber does at a time (a
 * flow) and the MOs it sends, BAL alone, or PAY <merchant> <amount> P then YES (a phone-bill
 * micro-payment the SIM authorizes, no PIN), or PAY ... W then YES <PIN> (wallet, one scrypt),
 * drawn from a seeded generator so both sides and every run send the same texts. Also what
 * telepay's reply to each MO must say. Exports FlowKind, Flow, FlowStep, FlowSource, flowKinds,
 * replyMatches.
 */
import { formatAmount } from '../../../core/index.js'
import { benchMerchantCodes, seededRandom } from '../bench-world.js'

export const flowKinds = ['balance', 'phone_bill_pay', 'wallet_pay'] as const
export type FlowKind = (typeof flowKinds)[number]

/** What the reply to one MO must be. */
export type ReplyKind = 'balance' | 'confirm_ask' | 'paid'

export interface FlowStep {
  readonly text: string
  readonly reply: ReplyKind
}

export interface Flow {
  readonly kind: FlowKind
  /** What the payment moves, in fen; 0 for BAL. */
  readonly amountMinor: bigint
  readonly steps: readonly FlowStep[]
}

/** The PIN every bench subscriber has. */
export const benchPin = '1234'

/**
 * Amounts stay small (0.10 to 1.99 on the phone bill, 0.50 to 9.99 from the wallet): a
 * subscriber pays a few a minute, so no run of minutes meets a limit or an empty account and
 * every payment completes.
 */
const phoneBillAmountMinor = { least: 10, span: 190 } as const
const walletAmountMinor = { least: 50, span: 950 } as const

/** One driver's flows, in the same order on every side for the same seed. */
export class FlowSource {
  private readonly random: () => number

  constructor(
    seed: number,
    private readonly mix: { readonly balanceShare: number; readonly walletShare: number },
  ) {
    this.random = seededRandom(seed)
  }

  next(): Flow {
    const draw = this.random()
    const merchant =
      benchMerchantCodes[Math.floor(this.random() * benchMerchantCodes.length)] ?? '1001'
    if (draw < this.mix.balanceShare)
      return { kind: 'balance', amountMinor: 0n, steps: [{ text: 'BAL', reply: 'balance' }] }
    const wallet = draw < this.mix.balanceShare + this.mix.walletShare
    const range = wallet ? walletAmountMinor : phoneBillAmountMinor
    const amountMinor = BigInt(range.least + Math.floor(this.random() * range.span))
    const pay = `PAY ${merchant} ${formatAmount(amountMinor)} ${wallet ? 'W' : 'P'}`
    return {
      kind: wallet ? 'wallet_pay' : 'phone_bill_pay',
      amountMinor,
      steps: [
        { text: pay, reply: 'confirm_ask' },
        { text: wallet ? `YES ${benchPin}` : 'YES', reply: 'paid' },
      ],
    }
  }
}

/**
 * Whether telepay's English reply is the one the step expects (the bench world speaks English):
 * the balances, the question asking for YES, or the payment done for the flow's amount.
 */
export function replyMatches(step: FlowStep, flow: Flow, text: string): boolean {
  switch (step.reply) {
    case 'balance':
      return text.startsWith('Balance: ')
    case 'confirm_ask':
      return (
        text.startsWith(`Pay CNY ${formatAmount(flow.amountMinor)} to `) &&
        text.includes('Reply YES')
      )
    case 'paid':
      return text.startsWith(`Paid CNY ${formatAmount(flow.amountMinor)} to `)
  }
}
