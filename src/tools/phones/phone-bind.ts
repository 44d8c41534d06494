/**
 * phone-bind.ts - what the fake phones share: one transceiver bind to an SMSC that does not
 * reconnect (a test must see a dropped bind, not a quiet rebind), binding within a deadline, the
 * text of a refused submit_sm, and a mailbox per MSISDN of what telepay sent to the phones.
 * Exports PhoneBindOptions, openPhoneBind, bindPhone, refusalOf, Mailbox.
 */
import type { SmppClient, SubmitResult } from '../../bearer/smpp/client.js'
import { createSmppClient } from '../../bearer/smpp/client.js'
import type { SmppLimits } from '../../bearer/smpp/limits.js'
import type { Pdu } from '../../bearer/smpp/pdu.js'

export interface PhoneBindOptions {
  readonly host: string
  readonly port: number
  readonly systemId?: string
  readonly password?: string
  readonly limits?: Partial<SmppLimits>
}

/**
 * A transceiver bind as `telepay`/`telepay` unless told otherwise; `name` labels its logs, and
 * `onDeliver` answers each deliver_sm with the command_status it returns.
 */
export function openPhoneBind(
  options: PhoneBindOptions,
  name: string,
  onDeliver: (pdu: Pdu) => number,
): SmppClient {
  return createSmppClient({
    host: options.host,
    port: options.port,
    systemId: options.systemId ?? 'telepay',
    password: options.password ?? 'telepay',
    mode: 'transceiver',
    reconnect: false,
    name,
    ...(options.limits === undefined ? {} : { limits: options.limits }),
    onDeliver: async (pdu) => ({ status: onDeliver(pdu) }),
  })
}

/** Binds; resolves with an error text when the SMSC refuses or does not answer. */
export async function bindPhone(client: SmppClient, timeoutMs: number): Promise<string | null> {
  const ready = await client.whenReady(timeoutMs)
  return ready.ok ? null : `${ready.reason}: ${ready.detail}`
}

/** Why a submit_sm did not go through, as the phones report it. */
export function refusalOf(result: Exclude<SubmitResult, { readonly ok: true }>): string {
  return result.reason === 'status'
    ? `refused with status 0x${result.status.toString(16)}`
    : `${result.reason}: ${result.detail}`
}

/** Items per key (an MSISDN), taken in arrival order; a taker may wait for the next one. */
export class Mailbox<T> {
  private readonly items = new Map<string, T[]>()
  private readonly waiters = new Map<string, ((item: T) => void)[]>()

  put(key: string, item: T): void {
    const waiter = this.waiters.get(key)?.shift()
    if (waiter !== undefined) {
      waiter(item)
      return
    }
    const list = this.items.get(key) ?? []
    list.push(item)
    this.items.set(key, list)
  }

  /** The next item for `key` not yet taken, waiting up to `timeoutMs`; null when none came. */
  next(key: string, timeoutMs: number): Promise<T | null> {
    const first = this.items.get(key)?.shift()
    if (first !== undefined) return Promise.resolve(first)
    return new Promise((resolve) => {
      const waiter = (item: T): void => {
        clearTimeout(timer)
        resolve(item)
      }
      const timer = setTimeout(() => {
        this.waiters.set(
          key,
          (this.waiters.get(key) ?? []).filter((candidate) => candidate !== waiter),
        )
        resolve(null)
      }, timeoutMs)
      this.waiters.set(key, [...(this.waiters.get(key) ?? []), waiter])
    })
  }

  /** Items received but not taken yet, for every key. */
  count(): number {
    let total = 0
    for (const list of this.items.values()) total += list.length
    return total
  }
}
