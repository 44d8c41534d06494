/**
 * tokens.ts - splits an MO text into words the way the grammar reads it, and tells whether it is
 * Chinese. Exports tokenizeMo and MoTokens.
 */
import type { Language } from '../../../src/core/index.js'
import { chineseKeywordWords } from './keywords.js'

export interface MoTokens {
  readonly words: readonly string[]
  /** 'zh' when the text has CJK characters: the reply is then Chinese (SPEC section 4). */
  readonly language: Language | null
}

// Han ideographs, CJK punctuation (including the ideographic space U+3000) and full-width forms:
// any of them means the text was typed with a Chinese input method.
const cjkPattern = /[\u3000-\u303f\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff00-\uffef]/u

/**
 * NFKC folds what a Chinese input method produces into the ASCII the grammar reads: full-width
 * spaces, digits, letters and question marks ("ＢＡＬ", "２５", "？"). Words are split on any run
 * of white space, and a Chinese keyword glued to its first argument ("确认1234") is cut off.
 */
export function tokenizeMo(text: string): MoTokens {
  const language = cjkPattern.test(text) ? 'zh' : null
  const normalized = text.normalize('NFKC').trim()
  if (normalized === '') return { words: [], language }
  const words = normalized.split(/\s+/u)
  const first = words[0] ?? ''
  const glued = chineseKeywordWords.find(
    (keyword) => first.length > keyword.length && first.startsWith(keyword),
  )
  if (glued !== undefined) words.splice(0, 1, glued, first.slice(glued.length))
  return { words, language }
}
