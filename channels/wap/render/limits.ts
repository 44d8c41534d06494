/**
 * limits.ts - every bound of the WAP renderer in one place: deck and page size budgets and the
 * keypad keys a page can hand out.
 */

export interface RenderLimits {
  /**
   * Compiled (WBXML) bytes a WML deck may take. The smallest deck limit among the handsets we
   * target is the Nokia 7110's 1,397 bytes (UP.Browser 3.2: 1,492); html2wml also splits at 1,400.
   * Compiled, not text, size: that is what the handset stores.
   */
  readonly wbxmlBytesMax: number
  /**
   * Bytes of a cHTML page: i-mode handsets truncate pages over their 5 KB default with an error.
   */
  readonly chtmlBytesMax: number
  /**
   * Bytes of an XHTML-MP page. Not a handset rule (S40/S60 take far more) but a guard against a
   * page that forgot to page its list; well above any page that passes the WML budget.
   */
  readonly xhtmlBytesMax: number
}

export const defaultRenderLimits: RenderLimits = {
  wbxmlBytesMax: 1_400,
  chtmlBytesMax: 5 * 1_024,
  xhtmlBytesMax: 20 * 1_024,
}

/**
 * Keypad keys in the order they are handed to links that name none: digits first (every handset
 * has them; cHTML and WML accesskeys are reliable only on digits), then '*' and '#'.
 */
export const linkKeys: readonly string[] = [
  '1',
  '2',
  '3',
  '4',
  '5',
  '6',
  '7',
  '8',
  '9',
  '0',
  '*',
  '#',
]
