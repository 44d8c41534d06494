/**
 * routes.ts - where a dial goes: the one table that sends a USSD dial string either to the
 * platform's own menus (`*123#` and its shortcuts) or to an external app, someone else's USSD
 * app that telepay serves at a URL in Africa's Talking's callback format (`ussd.externalApps`).
 * Every way in (Africa's Talking, Hubtel, USSD over SMPP) asks this table through UssdService,
 * so a code is served the same whichever way the phone reached us.
 *
 * Matching is by the dial's `*`-separated groups, longest code first: with `*384*2468#`
 * configured, `*384*2468#` is that app with an empty first `text`, and `*384*2468*1*2#` is that
 * app with `1*2` prefilled (a shortcut, as Safaricom and Africa's Talking's tutorials carry it);
 * `*384*24689#` is another code. A dial no app serves goes to the menus, whose engine ends a
 * code it does not know with a screen that says so. Codes inside the platform's own family
 * (`*123#`, `*123*…#`) are refused at start: they are the menus' shortcuts.
 * Exports dialRoutes, DialRoutes, DialRoute, ExternalApp and ExternalAppsError.
 */
import type { UssdLimits } from '../limits.js'
import { namesService, serviceDigits } from '../smpp/ussd-pdu.js'

/** One configured external app: a service code and the URL that answers it. */
export interface ExternalApp {
  /** The code as phones dial it: `*384*2468#`. */
  readonly serviceCode: string
  /** Where its Africa's Talking-format callback is posted (http or https). */
  readonly url: string
}

export type DialRoute =
  /** The platform's menus (which refuse a code they do not serve). */
  | { readonly kind: 'menu' }
  /** An external app; `text` is what the dial prefilled beyond its code ('' for none). */
  | { readonly kind: 'app'; readonly app: ExternalApp; readonly text: string }

export interface DialRoutes {
  /** The menus' own service code (menus/ussd/main.yaml): `*123#`. */
  readonly platformCode: string
  readonly apps: readonly ExternalApp[]
  route(dial: string): DialRoute
  /**
   * Whether an SMPP destination_addr (`*123#`, `123`, `*384*2468#`) names a code served here;
   * an empty one leaves it to the dial string.
   */
  namesServed(destination: string): boolean
}

/** A configuration of external apps that cannot be served; the message names the setting. */
export class ExternalAppsError extends Error {
  override readonly name = 'ExternalAppsError'
}

/** The table for the menus' code and the configured apps; throws ExternalAppsError on a clash. */
export function dialRoutes(
  platformCode: string,
  apps: readonly ExternalApp[],
  limits: Pick<UssdLimits, 'externalAppsMax'>,
): DialRoutes {
  if (apps.length > limits.externalAppsMax)
    throw new ExternalAppsError(
      `ussd.externalApps: ${apps.length} apps, more than the ${limits.externalAppsMax} served`,
    )
  const platformDigits = serviceDigits(platformCode)
  apps.forEach((app, index) => {
    if (serviceDigits(app.serviceCode) === platformDigits)
      throw new ExternalAppsError(
        `ussd.externalApps[${index}].serviceCode: ${app.serviceCode} is within ` +
          `${platformCode}, the platform's own menu and its shortcuts`,
      )
  })
  // Longest code first, so that `*384*2468*5#` wins over `*384*2468#` for its own dials.
  const byLength = [...apps].sort((a, b) => b.serviceCode.length - a.serviceCode.length)
  return {
    platformCode,
    apps,
    route(dial) {
      const typed = dial.trim()
      if (!typed.endsWith('#')) return { kind: 'menu' }
      for (const app of byLength) {
        const stem = app.serviceCode.slice(0, -1)
        if (typed === app.serviceCode) return { kind: 'app', app, text: '' }
        if (typed.startsWith(`${stem}*`))
          return { kind: 'app', app, text: typed.slice(stem.length + 1, -1) }
      }
      return { kind: 'menu' }
    },
    namesServed(destination) {
      if (namesService(destination, platformCode)) return true
      return apps.some((app) => namesService(destination, app.serviceCode))
    },
  }
}
