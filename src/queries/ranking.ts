import type { Sqlite } from '../db/open.js'
import { BM25, filterClauses, type ResourceFilters, where } from './resources.js'
import { ESTIMATE_ABOVE } from './search-set.js'
import { matchExpression } from './search-text.js'
import { prepared } from './statements.js'

export type Ranked = { rowId: number; rank: number }

/**
 * Matches of the search and its filters in rank order, after a (rank, row id) pair:
 * SQLite keeps only the best LIMIT while it sorts (a bounded heap), and only (row
 * id, rank) pairs, joining resources only for filters that need it. Row ids are
 * positions (the seed numbers rows in page order), so they break ties as
 * position does.
 */
export function rankFrom(
  db: Sqlite,
  filters: ResourceFilters,
  after: { rank: number; rowId: number } | null,
  limit: number,
  offset = 0,
): Ranked[] {
  const clauses = filterClauses(filters, 'match')
  const join = clauses.length > 0 ? 'JOIN resources r ON r.row_id = f.rowid' : ''
  if (after) {
    clauses.push({
      sql: '(f.rank > ? OR (f.rank = ? AND f.rowid > ?))',
      params: [after.rank, after.rank, after.rowId],
    })
  }
  const clause = where(clauses)
  return prepared(
    db,
    `SELECT f.rowid AS rowId, f.rank AS rank
     FROM (SELECT rowid, ${BM25} AS rank FROM resources_fts WHERE resources_fts MATCH ?) f ${join}
     ${clause.sql} ORDER BY f.rank, f.rowid LIMIT ? OFFSET ?`,
  ).all(filters.match, ...clause.params, limit, offset) as Ranked[]
}

// Ranking scores every match with bm25(): about 14 ms at 25,000 matches on the
// bench machine, 45 ms at 99,000, paid by the first answer of each search. The
// catalog is read-only, so the seed ranks each word of the index that more than
// ESTIMATE_ABOVE resources contain, as a one-word search runs it (the word, as a
// prefix), and stores its best STORED_RANKED results (search_rankings): that
// search's first pages read them instead. They are what rankFrom gives at run
// time, from the same SQL over the same file, so a page past them ranks on from
// the last one exactly as it would have. Enough for a first page of MAX_LIMIT (and
// the row after it, which tells whether another page follows) at any limit.
export const STORED_RANKED = 200

const ONLY_SEARCH = { categories: [], tags: [], hosts: [], linkStatuses: [] }

/** Writes search_rankings on the seed's connection, once resources_fts is complete. */
export function storeRankings(db: Sqlite): void {
  db.exec('CREATE VIRTUAL TABLE temp.resources_fts_terms USING fts5vocab(main, resources_fts, row)')
  try {
    const terms = db
      .prepare('SELECT term FROM temp.resources_fts_terms WHERE doc > ? ORDER BY term')
      .pluck()
      .all(ESTIMATE_ABOVE) as string[]
    const insert = db.prepare('INSERT INTO search_rankings (match, row_ids, ranks) VALUES (?, ?, ?)')
    db.transaction(() => {
      for (const term of terms) {
        const match = matchExpression([term])
        const ranked = rankFrom(db, { ...ONLY_SEARCH, match }, null, STORED_RANKED)
        insert.run(
          match,
          JSON.stringify(ranked.map((row) => row.rowId)),
          JSON.stringify(ranked.map((row) => row.rank)),
        )
      }
    })()
  } finally {
    db.exec('DROP TABLE temp.resources_fts_terms')
  }
}

/** The stored best results of a search with no other filter, or null when the seed stored none. */
export function storedRanking(db: Sqlite, match: string): Ranked[] | null {
  const row = prepared(db, 'SELECT row_ids AS rowIds, ranks FROM search_rankings WHERE match = ?').get(
    match,
  ) as { rowIds: string; ranks: string } | undefined
  if (!row) return null
  const ranks = JSON.parse(row.ranks) as number[]
  return (JSON.parse(row.rowIds) as number[]).map((rowId, index) => ({ rowId, rank: ranks[index] as number }))
}
