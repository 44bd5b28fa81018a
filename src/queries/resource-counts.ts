import type { Sqlite } from '../db/open.js'
import { LINK_STATUSES, type LinkStatus } from '../ingest/link-status.js'
import { listCategories } from './categories.js'
import { LINK_STATUS_NAMES } from './links.js'
import {
  allFiltersKey,
  type FacetCount,
  filterClauses,
  hasOtherFilters,
  type ResourceFilters,
  where,
} from './resources.js'
import { type SearchSet, searchSet } from './search-set.js'
import { connectionMemo, prepared } from './statements.js'
import { listTags } from './tags.js'

// A list's total and facet counts. Exact, except for a search (q) matching more
// than ESTIMATE_ABOVE resources: its counts are then made over a sample of about
// that many of its matches and scaled up (Summary.estimated), so counting costs
// the same at 100,000 matches as at 1,000. Each facet counts over the rows that
// match every other filter, so choosing a category does not hide the others.

const FACET_TAG_LIMIT = 50

export type Facets = { category: FacetCount[]; tag: FacetCount[]; link: FacetCount[] }

export type Summary = {
  total: number
  /** total and facets are estimates, from a sample of the search's matches. */
  estimated: boolean
  facets: Facets
}

type Cell = { category: string; status: LinkStatus; count: number }
/** Counts and what to multiply them by: 1 when exact, matches / sampled matches when not. */
type Counted<T> = { rows: T[]; scale: number }

// Each facet is remembered under the filters it counts over (all but its own), so
// lists that differ only in a facet's own filter share it: every category= list
// of one search has the same category counts.
const remembered = connectionMemo<unknown>(4000) as <T>(db: Sqlite, key: string, compute: () => T) => T

/** The sampled search set when the search is counted by sample; null when counted exactly. */
function sampled(db: Sqlite, filters: ResourceFilters): (SearchSet & { sample: number[] }) | null {
  if (filters.match === null) return null
  const set = searchSet(db, filters.match)
  return set.sample === null ? null : (set as SearchSet & { sample: number[] })
}

function scaleOf(set: SearchSet & { sample: number[] }): number {
  return set.size / Math.max(1, set.sample.length)
}

/** Resources by (category, link status) over the rows of every filter but those two. */
function cells(db: Sqlite, filters: ResourceFilters): Counted<Cell> {
  const key = JSON.stringify(['cells', filters.tags, filters.hosts, filters.match])
  return remembered(db, key, () => {
    const set = sampled(db, filters)
    if (set) {
      const clause = where(filterClauses(filters, 'category', 'link', 'match'))
      const rows = prepared(
        db,
        `SELECT r.category AS category, r.link_status AS status, count(*) AS count
         FROM json_each(?) s CROSS JOIN resources r ON r.row_id = s.value ${clause.sql}
         GROUP BY r.category, r.link_status`,
      ).all(JSON.stringify(set.sample), ...clause.params) as Cell[]
      return { rows, scale: scaleOf(set) }
    }
    const clause = where(filterClauses(filters, 'category', 'link'))
    const rows = prepared(
      db,
      `SELECT r.category AS category, r.link_status AS status, count(*) AS count
       FROM resources r ${clause.sql} GROUP BY r.category, r.link_status`,
    ).all(...clause.params) as Cell[]
    return { rows, scale: 1 }
  })
}

/**
 * The category and link facets and the total, from one table of counts. Every
 * resource has exactly one category and one link status, so counting the rows of
 * every other filter by both gives a table whose sums are each: the category
 * facet sums the chosen statuses' cells, the link facet the chosen categories',
 * the total the cells chosen by both. Over resources_category_link_status this
 * reads no more than the category facet alone did.
 */
function categoryAndLinkFacets(
  db: Sqlite,
  filters: ResourceFilters,
): { category: FacetCount[]; link: FacetCount[]; total: number; counted: number } {
  const { rows, scale } = cells(db, filters)
  const chosenCategories = new Set(filters.categories)
  const chosenStatuses = new Set(filters.linkStatuses)
  const byCategory = new Map<string, number>()
  const byStatus = new Map<LinkStatus, number>()
  let total = 0
  for (const { category, status, count } of rows) {
    const categoryChosen = chosenCategories.size === 0 || chosenCategories.has(category)
    const statusChosen = chosenStatuses.size === 0 || chosenStatuses.has(status)
    if (statusChosen) byCategory.set(category, (byCategory.get(category) ?? 0) + count)
    if (categoryChosen) byStatus.set(status, (byStatus.get(status) ?? 0) + count)
    if (categoryChosen && statusChosen) total += count
  }
  return {
    category: listCategories(db).flatMap(({ slug, name }) => {
      const count = byCategory.get(slug) ?? 0
      return count > 0 ? [{ value: slug, name, count: Math.round(count * scale) }] : []
    }),
    // Always the six statuses, in their fixed order, zeros included: a closed set a UI lays out once.
    link: LINK_STATUSES.map((status) => ({
      value: status,
      name: LINK_STATUS_NAMES[status],
      count: Math.round((byStatus.get(status) ?? 0) * scale),
    })),
    total: Math.round(total * scale),
    counted: total,
  }
}

/** The most frequent tags over the rows of every filter but the tag filter. */
function tagFacet(db: Sqlite, filters: ResourceFilters): FacetCount[] {
  const key = JSON.stringify(['tags', filters.categories, filters.hosts, filters.linkStatuses, filters.match])
  return remembered(db, key, () => {
    const set = sampled(db, filters)
    if (set) return sampledTagFacet(db, filters, set)
    const unfiltered =
      filters.match === null &&
      filters.categories.length === 0 &&
      filters.hosts.length === 0 &&
      filters.linkStatuses.length === 0
    // Over the whole catalog the tags table holds each tag's count already.
    if (unfiltered)
      return listTags(db)
        .slice(0, FACET_TAG_LIMIT)
        .map(({ slug, name, count }) => ({ value: slug, name, count }))
    const clause = where(filterClauses(filters, 'tag'))
    return prepared(
      db,
      `SELECT t.slug AS value, t.name AS name, count(*) AS count
       FROM resource_tags rt JOIN resources r ON r.row_id = rt.resource_row_id JOIN tags t ON t.slug = rt.tag
       ${clause.sql} GROUP BY t.slug ORDER BY count DESC, t.slug LIMIT ${FACET_TAG_LIMIT}`,
    ).all(...clause.params) as FacetCount[]
  })
}

function sampledTagFacet(
  db: Sqlite,
  filters: ResourceFilters,
  set: SearchSet & { sample: number[] },
): FacetCount[] {
  const clause = where(filterClauses(filters, 'tag', 'match'))
  // The sampled rows themselves are read only when a filter needs their columns.
  const rows = prepared(
    db,
    clause.sql === ''
      ? `SELECT rt.tag AS value, count(*) AS count
         FROM json_each(?) s CROSS JOIN resource_tags rt ON rt.resource_row_id = s.value GROUP BY rt.tag`
      : `SELECT rt.tag AS value, count(*) AS count
         FROM json_each(?) s CROSS JOIN resources r ON r.row_id = s.value
         CROSS JOIN resource_tags rt ON rt.resource_row_id = r.row_id ${clause.sql} GROUP BY rt.tag`,
  ).all(JSON.stringify(set.sample), ...clause.params) as { value: string; count: number }[]
  const names = new Map(listTags(db).map((tag) => [tag.slug, tag.name]))
  const scale = scaleOf(set)
  return rows
    .map(({ value, count }) => ({ value, name: names.get(value) ?? value, count: Math.round(count * scale) }))
    .sort((a, b) => b.count - a.count || (a.value < b.value ? -1 : a.value > b.value ? 1 : 0))
    .slice(0, FACET_TAG_LIMIT)
}

// Below this many sampled matches passing a search's other filters, the estimate
// of the total is off by more than a tenth (one standard error): the total is then
// counted in one pass over the matches instead (host=, a rare tag), and the facets
// stay estimates.
export const PRECISE_BELOW = 100

/** The total and facets of a list: exact, or estimated for a search of many matches. */
export function summarize(db: Sqlite, filters: ResourceFilters): Summary {
  // Whole summaries are remembered too, so a further page of a list costs only its rows.
  return remembered(db, allFiltersKey('summary', filters), () => {
    const { category, link, total, counted } = categoryAndLinkFacets(db, filters)
    const set = sampled(db, filters)
    let shown = total
    if (set) {
      // A search alone is counted exactly by its search set.
      if (!hasOtherFilters(filters)) shown = set.size
      else if (counted < PRECISE_BELOW) shown = exactCount(db, filters)
    }
    return { total: shown, estimated: set !== null, facets: { category, tag: tagFacet(db, filters), link } }
  })
}

/** The filters' rows counted one by one: for a search, one pass over all its matches. */
function exactCount(db: Sqlite, filters: ResourceFilters): number {
  return remembered(db, allFiltersKey('count', filters), () => {
    const clause = where(filterClauses(filters))
    const { n } = prepared(db, `SELECT count(*) AS n FROM resources r ${clause.sql}`).get(
      ...clause.params,
    ) as {
      n: number
    }
    return n
  })
}

/**
 * How many resources match, exactly, whatever the size: what an export sends as
 * X-Total-Count. Beyond the threshold a search with other filters is counted in
 * one pass over its matches, which only an export (reading them all) pays for.
 */
export function countResources(db: Sqlite, filters: ResourceFilters): number {
  const set = sampled(db, filters)
  if (!set) return summarize(db, filters).total
  return hasOtherFilters(filters) ? exactCount(db, filters) : set.size
}

/**
 * Whether anything matches (typo correction's "finds nothing"). An estimated total
 * is never 0 when something matches: a search alone is counted exactly, and one
 * whose other filters let fewer than PRECISE_BELOW sampled matches through is
 * counted exactly too.
 */
export function hasResources(db: Sqlite, filters: ResourceFilters): boolean {
  return summarize(db, filters).total > 0
}
