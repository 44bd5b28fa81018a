import type { Sqlite } from '../db/open.js'
import type { LinkStatus } from '../ingest/link-status.js'
import type { Marked } from './highlights.js'
import { type LinkColumns, type LinkHealth, toLinkHealth } from './links.js'
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

export type Clause = { sql: string; params: unknown[] }

type Filter = 'category' | 'tag' | 'link' | 'match'

/** The WHERE clauses of the filters, leaving out those named in except (a facet's own). */
export function filterClauses(filters: ResourceFilters, ...except: Filter[]): Clause[] {
  return clausesOf(filters, except, false)
}

/**
 * The same clauses for a query that walks an index in page or title order and
 * tests each row it passes: the tag filter probes resource_tags for that row
 * instead of collecting every row of the tags first. Never the search (a probe
 * of FTS5 by rowid re-reads the whole doclist of a prefix, each time).
 */
export function probeClauses(filters: ResourceFilters, ...except: Filter[]): Clause[] {
  return clausesOf(filters, [...except, 'match'], true)
}

/** A cache key for what depends on every filter (sort and page aside). */
export function allFiltersKey(kind: string, filters: ResourceFilters): string {
  return JSON.stringify([
    kind,
    filters.categories,
    filters.tags,
    filters.hosts,
    filters.linkStatuses,
    filters.match,
  ])
}

/** Whether any filter other than the search is given. */
export function hasOtherFilters(filters: ResourceFilters): boolean {
  return (
    filters.categories.length > 0 ||
    filters.tags.length > 0 ||
    filters.hosts.length > 0 ||
    filters.linkStatuses.length > 0
  )
}

function clausesOf(filters: ResourceFilters, except: Filter[], probe: boolean): Clause[] {
  const clauses: Clause[] = []
  if (filters.categories.length > 0 && !except.includes('category')) {
    clauses.push({
      sql: 'r.category IN (SELECT value FROM json_each(?))',
      params: [JSON.stringify(filters.categories)],
    })
  }
  if (filters.tags.length > 0 && !except.includes('tag')) {
    clauses.push({
      sql: probe
        ? 'EXISTS (SELECT 1 FROM resource_tags rt WHERE rt.resource_row_id = r.row_id AND rt.tag IN (SELECT value FROM json_each(?)))'
        : 'r.row_id IN (SELECT resource_row_id FROM resource_tags WHERE tag IN (SELECT value FROM json_each(?)))',
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

/** The index that holds the rows in each sort's order (relevance has none: it is computed). */
export const SORT_INDEX: Partial<Record<Sort, string>> = {
  position: 'resources_position_unique',
  '-position': 'resources_position_unique',
  title: 'resources_title_position',
  '-title': 'resources_title_position',
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

/** A search hit's match: its BM25 score (higher is better) and the marked-up title and snippet. */
export function searchMatch(rank: number | undefined, marked: Marked): NonNullable<Resource['match']> {
  return {
    score: Math.round(-(rank ?? 0) * 1000) / 1000,
    title: markedToHtml(marked.title),
    snippet: markedToHtml(marked.snippet),
  }
}

/** The links of each row, by row id, in page order. */
export function linksFor(db: Sqlite, rowIds: number[]): Map<number, Resource['links']> {
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
