/**
 * limits.ts - every bound of the USSD menu engine in one place, each with why. Exports
 * UssdMenuLimits and ussdMenuLimits.
 */

export interface UssdMenuLimits {
  /** One USSD page is 160 octets (TS 29.002 maxUSSD-StringLength) = 182 GSM 7-bit septets. */
  readonly pageGsmCharsMax: number
  /** ...or 80 UCS-2 code units when any character is outside GSM 03.38. */
  readonly pageUcs2CharsMax: number
  /**
   * Wrong inputs in a row on one screen before the session ends politely: a user who failed
   * three times is better served by dialling again than by a fourth re-prompt, and a stuck
   * session holds a USSD dialogue (network capacity) open.
   */
  readonly wrongInputsMax: number
  /**
   * Options on one screen. Numbers run 1..n across pages and must stay clear of the navigation
   * keys (0, 00, 98); beyond 20 choices a USSD menu is unusable anyway.
   */
  readonly optionsMax: number
  /**
   * Parts of a shortcut dial (`*123*2*1001*25#` has 3): the longest flow needs 5 before its PIN.
   */
  readonly shortcutPartsMax: number
  /** Characters of a dial string; a handset sends at most 182 anyway. */
  readonly dialCharsMax: number
  /** Characters of one input; longer input answers no prompt (the longest, an MSISDN, is 17). */
  readonly inputCharsMax: number
  /** States kept for `0` back; the deepest flow (change PIN) is 5 screens from home. */
  readonly backDepthMax: number
  /** Inputs kept in the session trail: a USSD session lasts at most about 3 minutes. */
  readonly trailEntriesMax: number
  /**
   * Characters of a command's answer shown page by page (the mini statement is the longest,
   * about 300). Longer text is a core bug; it is cut with "..." rather than paged for ever.
   */
  readonly resultCharsMax: number
  /**
   * Screens whose pages are kept once split (by state, language, re-prompt and filled text):
   * splitting is half the cost of a hop and most hops show one of a few hundred menu screens.
   * Past the bound the oldest go first, so answers unique to one user (statements) cannot grow
   * it; a thousand pages of at most 182 characters is well under a megabyte.
   */
  readonly pageCacheEntriesMax: number
  /** Menu files read from the menu folder: one per flow, a dozen at most. */
  readonly menuFilesMax: number
  /** Bytes of one menu file: a hand-written flow is a few kilobytes. */
  readonly menuFileBytesMax: number
}

export const ussdMenuLimits: UssdMenuLimits = {
  pageGsmCharsMax: 182,
  pageUcs2CharsMax: 80,
  wrongInputsMax: 3,
  optionsMax: 20,
  shortcutPartsMax: 8,
  dialCharsMax: 182,
  inputCharsMax: 40,
  backDepthMax: 16,
  trailEntriesMax: 64,
  resultCharsMax: 2_000,
  pageCacheEntriesMax: 1_000,
  menuFilesMax: 64,
  menuFileBytesMax: 256 * 1024,
}
