import type { FastifyReply, FastifyRequest } from 'fastify'
import type { Sqlite } from '../db/open.js'
import { invalidParams } from '../plugins/problems.js'
import { findCategory, listCategories } from '../queries/categories.js'
import { decodeCursor, encodeCursor, queryFingerprint } from '../queries/cursor.js'
import {
  type After,
  listResources,
  normalizeHost,
  type ResourceFilters,
  type Sort,
} from '../queries/resources.js'
import { toMatchExpression } from '../queries/search-text.js'
import { findTag, listTags } from '../queries/tags.js'
import type { Problem } from '../schemas/problem.js'
import { DEFAULT_LIMIT, type ResourceListQuery } from '../schemas/resources.js'
import { resolveLinkStatuses } from './link-status-param.js'

type ParamError = NonNullable<Problem['errors']>[number]

const LISTED_TAGS = 50

function resolveFilters(db: Sqlite, query: ResourceListQuery, errors: ParamError[]): ResourceFilters {
  const categories: string[] = []
  const all = listCategories(db)
  for (const value of query.category ?? []) {
    const category = findCategory(all, value)
    if (category) categories.push(category.slug)
    else {
      errors.push({
        param: 'category',
        message: `unknown category "${value}"; valid: ${all.map((c) => c.slug).join(', ')}`,
        allowed: all.map((c) => c.slug),
      })
    }
  }
  const tags: string[] = []
  for (const value of query.tag ?? []) {
    const tag = findTag(db, value)
    if (tag) tags.push(tag.slug)
    else {
      const allowed = listTags(db)
        .slice(0, LISTED_TAGS)
        .map((t) => t.slug)
      errors.push({ param: 'tag', message: `unknown tag "${value}"; see /v1/tags for all tags`, allowed })
    }
  }
  const linkStatuses = resolveLinkStatuses(query.link, 'link', errors)
  let match: string | null = null
  if (query.q !== undefined && query.q.trim() !== '') {
    const search = toMatchExpression(query.q)
    if (search.ok) match = search.match
    else errors.push({ param: 'q', message: search.message })
  }
  return {
    categories: [...new Set(categories)],
    tags: [...new Set(tags)],
    hosts: [...new Set((query.host ?? []).map(normalizeHost))],
    linkStatuses,
    match,
  }
}

export function withParams(
  path: string,
  search: URLSearchParams,
  changes: Record<string, string | null>,
): string {
  const next = new URLSearchParams(search)
  for (const [key, value] of Object.entries(changes)) {
    if (value === null) next.delete(key)
    else next.set(key, value)
  }
  const text = next.toString()
  return text ? `${path}?${text}` : path
}

type PageLinks = { self: string; first: string; last: string; next: string | null; prev: string | null }

/** The page links as an RFC 8288 Link header. */
export function linkHeader(links: PageLinks): string {
  return (['next', 'prev', 'first', 'last'] as const)
    .filter((rel) => links[rel] !== null)
    .map((rel) => `<${links[rel]}>; rel="${rel}"`)
    .join(', ')
}

/**
 * Answers a resource list (GET /v1/resources and the per-category form): resolves
 * forgiving filter values, runs the query, and adds the pagination links, the
 * Link header and X-Total-Count.
 */
export function answerResourceList(
  db: Sqlite,
  request: FastifyRequest,
  reply: FastifyReply,
  query: ResourceListQuery,
) {
  const errors: ParamError[] = []
  const filters = resolveFilters(db, query, errors)
  const sort: Sort = query.sort ?? (filters.match !== null ? 'relevance' : 'position')
  const effectiveSort: Sort = sort === 'relevance' && filters.match === null ? 'position' : sort
  const limit = query.limit ?? DEFAULT_LIMIT
  const fingerprint = queryFingerprint(filters, effectiveSort)

  let offset = query.offset ?? 0
  let after: After | null = null
  if (query.cursor !== undefined) {
    if (query.offset !== undefined) {
      errors.push({ param: 'cursor', message: 'cannot be combined with offset; use one or the other' })
    } else {
      const decoded = decodeCursor(query.cursor, fingerprint, effectiveSort)
      if (decoded.ok) {
        after = decoded.cursor.after
        offset = decoded.cursor.offset
      } else errors.push({ param: 'cursor', message: decoded.message })
    }
  }
  if (errors.length > 0) throw invalidParams(errors)

  const page = listResources(db, { ...filters, sort: effectiveSort, limit, offset, after })
  const [path = '/', rawQuery = ''] = request.url.split('?', 2)
  const search = new URLSearchParams(rawQuery)
  const hasNext = offset + page.data.length < page.total && page.lastKey !== null
  const nextCursor =
    hasNext && page.lastKey
      ? encodeCursor(fingerprint, effectiveSort, page.lastKey, offset + page.data.length)
      : null
  const lastOffset = page.total === 0 ? 0 : Math.floor((page.total - 1) / limit) * limit
  const links = {
    self: withParams(path, search, {}),
    first: withParams(path, search, { cursor: null, offset: null }),
    last: withParams(path, search, { cursor: null, offset: lastOffset > 0 ? String(lastOffset) : null }),
    next: nextCursor ? withParams(path, search, { cursor: nextCursor, offset: null }) : null,
    prev:
      offset > 0
        ? withParams(path, search, {
            cursor: null,
            offset: offset - limit > 0 ? String(offset - limit) : null,
          })
        : null,
  }
  reply.header('link', linkHeader(links))
  reply.header('x-total-count', String(page.total))
  return {
    data: page.data,
    meta: { total: page.total, limit, offset, nextCursor, facets: page.facets },
    links,
  }
}
