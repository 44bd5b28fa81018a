import type { Sqlite } from '../db/open.js'
import { LINK_STATUSES, type LinkStatus } from '../ingest/link-status.js'
import { listCategories } from './categories.js'
import { type Marked, markMatches } from './highlights.js'
import { LINK_STATUS_NAMES, type LinkColumns, type LinkHealth, toLinkHealth } from './links.js'
import { markedToHtml } from './search-text.js'
import { prepared } from './statements.js'

export const SORTS = ['position', '-position', 'title', '-title', 'relevance'] as const
export type Sort = (typeof SORTS)[number]

export type ResourceFilters = {
  categories: string[]
  tags: string[]
  hosts: string[]
  linkStatuses: LinkStatus[]
  /** An FTS5 MATCH expression built by toMatchExpression, never raw user text. */
  match: string | null
}

/** Where a keyset page starts: the sort key and position of the last row before it. */
export type After = { key: string | number | null; position: number }

export type ListParams = ResourceFilters & {
  sort: Sort
  limit: number
  offset: number
  after: After | null
  /** Leave out what nobody asked for (fields=): the links query, the search marks. Both by default. */
  include?: { links: boolean; match: boolean }
}

export type Resource = {
  id: string
  title: string
  url: string
  description: string
  category: string
  tags: string[]
  host: string
  links: { title: string; url: string }[]
  position: number
  source: { page: string; section: string | null; line: number }
  link: LinkHealth
  match?: { score: number; title: string; snippet: string }
}

export type FacetCount = { value: string; name: string; count: number }

export type ResourcePage = {
  data: Resource[]
  total: number
  /** Sort key of each returned row, for building the next cursor. */
  lastKey: After | null
  facets: { category: FacetCount[]; tag: FacetCount[]; link: FacetCount[] }
}

export type ResourceRow = LinkColumns & {
  row_id: number
  id: string
  title: string
  url: string
  description: string
  category: string
  host: string
  position: number
  tags_text: string
  source_page: string
  source_section: string | null
  source_line: number
  rank?: number
}

// BM25 weights per FTS column (title, description, tags): a word in the title
// counts ten times one in the description.
export const BM25 = 'bm25(resources_fts, 10.0, 1.0, 4.0)'
const FACET_TAG_LIMIT = 50

export type Clause = { sql: string; params: unknown[] }

type Filter = 'category' | 'tag' | 'link' | 'match'

/** The WHERE clauses of the filters, leaving out those named in except (a facet's own). */
export function filterClauses(filters: ResourceFilters, ...except: Filter[]): Clause[] {
  const clauses: Clause[] = []
  if (filters.categories.length > 0 && !except.includes('category')) {
    clauses.push({
      sql: 'r.category IN (SELECT value FROM json_each(?))',
      params: [JSON.stringify(filters.categories)],
    })
  }
  if (filters.tags.length > 0 && !except.includes('tag')) {
    clauses.push({
      sql: 'r.row_id IN (SELECT resource_row_id FROM resource_tags WHERE tag IN (SELECT value FROM json_each(?)))',
      params: [JSON.stringify(filters.tags)],
    })
  }
  if (filters.hosts.length > 0) {
    clauses.push({
      sql: 'r.host IN (SELECT value FROM json_each(?))',
      params: [JSON.stringify(filters.hosts)],
    })
  }
  if (filters.linkStatuses.length > 0 && !except.includes('link')) {
    clauses.push({
      sql: 'r.link_status IN (SELECT value FROM json_each(?))',
      params: [JSON.stringify(filters.linkStatuses)],
    })
  }
  if (filters.match !== null && !except.includes('match')) {
    clauses.push({
      sql: 'r.row_id IN (SELECT rowid FROM resources_fts WHERE resources_fts MATCH ?)',
      params: [filters.match],
    })
  }
  return clauses
}

export function where(clauses: Clause[]): Clause {
  if (clauses.length === 0) return { sql: '', params: [] }
  return {
    sql: `WHERE ${clauses.map((clause) => clause.sql).join(' AND ')}`,
    params: clauses.flatMap((c) => c.params),
  }
}

export const ORDER: Record<Sort, string> = {
  position: 'r.position',
  '-position': 'r.position DESC',
  title: 'r.title COLLATE NOCASE, r.position',
  '-title': 'r.title COLLATE NOCASE DESC, r.position',
  relevance: 'f.rank, r.position',
}

export function keysetClause(sort: Sort, after: After): Clause {
  switch (sort) {
    case 'position':
      return { sql: 'r.position > ?', params: [after.position] }
    case '-position':
      return { sql: 'r.position < ?', params: [after.position] }
    case 'title':
      return {
        sql: '(r.title > ? COLLATE NOCASE OR (r.title = ? COLLATE NOCASE AND r.position > ?))',
        params: [after.key, after.key, after.position],
      }
    case '-title':
      return {
        sql: '(r.title < ? COLLATE NOCASE OR (r.title = ? COLLATE NOCASE AND r.position > ?))',
        params: [after.key, after.key, after.position],
      }
    case 'relevance':
      return {
        sql: '(f.rank > ? OR (f.rank = ? AND r.position > ?))',
        params: [after.key, after.key, after.position],
      }
  }
}

export function sortKey(sort: Sort, row: ResourceRow): After {
  if (sort === 'title' || sort === '-title') return { key: row.title, position: row.position }
  if (sort === 'relevance') return { key: row.rank ?? 0, position: row.position }
  return { key: null, position: row.position }
}

export function toResource(row: ResourceRow, links: Map<number, Resource['links']>): Resource {
  return {
    id: row.id,
    title: row.title,
    url: row.url,
    description: row.description,
    category: row.category,
    tags: row.tags_text === '' ? [] : row.tags_text.split(' '),
    host: row.host,
    links: links.get(row.row_id) ?? [],
    position: row.position,
    source: { page: row.source_page, section: row.source_section, line: row.source_line },
    link: toLinkHealth(row),
  }
}

function linksFor(db: Sqlite, rowIds: number[]): Map<number, Resource['links']> {
  const rows = prepared(
    db,
    `SELECT resource_row_id AS rowId, title, url FROM resource_links
     WHERE resource_row_id IN (SELECT value FROM json_each(?)) ORDER BY resource_row_id, position`,
  ).all(JSON.stringify(rowIds)) as { rowId: number; title: string; url: string }[]
  const links = new Map<number, Resource['links']>()
  for (const { rowId, title, url } of rows) {
    const list = links.get(rowId)
    if (list) list.push({ title, url })
    else links.set(rowId, [{ title, url }])
  }
  return links
}

/**
 * The category and link facets and the total, from one pass. Every resource has
 * exactly one category and one link status, so counting the rows of every other
 * filter by both gives a table whose sums are each: the category facet sums the
 * chosen statuses' cells, the link facet the chosen categories', the total the
 * cells chosen by both. Over resources_category_link_status this reads no more
 * than the category facet alone did.
 */
function categoryAndLinkFacets(
  db: Sqlite,
  filters: ResourceFilters,
): { category: FacetCount[]; link: FacetCount[]; total: number } {
  const clause = where(filterClauses(filters, 'category', 'link'))
  const cells = prepared(
    db,
    `SELECT r.category AS category, r.link_status AS status, count(*) AS count
     FROM resources r ${clause.sql} GROUP BY r.category, r.link_status`,
  ).all(...clause.params) as { category: string; status: LinkStatus; count: number }[]
  const chosenCategories = new Set(filters.categories)
  const chosenStatuses = new Set(filters.linkStatuses)
  const byCategory = new Map<string, number>()
  const byStatus = new Map<LinkStatus, number>()
  let total = 0
  for (const { category, status, count } of cells) {
    const categoryChosen = chosenCategories.size === 0 || chosenCategories.has(category)
    const statusChosen = chosenStatuses.size === 0 || chosenStatuses.has(status)
    if (statusChosen) byCategory.set(category, (byCategory.get(category) ?? 0) + count)
    if (categoryChosen) byStatus.set(status, (byStatus.get(status) ?? 0) + count)
    if (categoryChosen && statusChosen) total += count
  }
  return {
    category: listCategories(db).flatMap(({ slug, name }) => {
      const count = byCategory.get(slug) ?? 0
      return count > 0 ? [{ value: slug, name, count }] : []
    }),
    // Always the six statuses, in their fixed order, zeros included: a closed set a UI lays out once.
    link: LINK_STATUSES.map((status) => ({
      value: status,
      name: LINK_STATUS_NAMES[status],
      count: byStatus.get(status) ?? 0,
    })),
    total,
  }
}

function tagFacet(db: Sqlite, filters: ResourceFilters): FacetCount[] {
  const clause = where(filterClauses(filters, 'tag'))
  return prepared(
    db,
    `SELECT t.slug AS value, t.name AS name, count(*) AS count
     FROM resource_tags rt JOIN resources r ON r.row_id = rt.resource_row_id JOIN tags t ON t.slug = rt.tag
     ${clause.sql} GROUP BY t.slug ORDER BY count DESC, t.slug LIMIT ${FACET_TAG_LIMIT}`,
  ).all(...clause.params) as FacetCount[]
}

type Summary = { total: number; facets: ResourcePage['facets'] }

// The server's connection is read-only, so a filter set's total and facet counts
// never change while it is open: they are computed once per filter set and
// connection, and every further page of the same list (offset or cursor) costs
// only its own rows. Bounded; the oldest summary goes first.
const summaries = new WeakMap<Sqlite, Map<string, Summary>>()
const MAX_SUMMARIES = 2000

function summarize(db: Sqlite, filters: ResourceFilters): Summary {
  let memo = summaries.get(db)
  if (!memo) {
    memo = new Map()
    summaries.set(db, memo)
  }
  const key = JSON.stringify([
    filters.categories,
    filters.tags,
    filters.hosts,
    filters.linkStatuses,
    filters.match,
  ])
  let summary = memo.get(key)
  if (!summary) {
    // The total comes out of the facets' pass: one pass over a search, not two.
    const { category, link, total } = categoryAndLinkFacets(db, filters)
    summary = { total, facets: { category, tag: tagFacet(db, filters), link } }
    if (memo.size >= MAX_SUMMARIES) memo.delete(memo.keys().next().value as string)
    memo.set(key, summary)
  }
  return summary
}

/** How many resources match the filters (remembered with the facets, as for a list page). */
export function countResources(db: Sqlite, filters: ResourceFilters): number {
  return summarize(db, filters).total
}

/**
 * One page of resources with the total and the facet counts. Facets follow the
 * usual faceted-search rule: each facet counts over the rows matching every
 * other filter, so choosing a category does not hide the other categories' counts.
 */
export function listResources(db: Sqlite, params: ListParams): ResourcePage {
  const sort: Sort = params.sort === 'relevance' && params.match === null ? 'position' : params.sort
  const { total, facets } = summarize(db, params)

  // Ranking needs bm25() from the FTS table itself, so a search joins it in; the
  // MATCH filter then lives in the join rather than in the WHERE clause.
  const ranked = params.match !== null
  const pageClauses = filterClauses(params, 'match')
  if (params.after) pageClauses.push(keysetClause(sort, params.after))
  const pageWhere = where(pageClauses)
  const from = ranked
    ? `(SELECT rowid, ${BM25} AS rank FROM resources_fts WHERE resources_fts MATCH ?) f JOIN resources r ON r.row_id = f.rowid`
    : 'resources r'
  const rows = prepared(
    db,
    `SELECT r.*${ranked ? ', f.rank AS rank' : ''} FROM ${from} ${pageWhere.sql} ORDER BY ${ORDER[sort]} LIMIT ? OFFSET ?`,
  ).all(
    ...(ranked ? [params.match] : []),
    ...pageWhere.params,
    params.limit,
    params.after ? 0 : params.offset,
  ) as ResourceRow[]

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
    lastKey: last ? sortKey(sort, last) : null,
    facets,
  }
}

/** A search hit's match: its BM25 score (higher is better) and the marked-up title and snippet. */
export function searchMatch(rank: number | undefined, marked: Marked): NonNullable<Resource['match']> {
  return {
    score: Math.round(-(rank ?? 0) * 1000) / 1000,
    title: markedToHtml(marked.title),
    snippet: markedToHtml(marked.snippet),
  }
}

export function getResource(db: Sqlite, id: string): Resource | null {
  const row = prepared(db, 'SELECT * FROM resources WHERE id = ?').get(id) as ResourceRow | undefined
  return row ? toResource(row, linksFor(db, [row.row_id])) : null
}

/** Hosts are matched the way the seed stores them: lowercase, without "www.". */
export function normalizeHost(host: string): string {
  return host
    .trim()
    .toLowerCase()
    .replace(/^www\./, '')
}
