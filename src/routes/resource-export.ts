import { Readable } from 'node:stream'
import type { FastifyReply, FastifyRequest } from 'fastify'
import { openReader, type Sqlite } from '../db/open.js'
import { csvColumns, csvHeader, csvRow, DEFAULT_CSV_FIELDS } from '../exports/csv.js'
import * as markdown from '../exports/markdown.js'
import { CONTENT_TYPES, FILE_NAMES, type Format } from '../exports/media-types.js'
import { ProblemError } from '../plugins/problems.js'
import { type Category, listCategories } from '../queries/categories.js'
import { markMatches } from '../queries/highlights.js'
import {
  type ExportQuery,
  type ExportRow,
  exportResource,
  firstPageSlug,
  iterateExport,
  keyAtOffset,
} from '../queries/resource-export.js'
import { type Resource, searchMatch } from '../queries/resources.js'
import { RESOURCE_FIELDS, type ResourceField } from '../schemas/resources.js'
import { pickFields } from './resource-fields.js'

// Streams an export: rows are read one at a time from a connection of the
// export's own, turned into text, and handed to the response in chunks of about
// 64 KB as the client reads them (Readable.from pulls the generator only when the
// socket wants more), so memory stays flat whatever the catalog's size. A client
// that goes away stops the generator, which closes its connection.

export type ExportFormat = Exclude<Format, 'json'>

export type ExportPlan = {
  format: ExportFormat
  query: Omit<ExportQuery, 'links' | 'category'>
  /** fields=, or null for the format's default columns. */
  fields: ResourceField[] | null
  /** How many resources the export holds (X-Total-Count). */
  count: number
}

const CHUNK_CHARS = 64 * 1024
/**
 * Exports streaming at once, per process. Each holds a connection and a share of
 * the CPU for seconds at 100,000 resources; past this many, a new one is refused
 * with 503 and Retry-After rather than slowing every answer down.
 */
export const MAX_CONCURRENT_EXPORTS = 8
const EXPORT_RETRY_AFTER_SECONDS = 5
let streaming = 0
/** Search marks are made for this many rows at a time, on the server's connection. */
const MARK_BATCH = 100

const NDJSON_FIELDS = RESOURCE_FIELDS.filter((field) => field !== 'match')

function* chunks(pieces: Iterable<string>): Generator<string> {
  let buffer = ''
  for (const piece of pieces) {
    buffer += piece
    if (buffer.length >= CHUNK_CHARS) {
      yield buffer
      buffer = ''
    }
  }
  if (buffer !== '') yield buffer
}

function* withMatches(db: Sqlite, match: string, rows: ExportRow[]): Generator<Resource> {
  const marked = markMatches(db, match, rows)
  for (const row of rows) {
    const resource = exportResource(row)
    const marks = marked.get(row.row_id)
    if (marks) resource.match = searchMatch(row.rank, marks)
    yield resource
  }
}

/**
 * The resources of each query in turn, read on a connection opened for the
 * export and closed when the generator ends, fails or is abandoned.
 */
function* exportedResources(
  db: Sqlite,
  queries: (reader: Sqlite) => ExportQuery[],
  marks: boolean,
): Generator<Resource> {
  const reader = openReader(db.name)
  try {
    for (const query of queries(reader)) {
      if (!marks || query.match === null) {
        for (const row of iterateExport(reader, query)) yield exportResource(row)
        continue
      }
      // highlight() on the catalog's index costs a pass over every match per
      // query, so marks are made a batch at a time, like a page's.
      let batch: ExportRow[] = []
      for (const row of iterateExport(reader, query)) {
        batch.push(row)
        if (batch.length === MARK_BATCH) {
          yield* withMatches(db, query.match, batch)
          batch = []
        }
      }
      yield* withMatches(db, query.match, batch)
    }
  } finally {
    reader.close()
  }
}

function* csvLines(resources: Iterable<Resource>, fields: readonly ResourceField[]): Generator<string> {
  const columns = csvColumns(fields)
  yield csvHeader(columns)
  for (const resource of resources) yield csvRow(resource, columns)
}

function* ndjsonLines(resources: Iterable<Resource>, fields: readonly ResourceField[]): Generator<string> {
  for (const resource of resources) yield `${JSON.stringify(pickFields(resource, fields))}\n`
}

/** Headings in page order; the introduction (no heading) first, as on the page. */
function pageOrder(categories: Category[]): Category[] {
  return [...categories].sort(
    (a, b) => Number(a.heading !== null) - Number(b.heading !== null) || a.position - b.position,
  )
}

function* markdownLines(
  resources: Iterable<Resource>,
  categories: Category[],
  pageSlug: string,
): Generator<string> {
  yield markdown.frontMatter(pageSlug)
  const headings = new Map(categories.map((category) => [category.slug, category.heading ?? category.name]))
  let section: string | null = null
  let first = true
  for (const resource of resources) {
    if (first || resource.category !== section) {
      const heading = headings.get(resource.category) ?? resource.category
      const intro = categories.find((category) => category.slug === resource.category)?.heading === null
      // The introduction's items open the page; any other section gets its heading.
      if (!(first && intro)) yield `${first ? '' : '\n'}${markdown.heading(heading)}`
      section = resource.category
      first = false
    }
    yield markdown.item(resource, pageSlug)
  }
}

/**
 * The Markdown export's queries: grouped by section in page order, each section
 * in the requested order. limit, offset and cursor pick rows in the requested
 * order first: a limited export (at most 100 rows) is read whole and grouped; an
 * offset becomes the sort key of the row before it, as a cursor carries it.
 */
function markdownQueries(plan: ExportPlan, categories: Category[]): (reader: Sqlite) => ExportQuery[] {
  return (reader) => {
    const base: ExportQuery = { ...plan.query, links: true }
    if (plan.query.limit !== null) return [base]
    let after = plan.query.after
    if (after === null && plan.query.offset > 0) {
      after = keyAtOffset(reader, base, plan.query.offset - 1)
      if (after === null) return []
    }
    const chosen = new Set(plan.query.categories)
    return pageOrder(categories)
      .filter((category) => chosen.size === 0 || chosen.has(category.slug))
      .map((category) => ({ ...base, after, offset: 0, category: category.slug }))
  }
}

function groupBySection(resources: Iterable<Resource>, categories: Category[]): Resource[] {
  const order = new Map(pageOrder(categories).map((category, index) => [category.slug, index]))
  // Array.prototype.sort is stable: each section keeps the requested order.
  return [...resources].sort((a, b) => (order.get(a.category) ?? 0) - (order.get(b.category) ?? 0))
}

function body(db: Sqlite, plan: ExportPlan): Iterable<string> {
  if (plan.format === 'markdown') {
    const categories = listCategories(db)
    const resources = exportedResources(db, markdownQueries(plan, categories), false)
    const ordered = plan.query.limit !== null ? groupBySection(resources, categories) : resources
    return markdownLines(ordered, categories, firstPageSlug(db))
  }
  const fields = plan.fields ?? (plan.format === 'csv' ? DEFAULT_CSV_FIELDS : NDJSON_FIELDS)
  const query: ExportQuery = { ...plan.query, links: fields.includes('links') }
  const resources = exportedResources(db, () => [query], fields.includes('match'))
  return plan.format === 'csv' ? csvLines(resources, fields) : ndjsonLines(resources, fields)
}

/** Sends the export with its headers; the rows are read only once the body is wanted. */
export function sendExport(db: Sqlite, request: FastifyRequest, reply: FastifyReply, plan: ExportPlan) {
  if (streaming >= MAX_CONCURRENT_EXPORTS && request.method !== 'HEAD') {
    reply.header('retry-after', String(EXPORT_RETRY_AFTER_SECONDS))
    throw new ProblemError(
      503,
      'too_many_exports',
      `${MAX_CONCURRENT_EXPORTS} exports are streaming already; retry in ${EXPORT_RETRY_AFTER_SECONDS} s.`,
    )
  }
  reply.type(CONTENT_TYPES[plan.format])
  reply.header('content-disposition', `attachment; filename="${FILE_NAMES[plan.format]}"`)
  reply.header('x-total-count', String(plan.count))
  return reply.sendStreamed(`${plan.format}\n${request.url}`, () => {
    const stream = Readable.from(chunks(body(db, plan)), { objectMode: false })
    streaming++
    stream.once('close', () => {
      streaming--
    })
    return stream
  })
}
