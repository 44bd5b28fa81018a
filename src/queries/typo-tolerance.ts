// Typo tolerance with Meilisearch's rules, over the search index's own vocabulary:
//   - words of 1 to 4 characters, and words with a digit, are never corrected;
//   - 5 to 8 characters allow one typo, 9 and more allow two;
//   - a typo is an insertion, a deletion, a substitution, or a swap of two
//     adjacent letters (optimal string alignment: Damerau-Levenshtein where no
//     substring is edited twice);
//   - a typo that changes the first letter counts as two, so a word of 5 to 8
//     characters must keep its first letter.
// Among the terms within reach, fewer typos win, then the term more resources
// contain, then the term that sorts first (so the answer never depends on luck).
//
// The last word of a query is a prefix (search-as-you-type), and is corrected as
// one: a term qualifies when one of its prefixes is within reach of the word, as
// in Meilisearch's prefix automaton ("kubrenet" reaches "kubernetes" through
// "kubernet"). The correction is the whole term, still searched as a prefix; of
// two equally close terms where one starts the other, the shorter wins, since as
// a prefix it finds both.
//
// The vocabulary is sorted, so terms sharing a prefix are neighbours: the walk
// computes one edit-distance row per character, reuses the rows of the prefix it
// shares with the previous term, and skips every term under a prefix whose row
// is already beyond reach. That is a trie walk without building the trie.

export const MIN_ONE_TYPO = 5
export const MIN_TWO_TYPOS = 9
/**
 * Longest word corrected, and how much of a longer term is compared: FTS terms
 * are words, so longer ones are noise. Bounding both keeps every distance in a byte.
 */
const MAX_TERM = 64

export type Correction = { term: string; typos: number }

/** How many typos a word may have: 0, 1 or 2. Length counts characters (code points). */
export function typoBudget(word: string): number {
  if (/\p{N}/u.test(word)) return 0
  const length = [...word].length
  if (length >= MIN_TWO_TYPOS) return 2
  if (length >= MIN_ONE_TYPO) return 1
  return 0
}

/**
 * The typos between a word and a term (a prefix of the term when `prefix`),
 * counting a changed first letter twice. The reference the fast walk is tested
 * against; also what the table tests read.
 */
export function typoCount(word: string, term: string, prefix = false): number {
  const m = word.length
  const rows: number[][] = [Array.from({ length: m + 1 }, (_, i) => i)]
  let best = prefix ? m : Number.POSITIVE_INFINITY
  for (let j = 1; j <= term.length; j++) {
    const row = new Array<number>(m + 1)
    nextRow(word, term, j, rows[j - 1] as number[], rows[j - 2], row)
    rows.push(row)
    if (prefix) best = Math.min(best, (rows[j] as number[])[m] as number)
  }
  const distance = prefix ? best : ((rows[term.length] as number[])[m] as number)
  return distance + (word[0] === term[0] ? 0 : 1)
}

/** Row j of the optimal-string-alignment table: distances from term[0..j) to every prefix of word. */
function nextRow(
  word: string,
  term: string,
  j: number,
  previous: ArrayLike<number>,
  beforePrevious: ArrayLike<number> | undefined,
  into: number[] | Uint8Array,
): void {
  const char = term.charCodeAt(j - 1)
  into[0] = j
  for (let i = 1; i <= word.length; i++) {
    const wordChar = word.charCodeAt(i - 1)
    let cost = Math.min(
      (previous[i] as number) + 1,
      (into[i - 1] as number) + 1,
      (previous[i - 1] as number) + (wordChar === char ? 0 : 1),
    )
    if (
      beforePrevious !== undefined &&
      i > 1 &&
      j > 1 &&
      wordChar === term.charCodeAt(j - 2) &&
      word.charCodeAt(i - 2) === char
    ) {
      cost = Math.min(cost, (beforePrevious[i - 2] as number) + 1)
    }
    into[i] = cost
  }
}

/** Fewer typos, then more resources, then the term that sorts first. */
function better(a: { typos: number; docs: number; term: string }, b: Correction & { docs: number }): boolean {
  if (a.typos !== b.typos) return a.typos < b.typos
  if (a.docs !== b.docs) return a.docs > b.docs
  return a.term < b.term
}

/** The terms of a full-text index with how many resources hold each, sorted for the walk. */
export class Vocabulary {
  private readonly terms: string[]
  private readonly docs: number[]
  private readonly exact: Set<string>

  constructor(entries: Iterable<{ term: string; docs: number }>) {
    const sorted = [...entries].sort((a, b) => (a.term < b.term ? -1 : a.term > b.term ? 1 : 0))
    this.terms = sorted.map((entry) => entry.term)
    this.docs = sorted.map((entry) => entry.docs)
    this.exact = new Set(this.terms)
  }

  get size(): number {
    return this.terms.length
  }

  has(term: string): boolean {
    return this.exact.has(term)
  }

  /** Whether some term starts with `prefix` (what a prefix search would find). */
  hasPrefix(prefix: string): boolean {
    const index = this.lowerBound(prefix)
    return index < this.terms.length && (this.terms[index] as string).startsWith(prefix)
  }

  /**
   * The best correction of a word within its typo budget, or null when no term
   * is within reach (or the word is too short or holds a digit). A word that is
   * already a term (a prefix of one, for `prefix`) is not a typo: callers check
   * that first, and this returns null for it rather than "correcting" it.
   */
  correct(word: string, prefix = false): Correction | null {
    const budget = typoBudget(word)
    if (budget === 0 || word.length > MAX_TERM || (prefix ? this.hasPrefix(word) : this.has(word)))
      return null
    const first = word.charCodeAt(0)
    let best: (Correction & { docs: number }) | null = null
    const offer = (index: number, typos: number) => {
      const candidate = { term: this.terms[index] as string, typos, docs: this.docs[index] as number }
      if (best === null || better(candidate, best)) best = candidate
    }
    // Terms starting with the word's first letter may use the whole budget; any
    // other first letter costs one typo more, so only words allowed two typos
    // ever reach them, with one edit left.
    const sameStart = this.range(String.fromCharCode(first))
    this.walk(word, prefix, budget, 0, sameStart[0], sameStart[1], offer)
    if (budget >= 2) {
      this.walk(word, prefix, budget - 1, 1, 0, sameStart[0], offer)
      this.walk(word, prefix, budget - 1, 1, sameStart[1], this.terms.length, offer)
    }
    const found = best as (Correction & { docs: number }) | null
    if (found === null) return null
    return prefix ? this.shortestEquivalent(word, found) : { term: found.term, typos: found.typos }
  }

  /**
   * A prefix search for a term also finds every term it starts with, so a shorter
   * term within the same typos is the better correction ("contanier" reaches
   * "container" and "containers"; "container" finds both).
   */
  private shortestEquivalent(word: string, found: Correction): Correction {
    const shortest = Math.max(1, word.length - found.typos)
    for (let length = shortest; length < found.term.length; length++) {
      const term = found.term.slice(0, length)
      if (this.exact.has(term) && typoCount(word, term, true) === found.typos)
        return { term, typos: found.typos }
    }
    return { term: found.term, typos: found.typos }
  }

  /**
   * Visits terms[from..to) and offers each one within `reach` edits of the word
   * (exact, or through one of its prefixes), with `penalty` added to its typos.
   */
  private walk(
    word: string,
    prefix: boolean,
    reach: number,
    penalty: number,
    from: number,
    to: number,
    offer: (index: number, typos: number) => void,
  ): void {
    const m = word.length
    // rows[j]: the row for the current term's first j characters; best[j]: the
    // fewest edits between the word and any prefix of those j characters.
    const rows: Uint8Array[] = [Uint8Array.from({ length: m + 1 }, (_, i) => i)]
    const best: number[] = [m]
    let previous = ''
    let index = from
    while (index < to) {
      const term = this.terms[index] as string
      const length = Math.min(term.length, MAX_TERM)
      // A prefix match never improves past m + reach characters.
      const depthLimit = prefix ? Math.min(length, m + reach) : length
      let shared = 0
      while (shared < previous.length && shared < depthLimit && previous[shared] === term[shared]) shared++
      let depth = shared
      let pruned = false
      while (depth < depthLimit) {
        depth++
        const row = rows[depth] ?? new Uint8Array(m + 1)
        rows[depth] = row
        nextRow(word, term, depth, rows[depth - 1] as Uint8Array, rows[depth - 2], row)
        best[depth] = Math.min(best[depth - 1] as number, row[m] as number)
        let rowMin = row[0] as number
        for (let i = 1; i <= m; i++) if ((row[i] as number) < rowMin) rowMin = row[i] as number
        if (rowMin > reach) {
          pruned = true
          break
        }
      }
      previous = term.slice(0, depth)
      if (prefix) {
        // Every term under the prefix walked so far (cut short by pruning or by
        // the depth limit) shares this term's fewest edits: offer them all.
        const typos = pruned ? (best[depth - 1] as number) : (best[depth] as number)
        const stop = depth < length || pruned ? this.rangeEnd(term.slice(0, depth), index, to) : index + 1
        if (typos <= reach) for (let k = index; k < stop; k++) offer(k, typos + penalty)
        index = stop
      } else if (pruned) {
        index = this.rangeEnd(term.slice(0, depth), index, to)
      } else {
        const typos = (rows[depth] as Uint8Array)[m] as number
        if (depth === term.length && typos <= reach) offer(index, typos + penalty)
        index++
      }
    }
  }

  /** First index in [from, to) whose term does not start with `prefix`. */
  private rangeEnd(prefix: string, from: number, to: number): number {
    let low = from
    let high = to
    while (low < high) {
      const middle = (low + high) >>> 1
      if ((this.terms[middle] as string).startsWith(prefix)) low = middle + 1
      else high = middle
    }
    return low
  }

  private lowerBound(text: string): number {
    let low = 0
    let high = this.terms.length
    while (low < high) {
      const middle = (low + high) >>> 1
      if ((this.terms[middle] as string) < text) low = middle + 1
      else high = middle
    }
    return low
  }

  /** [start, end) of the terms starting with `prefix`. */
  private range(prefix: string): [number, number] {
    const start = this.lowerBound(prefix)
    return [start, this.rangeEnd(prefix, start, this.terms.length)]
  }
}
