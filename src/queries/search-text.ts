// User text never reaches FTS5's MATCH as syntax: it is cut into words, each word
// becomes a quoted string token, and only the last one is a prefix query (so
// search-as-you-type finds "django" from "djan"). Quotes, *, NEAR(, AND, -, and
// punctuation are therefore plain separators, never operators.

export const MAX_SEARCH_WORDS = 32

const WORD = /[\p{L}\p{N}\p{M}]+/gu

export type SearchText = { ok: true; match: string; words: string[] } | { ok: false; message: string }

export function toMatchExpression(text: string): SearchText {
  const words = text.normalize('NFKC').toLowerCase().match(WORD) ?? []
  if (words.length === 0) return { ok: false, message: 'must contain at least one letter or digit' }
  if (words.length > MAX_SEARCH_WORDS) {
    return { ok: false, message: `has ${words.length} words; at most ${MAX_SEARCH_WORDS} are searched` }
  }
  return { ok: true, match: matchExpression(words), words }
}

/** The MATCH expression of words that are letters and digits only: quoted tokens, the last a prefix. */
export function matchExpression(words: readonly string[]): string {
  return words.map((word, index) => (index === words.length - 1 ? `"${word}"*` : `"${word}"`)).join(' ')
}

// Marks from FTS5's highlight() and snippet(): control characters no page text
// contains, turned into <mark> only after the text around them is HTML-escaped.
export const MARK_OPEN = '\u0002'
export const MARK_CLOSE = '\u0003'

const HTML_ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
}

export function markedToHtml(text: string): string {
  return text
    .replace(/[&<>"']/g, (char) => HTML_ESCAPES[char] ?? char)
    .replaceAll(MARK_OPEN, '<mark>')
    .replaceAll(MARK_CLOSE, '</mark>')
}
