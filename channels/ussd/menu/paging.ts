/**
 * paging.ts - splits a screen into USSD pages of at most 182 GSM characters (extension
 * characters count two), or 80 when any character of the page needs UCS-2. Options are never
 * split; a long text is cut between words (or, in Chinese, between characters, preferably after
 * punctuation). Exports fitsPage, paginate, PageNav.
 */
import { gsm7Length } from '../../../src/bearer/text/gsm7.js'
import type { UssdMenuLimits } from './limits.js'

export interface PageNav {
  /** "98 More": on every page but the last. */
  readonly more: string
  /** "0 Back": on every page after the first, and on the first when `backOnFirst`. */
  readonly back: string
  readonly backOnFirst: boolean
  /** The last page is an END (a closing text): it offers no navigation, the session is over. */
  readonly closing: boolean
}

type PageBudget = Pick<UssdMenuLimits, 'pageGsmCharsMax' | 'pageUcs2CharsMax'>

export function fitsPage(text: string, limits: PageBudget): boolean {
  const septets = gsm7Length(text)
  return septets === null
    ? text.length <= limits.pageUcs2CharsMax
    : septets <= limits.pageGsmCharsMax
}

function navLines(nav: PageNav, pageIndex: number, last: boolean): string[] {
  const lines: string[] = []
  if (last && nav.closing) return lines
  if (!last) lines.push(nav.more)
  if (pageIndex > 0 || nav.backOnFirst) lines.push(nav.back)
  return lines
}

/**
 * Joins a page's blocks line by line; consecutive pieces of the header are one paragraph cut for
 * paging, so they are joined with a space, not a line break (`headerPieces` of them come first).
 */
function compose(blocks: readonly string[], nav: readonly string[], headerPieces = 0): string {
  let text = ''
  blocks.forEach((block, index) => {
    if (index === 0) text = block
    else text += (index < headerPieces ? ' ' : '\n') + block
  })
  return (blocks.length === 0 ? nav : [text, ...nav]).join('\n')
}

/**
 * Where a long text may be cut, strongest first: between list entries (a mini statement's
 * "; "), after a clause, after a word. ASCII punctuation counts only before a space: a cut after
 * the "." of "-1.00" or the "," of "10,000" would split an amount. Chinese punctuation needs none.
 */
const breakLevels: readonly ((char: string, next: string) => boolean)[] = [
  (char, next) => char === '\n' || char === '；' || (char === ';' && (next === ' ' || next === '')),
  (char, next) =>
    '。，、：！？）'.includes(char) || ('.,:!?)'.includes(char) && (next === ' ' || next === '')),
  (char) => char === ' ',
]

/**
 * Cuts `text` into chunks that each fit a page together with the worst-case navigation.
 * Always makes progress: a chunk holds at least one character.
 */
function splitText(text: string, fits: (chunk: string) => boolean): string[] {
  const chunks: string[] = []
  let rest = Array.from(text.trim())
  while (rest.length > 0) {
    if (fits(rest.join(''))) {
      chunks.push(rest.join(''))
      break
    }
    // Fitting is monotonic in the prefix length, so the longest fitting prefix is a binary search.
    let low = 1
    let high = rest.length
    while (low < high) {
      const middle = Math.ceil((low + high) / 2)
      if (fits(rest.slice(0, middle).join(''))) low = middle
      else high = middle - 1
    }
    let cut = low
    levels: for (const breaksHere of breakLevels) {
      for (let index = low; index > low / 2; index -= 1) {
        if (breaksHere(rest[index - 1] ?? '', rest[index] ?? '')) {
          cut = index
          break levels
        }
      }
    }
    chunks.push(rest.slice(0, cut).join('').trimEnd())
    rest = Array.from(rest.slice(cut).join('').trimStart())
  }
  return chunks.filter((chunk) => chunk !== '')
}

/**
 * The pages of a screen: `header` (free text, cut where needed) followed by `options` (whole
 * lines, never cut), each page ending with its navigation lines.
 */
export function paginate(
  header: string,
  options: readonly string[],
  nav: PageNav,
  limits: PageBudget,
): string[] {
  const worstNav = [nav.more, nav.back]
  const headerChunks =
    header.trim() === ''
      ? []
      : splitText(header, (chunk) => fitsPage(compose([chunk], worstNav), limits))
  const blocks = [...headerChunks, ...options]
  const pages: string[] = []
  let next = 0
  while (next < blocks.length || pages.length === 0) {
    const pageIndex = pages.length
    const rest = blocks.slice(next)
    const pieces = Math.max(0, headerChunks.length - next)
    const lastNav = navLines(nav, pageIndex, true)
    if (fitsPage(compose(rest, lastNav, pieces), limits)) {
      pages.push(compose(rest, lastNav, pieces))
      break
    }
    const moreNav = navLines(nav, pageIndex, false)
    let taken = 1
    while (
      taken < rest.length &&
      fitsPage(compose(rest.slice(0, taken + 1), moreNav, pieces), limits)
    )
      taken += 1
    pages.push(compose(rest.slice(0, taken), moreNav, pieces))
    next += taken
  }
  return pages
}
