import type { Sqlite } from '../db/open.js'
import {
  type After,
  BM25,
  type Clause,
  filterClauses,
  keysetClause,
  ORDER,
  type Resource,
  type ResourceFilters,
  type ResourceRow,
  SORT_INDEX,
  type Sort,
  sortKey,
  toResource,
  where,
} from './resources.js'

// Every resource a list matches, row by row, for the exports. The rows are read
// with better-sqlite3's iterate() on a connection of their own (openReader), so a
// slow client holds that connection and not the server's, and memory does not
// grow with the catalog: the order comes from an index where one exists, and a
// search sorts only (rowid, rank, sort key) triples before reading whole rows.

/** Up to this many rows, SQLite may sort a non-search export however it likes (a few MB at most). */
export const SORT_IN_MEMORY_ROWS = 10_000

export type ExportQuery = ResourceFilters & {
  sort: Sort
  after: After | null
  /** null: every row. */
  limit: number | null
  offset: number
  /** Read each resource's links (a correlated subquery); off when no field needs them. */
  links: boolean
  /** Only this category: the Markdown export writes one section at a time. */
  category?: string
  /** How many rows the filters match, exactly (countResources): picks the plan. */
  expected: number
}

export type ExportRow = ResourceRow & { links_json?: string; rank?: number }

const LINKS_JSON = `(SELECT json_group_array(json_object('title', l.title, 'url', l.url) ORDER BY l.position)
  FROM resource_links l WHERE l.resource_row_id = r.row_id) AS links_json`

function exportStatement(query: ExportQuery): Clause {
  const clauses = filterClauses(query, 'match')
  if (query.after) clauses.push(keysetClause(query.sort, query.after))
  if (query.category !== undefined) clauses.push({ sql: 'r.category = ?', params: [query.category] })
  const filter = where(clauses)
  const links = query.links ? `, ${LINKS_JSON}` : ''
  const window = { sql: 'LIMIT ? OFFSET ?', params: [query.limit ?? -1, query.after ? 0 : query.offset] }
  if (query.match !== null) {
    // Ranked: the sort holds row ids, ranks and sort keys only; whole rows are
    // read in that order from the materialized result.
    return {
      sql: `WITH ranked AS MATERIALIZED (
          SELECT r.row_id AS row_id, f.rank AS rank
          FROM (SELECT rowid, ${BM25} AS rank FROM resources_fts WHERE resources_fts MATCH ?) f
          JOIN resources r ON r.row_id = f.rowid ${filter.sql}
          ORDER BY ${ORDER[query.sort]} ${window.sql})
        SELECT r.*, ranked.rank AS rank${links} FROM ranked CROSS JOIN resources r ON r.row_id = ranked.row_id`,
      params: [query.match, ...filter.params, ...window.params],
    }
  }
  // Large and unsearched: walk the sort's own index instead of sorting every row.
  const index =
    query.expected > SORT_IN_MEMORY_ROWS && query.category === undefined ? SORT_INDEX[query.sort] : undefined
  return {
    sql: `SELECT r.*${links} FROM resources r ${index ? `INDEXED BY ${index}` : ''} ${filter.sql}
      ORDER BY ${ORDER[query.sort]} ${window.sql}`,
    params: [...filter.params, ...window.params],
  }
}

/** The export's rows in order. Iterating holds `db` busy: give it a connection of its own. */
export function iterateExport(db: Sqlite, query: ExportQuery): IterableIterator<ExportRow> {
  const { sql, params } = exportStatement(query)
  return db.prepare<unknown[], ExportRow>(sql).iterate(...params)
}

/**
 * The sort key of the row at `offset` in the export's order (0-based), as a keyset
 * cursor would carry it: lets a grouped export (Markdown) start after an offset.
 * Null when there are not that many rows.
 */
export function keyAtOffset(db: Sqlite, query: ExportQuery, offset: number): After | null {
  const { sql, params } = exportStatement({ ...query, links: false, limit: 1, offset })
  const row = db.prepare<unknown[], ExportRow>(sql).get(...params)
  return row ? sortKey(query.sort, row) : null
}

export function exportResource(row: ExportRow): Resource {
  const links = new Map<number, Resource['links']>()
  if (row.links_json !== undefined && row.links_json !== null)
    links.set(row.row_id, JSON.parse(row.links_json))
  return toResource(row, links)
}

/** The page slug of the dataset's first resource: the page an export is written as. */
export function firstPageSlug(db: Sqlite): string {
  const row = db.prepare('SELECT source_page AS page FROM resources ORDER BY position LIMIT 1').get() as
    | { page: string }
    | undefined
  return row?.page ?? 'resources'
}
