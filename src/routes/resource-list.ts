import type { FastifyReply, FastifyRequest } from 'fastify'
import type { Sqlite } from '../db/open.js'
import { type Format, formatForAccept, SERVED_MEDIA_TYPES } from '../exports/media-types.js'
import { appendVary } from '../plugins/http-cache.js'
import { invalidParams, ProblemError } from '../plugins/problems.js'
import { findCategory, listCategories } from '../queries/categories.js'
import { decodeCursor, encodeCursor, queryFingerprint } from '../queries/cursor.js'
import { countResources, hasResources } from '../queries/resource-counts.js'
import { listResources } from '../queries/resource-pages.js'
import { type After, normalizeHost, type ResourceFilters, type Sort } from '../queries/resources.js'
import { correctSearch } from '../queries/search-correction.js'
import { toMatchExpression } from '../queries/search-text.js'
import { findTag, listTags } from '../queries/tags.js'
import type { ParamError } from '../schemas/problem.js'
import { DEFAULT_LIMIT, type ResourceListQuery } from '../schemas/resources.js'
import { resolveLinkStatuses } from './link-status-param.js'
import { sendExport } from './resource-export.js'
import { pickFields, resolveFields } from './resource-fields.js'

const LISTED_TAGS = 50

type ResolvedFilters = ResourceFilters & { words: string[] }

function resolveFilters(db: Sqlite, query: ResourceListQuery, errors: ParamError[]): ResolvedFilters {
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
  let words: string[] = []
  if (query.q !== undefined && query.q.trim() !== '') {
    const search = toMatchExpression(query.q)
    if (search.ok) {
      match = search.match
      words = search.words
    } else errors.push({ param: 'q', message: search.message })
  }
  return {
    categories: [...new Set(categories)],
    tags: [...new Set(tags)],
    hosts: [...new Set((query.host ?? []).map(normalizeHost))],
    linkStatuses,
    match,
    words,
  }
}

/**
 * Typo tolerance: a search that finds nothing is run again with its words
 * corrected to the index's vocabulary. Exact and prefix hits never mix with
 * corrected ones: a search that finds anything is answered as it is.
 */
function withCorrection(
  db: Sqlite,
  filters: ResolvedFilters,
): { filters: ResourceFilters; correctedQuery: string | null } {
  if (filters.match === null || hasResources(db, filters)) return { filters, correctedQuery: null }
  const corrected = correctSearch(db, filters.words)
  if (corrected === null) return { filters, correctedQuery: null }
  const alternative = { ...filters, match: corrected.match }
  // The corrected search found nothing either: the answer is the original's.
  if (!hasResources(db, alternative)) return { filters, correctedQuery: null }
  return { filters: alternative, correctedQuery: corrected.text }
}

/** The format asked for: format= if given, else the Accept header's choice (406 when it allows none). */
function chooseFormat(request: FastifyRequest, reply: FastifyReply, query: ResourceListQuery): Format {
  if (query.format !== undefined) return query.format
  appendVary(reply, 'accept')
  const format = formatForAccept(request.headers.accept)
  if (format === null) {
    const allowed = [...SERVED_MEDIA_TYPES]
    throw new ProblemError(
      406,
      'not_acceptable',
      `The Accept header allows none of the media types a list is served in: ${allowed.join(', ')} (or pass format=json, csv, ndjson or markdown).`,
      [{ param: 'Accept', message: `must allow one of ${allowed.join(', ')}`, allowed }],
    )
  }
  request.negotiatedFormat = format
  return format
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

type PageLinks = {
  self: string
  first: string
  last: string | null
  next: string | null
  prev: string | null
}

/** The page links as an RFC 8288 Link header. */
export function linkHeader(links: PageLinks): string {
  return (['next', 'prev', 'first', 'last'] as const)
    .filter((rel) => links[rel] !== null)
    .map((rel) => `<${links[rel]}>; rel="${rel}"`)
    .join(', ')
}

/**
 * Answers a resource list (GET /v1/resources and the per-category form): resolves
 * forgiving filter values, corrects a search that finds nothing, and answers a
 * page of JSON with the pagination links, the Link header and X-Total-Count, or
 * streams an export of every matching row (format= or Accept).
 */
export function answerResourceList(
  db: Sqlite,
  request: FastifyRequest,
  reply: FastifyReply,
  query: ResourceListQuery,
) {
  const errors: ParamError[] = []
  const resolved = resolveFilters(db, query, errors)
  const fields = resolveFields(query.fields, errors)
  const sort: Sort = query.sort ?? (resolved.match !== null ? 'relevance' : 'position')
  const effectiveSort: Sort = sort === 'relevance' && resolved.match === null ? 'position' : sort
  if (query.cursor !== undefined && query.offset !== undefined) {
    errors.push({ param: 'cursor', message: 'cannot be combined with offset; use one or the other' })
  }
  // Correction needs valid filters; with bad ones the answer is a 400 anyway.
  const { filters, correctedQuery } =
    errors.length === 0 && query.typos !== 'false'
      ? withCorrection(db, resolved)
      : { filters: resolved, correctedQuery: null }
  // The cursor belongs to the search that was run, corrected or not.
  const fingerprint = queryFingerprint(filters, effectiveSort)

  let offset = query.offset ?? 0
  let after: After | null = null
  if (query.cursor !== undefined && query.offset === undefined) {
    const decoded = decodeCursor(query.cursor, fingerprint, effectiveSort)
    if (decoded.ok) {
      after = decoded.cursor.after
      offset = decoded.cursor.offset
    } else errors.push({ param: 'cursor', message: decoded.message })
  }
  if (errors.length > 0) throw invalidParams(errors)

  const format = chooseFormat(request, reply, query)
  if (format !== 'json') {
    if (format === 'markdown' && fields !== null) {
      throw invalidParams([
        {
          param: 'fields',
          message:
            'does not apply to the Markdown export, whose items always hold title, URL and description',
        },
      ])
    }
    const total = countResources(db, filters)
    const remaining = Math.max(0, total - offset)
    return sendExport(db, request, reply, {
      format,
      fields,
      count: query.limit === undefined ? remaining : Math.min(query.limit, remaining),
      query: {
        ...filters,
        sort: effectiveSort,
        after,
        limit: query.limit ?? null,
        offset,
        expected: total,
      },
    })
  }

  const limit = query.limit ?? DEFAULT_LIMIT
  const include = fields && { links: fields.includes('links'), match: fields.includes('match') }
  const page = listResources(db, {
    ...filters,
    sort: effectiveSort,
    limit,
    offset,
    after,
    ...(include ? { include } : {}),
  })
  const [path = '/', rawQuery = ''] = request.url.split('?', 2)
  const search = new URLSearchParams(rawQuery)
  const nextCursor =
    page.hasNext && page.lastKey
      ? encodeCursor(fingerprint, effectiveSort, page.lastKey, offset + page.data.length)
      : null
  // An estimated total cannot say where the last page starts: no last link then,
  // and no X-Total-Count, which clients read as an exact count (meta.total holds
  // the estimate, with meta.totalIsEstimate).
  const lastOffset = page.total === 0 ? 0 : Math.floor((page.total - 1) / limit) * limit
  const links = {
    self: withParams(path, search, {}),
    first: withParams(path, search, { cursor: null, offset: null }),
    last: page.totalIsEstimate
      ? null
      : withParams(path, search, { cursor: null, offset: lastOffset > 0 ? String(lastOffset) : null }),
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
  if (!page.totalIsEstimate) reply.header('x-total-count', String(page.total))
  return {
    data: fields ? page.data.map((resource) => pickFields(resource, fields)) : page.data,
    meta: {
      total: page.total,
      totalIsEstimate: page.totalIsEstimate,
      limit,
      offset,
      nextCursor,
      facets: page.facets,
      correctedQuery,
    },
    links,
  }
}
