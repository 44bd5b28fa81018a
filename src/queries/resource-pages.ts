import type { Sqlite } from '../db/open.js'
import { getDatasetInfo } from './dataset.js'
import { markMatches } from './highlights.js'
import { rankFrom, storedRanking } from './ranking.js'
import { type Facets, summarize } from './resource-counts.js'
import {
  type After,
  allFiltersKey,
  BM25,
  type Clause,
  filterClauses,
  hasOtherFilters,
  keysetClause,
  linksFor,
  ORDER,
  probeClauses,
  type Resource,
  type ResourceFilters,
  type ResourceRow,
  SORT_INDEX,
  type Sort,
  searchMatch,
  sortKey,
  toResource,
  where,
} from './resources.js'
import { ESTIMATE_ABOVE, inSet, searchBits, searchSet } from './search-set.js'
import { connectionMemo, prepared } from './statements.js'

export type ListParams = ResourceFilters & {
  sort: Sort
  limit: number
  offset: number
  after: After | null
  /** Leave out what nobody asked for (fields=): the links query, the search marks. Both by default. */
  include?: { links: boolean; match: boolean }
}

export type ResourcePage = {
  data: Resource[]
  total: number
  /** total and facets are estimates (a search of more than ESTIMATE_ABOVE matches). */
  totalIsEstimate: boolean
  /** Whether any resource follows this page. */
  hasNext: boolean
  /** Sort key of the last returned row, for building the next cursor. */
  lastKey: After | null
  facets: Facets
}

/** Where a page starts: after a cursor's row, or after `offset` rows (offset is 0 with a cursor). */
type Window = { after: After | null; offset: number; limit: number }
type Found = { rows: ResourceRow[]; hasNext: boolean }

/**
 * One page of resources matching the filters, in the requested order, with the
 * total and the facets. Facets follow the faceted-search rule: each facet counts
 * over the rows matching every other filter, so choosing a category does not
 * hide the other categories' counts.
 */
export function listResources(db: Sqlite, params: ListParams): ResourcePage {
  const sort: Sort = params.sort === 'relevance' && params.match === null ? 'position' : params.sort
  const summary = summarize(db, params)
  const window: Window = {
    after: params.after,
    offset: params.after ? 0 : params.offset,
    limit: params.limit,
  }
  const set = params.match === null ? null : searchSet(db, params.match)
  let found: Found
  if (params.match !== null && set?.sample) {
    found =
      sort === 'relevance'
        ? rankedRows(db, params, window)
        : walkedSearchRows(db, params, sort, searchBits(db, params.match), window)
  } else {
    const rows =
      params.match === null
        ? listedRows(db, params, sort, summary.total, window)
        : searchedRows(db, params, sort, window)
    found = { rows, hasNext: params.offset + rows.length < summary.total }
  }
  const { rows, hasNext } = found
  // An estimate never says fewer than the rows already seen: those before this
  // page, its own, and one more when another page follows.
  const total = summary.estimated
    ? Math.max(summary.total, params.offset + rows.length + (hasNext ? 1 : 0))
    : summary.total

  const include = params.include ?? { links: true, match: true }
  const links = include.links
    ? linksFor(
        db,
        rows.map((row) => row.row_id),
      )
    : new Map()
  const matches = params.match !== null && include.match ? markMatches(db, params.match, rows) : null
  const data = rows.map((row) => {
    const resource = toResource(row, links)
    const marked = matches?.get(row.row_id)
    if (marked) resource.match = searchMatch(row.rank, marked)
    return resource
  })
  const last = rows.at(-1)
  return {
    data,
    total,
    totalIsEstimate: summary.estimated,
    hasNext: hasNext && last !== undefined,
    lastKey: last ? sortKey(sort, last) : null,
    facets: summary.facets,
  }
}

function windowed(clauses: Clause[], sort: Sort, window: Window): Clause {
  if (window.after) clauses.push(keysetClause(sort, window.after))
  return where(clauses)
}

/**
 * A search counted exactly (at most ESTIMATE_ABOVE matches): ranking needs bm25()
 * from the FTS table itself, so the search joins it in, and the MATCH filter then
 * lives in the join rather than in the WHERE clause.
 */
function searchedRows(db: Sqlite, filters: ResourceFilters, sort: Sort, window: Window): ResourceRow[] {
  const clause = windowed(filterClauses(filters, 'match'), sort, window)
  return prepared(
    db,
    `SELECT r.*, f.rank AS rank FROM (SELECT rowid, ${BM25} AS rank FROM resources_fts WHERE resources_fts MATCH ?) f
     JOIN resources r ON r.row_id = f.rowid ${clause.sql} ORDER BY ${ORDER[sort]} LIMIT ? OFFSET ?`,
  ).all(filters.match, ...clause.params, window.limit, window.offset) as ResourceRow[]
}

// A walk reads an order's index row by row, testing each against the filters,
// until the page is full: the cost of a page is (rows before it + its own) divided
// by the share of the catalog the filters keep. Below this many rows read, it
// beats collecting every match and sorting them.
const WALK_ROWS = 2000

/**
 * An unsearched list. A tag filter makes SQLite collect every row of the tags and
 * sort them (tens of milliseconds for a common tag at 100,000 resources); when the
 * list is a fair share of the catalog, walking the order's index and probing the
 * tags of each row it passes stops after a page. Otherwise the rows' ids are
 * ordered first and only the page's rows read, so a deep offset skips index
 * entries, not whole rows.
 */
function listedRows(
  db: Sqlite,
  filters: ResourceFilters,
  sort: Sort,
  total: number,
  window: Window,
): ResourceRow[] {
  const walk = () => {
    const catalog = getDatasetInfo(db).resources
    return ((window.offset + window.limit + 1) * catalog) / Math.max(1, total) <= WALK_ROWS
  }
  if (filters.tags.length > 0 && walk()) {
    const clause = windowed(probeClauses(filters), sort, window)
    return prepared(
      db,
      `SELECT r.* FROM resources r INDEXED BY ${SORT_INDEX[sort]} ${clause.sql}
       ORDER BY ${ORDER[sort]} LIMIT ? OFFSET ?`,
    ).all(...clause.params, window.limit, window.offset) as ResourceRow[]
  }
  const clause = windowed(filterClauses(filters), sort, window)
  return prepared(
    db,
    `SELECT r.* FROM (SELECT r.row_id FROM resources r ${clause.sql} ORDER BY ${ORDER[sort]} LIMIT ? OFFSET ?) page
     JOIN resources r ON r.row_id = page.row_id ORDER BY ${ORDER[sort]}`,
  ).all(...clause.params, window.limit, window.offset) as ResourceRow[]
}

/** Whole rows for row ids, in the ids' order, each with its rank when given. */
function rowsById(db: Sqlite, rowIds: number[], ranks?: number[]): ResourceRow[] {
  if (rowIds.length === 0) return []
  const rows = prepared(db, 'SELECT * FROM resources WHERE row_id IN (SELECT value FROM json_each(?))').all(
    JSON.stringify(rowIds),
  ) as ResourceRow[]
  const byId = new Map(rows.map((row) => [row.row_id, row]))
  return rowIds.flatMap((rowId, index) => {
    const row = byId.get(rowId)
    if (!row) return []
    const rank = ranks?.[index]
    return [rank === undefined ? row : { ...row, rank }]
  })
}

// ---- searches of more than ESTIMATE_ABOVE matches ---------------------------------

/** The best-ranked results of a search with its filters, kept in order as far as they were read. */
type Ranking = {
  rowIds: number[]
  ranks: number[]
  /** Every match is here. */
  complete: boolean
}

// Ranking a search scores every match with bm25() (what that costs: ranking.ts),
// however small the page. Its best results are kept per filter set and connection
// (read-only, so they never change): the first FIRST_RANKED when the search is
// first asked for, and four times as many each
// time a walk (a cursor, or offsets page by page) reaches the end of what is kept,
// up to MAX_KEPT. The first answer pays for a heap of 100 rather than 1,000 (2 ms
// less at 25,000 matches), and a walk to the 10,000th result scores every match 5
// times rather than 10. Every page within what is kept costs only its own rows; a
// page that jumps past it ranks again for itself. Bounded; the oldest goes first.
// A common word searched alone starts from the STORED_RANKED results the seed
// ranked for it (ranking.ts) and scores every match only when a walk passes them.
const FIRST_RANKED = 100
const MAX_KEPT = 10 * ESTIMATE_ABOVE
const rankings = connectionMemo<Ranking>(64)

function ranking(db: Sqlite, filters: ResourceFilters): Ranking {
  // Read when a page first needs it, as far as that page needs.
  return rankings(db, allFiltersKey('ranking', filters), () => ({ rowIds: [], ranks: [], complete: false }))
}

/** Reads a ranking on: four times what is kept (FIRST_RANKED at first), or up to `wanted` rows if more. */
function extend(db: Sqlite, filters: ResourceFilters, kept: Ranking, wanted: number): void {
  const count = kept.rowIds.length
  // A common word searched alone starts from what the seed ranked (ranking.ts).
  const stored = count === 0 && !hasOtherFilters(filters) ? storedRanking(db, filters.match as string) : null
  if (stored) {
    for (const { rowId, rank } of stored) {
      kept.rowIds.push(rowId)
      kept.ranks.push(rank)
    }
    return
  }
  const last = count - 1
  const after = last < 0 ? null : { rank: kept.ranks[last] as number, rowId: kept.rowIds[last] as number }
  const chunk = Math.min(Math.max(count === 0 ? FIRST_RANKED : 3 * count, wanted - count), MAX_KEPT - count)
  const rows = rankFrom(db, filters, after, chunk)
  for (const { rowId, rank } of rows) {
    kept.rowIds.push(rowId)
    kept.ranks.push(rank)
  }
  kept.complete = rows.length < chunk
}

/** Where in the ranking the page after a cursor's row starts; null when past what is kept. */
function startAfter(kept: Ranking, after: After): number | null {
  const key = Number(after.key)
  for (let index = 0; index < kept.rowIds.length; index++) {
    const rank = kept.ranks[index] as number
    if (rank > key || (rank === key && (kept.rowIds[index] as number) > after.position)) return index
  }
  return kept.complete ? kept.rowIds.length : null
}

function rankedRows(db: Sqlite, filters: ResourceFilters, window: Window): Found {
  const kept = ranking(db, filters)
  for (;;) {
    const start = window.after ? startAfter(kept, window.after) : window.offset
    if (start === null) {
      // A cursor whose row is not among the kept results: the ranking is read from
      // the start once; past it, the page ranks for itself.
      if (kept.rowIds.length > 0) break
      extend(db, filters, kept, FIRST_RANKED)
      continue
    }
    const end = start + window.limit
    // The row after the page must be kept too, to tell whether there is a next page.
    if (kept.complete || end < kept.rowIds.length) {
      return {
        rows: rowsById(db, kept.rowIds.slice(start, end), kept.ranks.slice(start, end)),
        hasNext: end < kept.rowIds.length,
      }
    }
    // A page within the first MAX_KEPT results reads the ranking on; one beyond ranks for itself.
    if (end >= MAX_KEPT) break
    extend(db, filters, kept, end + 1)
  }
  const after = window.after && { rank: Number(window.after.key), rowId: window.after.position }
  const ranked = rankFrom(db, filters, after, window.limit + 1, window.offset)
  const page = ranked.slice(0, window.limit)
  return {
    rows: rowsById(
      db,
      page.map((row) => row.rowId),
      page.map((row) => row.rank),
    ),
    hasNext: ranked.length > window.limit,
  }
}

/**
 * A search of many matches in page or title order: the order's index is walked
 * and each row tested against the search set's bits, so a page reads about
 * (its rows) × (catalog / matches) index entries: at most 2,000 or so for a page
 * of 20, since such a search matches more than one resource in a hundred.
 */
function walkedSearchRows(
  db: Sqlite,
  filters: ResourceFilters,
  sort: Sort,
  bits: Uint8Array,
  window: Window,
): Found {
  const clause = windowed(probeClauses(filters), sort, window)
  const walk = prepared(
    db,
    `SELECT r.row_id AS rowId FROM resources r INDEXED BY ${SORT_INDEX[sort]} ${clause.sql} ORDER BY ${ORDER[sort]}`,
  )
  const rowIds: number[] = []
  let skip = window.offset
  for (const { rowId } of walk.iterate(...clause.params) as IterableIterator<{ rowId: number }>) {
    if (!inSet(bits, rowId)) continue
    if (skip > 0) {
      skip--
      continue
    }
    rowIds.push(rowId)
    if (rowIds.length > window.limit) break
  }
  return { rows: rowsById(db, rowIds.slice(0, window.limit)), hasNext: rowIds.length > window.limit }
}
