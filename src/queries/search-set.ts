import type { Sqlite } from '../db/open.js'
import { connectionMemo, prepared } from './statements.js'

/**
 * The most matches a search is counted and ranked over exactly. A search (q) that
 * matches more resources is answered with estimated counts (meta.totalIsEstimate)
 * from a sample of about this many of its matches, and its ranking is kept this
 * many results at a time (resource-pages.ts): the model is Meilisearch's
 * estimatedTotalHits, whose maxTotalHits is 1,000 by default too.
 */
export const ESTIMATE_ABOVE = 1000

/** What a search's matches are: how many, and a sample of them when there are many. */
export type SearchSet = {
  /** How many resources the expression matches: always exact. */
  size: number
  /** Row ids of about ESTIMATE_ABOVE matches spread over the catalog; null at or below the threshold. */
  sample: number[] | null
}

// The server's connection is read-only, so a match expression always finds the
// same rows: each is counted and sampled once per connection, and its bits read
// once when an order other than relevance needs them (one bit per resource,
// 12.5 kB at 100,000). Bounded; the oldest goes first.
const sets = connectionMemo<SearchSet>(256)
const bitsets = connectionMemo<Uint8Array>(256)

// Which matches are sampled: Fibonacci hashing of the row id, so the sample is
// spread over every part of the page (sections are runs of row ids) and is the same
// on every run: 16 bits of hash, kept when below the cut-off, which is chosen so
// that about ESTIMATE_ABOVE matches are kept.
const HASH_RANGE = 2 ** 16
const SAMPLE_HASH = '(((rowid * 2654435761) & 4294967295) >> 16)'
/** SAMPLE_HASH in JavaScript: the low 32 bits of the product, exactly, for any 32-bit row id. */
export const sampleHash = (rowId: number) => Math.imul(rowId, 0x9e3779b1) >>> 16
const cutOffFor = (size: number) => Math.ceil((HASH_RANGE * ESTIMATE_ABOVE) / size)

// Counting and sampling in one read of the doclist (about 1 ms less at 25,000
// matches than two): the pass keeps the ids a search of ONE_PASS_FROM matches
// would sample, a superset of what any larger search samples, which is then cut
// down here. A search of fewer matches reads its small doclist again.
const ONE_PASS_FROM = 4 * ESTIMATE_ABOVE

/** The search set of a match expression (an FTS5 MATCH built by toMatchExpression). */
export function searchSet(db: Sqlite, match: string): SearchSet {
  return sets(db, match, () => {
    const counted = prepared(
      db,
      `SELECT count(*) AS size, json_group_array(rowid) FILTER (WHERE ${SAMPLE_HASH} < ?) AS ids
       FROM resources_fts WHERE resources_fts MATCH ?`,
    ).get(cutOffFor(ONE_PASS_FROM), match) as { size: number; ids: string }
    const size = counted.size
    if (size <= ESTIMATE_ABOVE) return { size, sample: null }
    const cutOff = cutOffFor(size)
    if (size >= ONE_PASS_FROM) {
      const sample = (JSON.parse(counted.ids) as number[]).filter((rowId) => sampleHash(rowId) < cutOff)
      return { size, sample }
    }
    const { sample } = prepared(
      db,
      `SELECT json_group_array(rowid) AS sample FROM resources_fts
       WHERE resources_fts MATCH ? AND ${SAMPLE_HASH} < ?`,
    ).get(match, cutOff) as { sample: string }
    return { size, sample: JSON.parse(sample) as number[] }
  })
}

/** Every match of a search by row id (bit rowId), for walking an index in another order. */
export function searchBits(db: Sqlite, match: string): Uint8Array {
  return bitsets(db, match, () => {
    const { ids } = prepared(
      db,
      'SELECT json_group_array(rowid) AS ids FROM resources_fts WHERE resources_fts MATCH ?',
    ).get(match) as { ids: string }
    const rowIds = JSON.parse(ids) as number[]
    let max = 0
    for (const rowId of rowIds) if (rowId > max) max = rowId
    const bits = new Uint8Array((max >> 3) + 1)
    for (const rowId of rowIds) bits[rowId >> 3] = (bits[rowId >> 3] as number) | (1 << (rowId & 7))
    return bits
  })
}

/** Whether the row is one of the matches. */
export function inSet(bits: Uint8Array, rowId: number): boolean {
  return (((bits[rowId >> 3] ?? 0) >> (rowId & 7)) & 1) === 1
}
