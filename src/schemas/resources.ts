import { z } from 'zod'
import { CONTENT_TYPES, FORMATS } from '../exports/media-types.js'
import { groupDigits } from '../group-digits.js'
import { LINK_STATUSES } from '../ingest/link-status.js'
import { ResourceRecordSchema } from '../ingest/record.js'
import { PRECISE_BELOW } from '../queries/resource-counts.js'
import { SORTS } from '../queries/resources.js'
import { ESTIMATE_ABOVE } from '../queries/search-set.js'
import { LinkHealthSchema } from './links.js'
import { PageLinksSchema } from './page-links.js'
import { integerParam, listParam, textParam } from './params.js'
import { problemResponse } from './problem.js'

export const MAX_LIMIT = 100
export const DEFAULT_LIMIT = 20
export const MAX_QUERY_LENGTH = 500

export const MatchSchema = z
  .object({
    score: z.number().describe('BM25 relevance; higher is better. Comparable within one search only'),
    title: z.string().describe('The title, HTML-escaped, with matched words wrapped in <mark>'),
    snippet: z.string().describe('An excerpt of the description, HTML-escaped, matched words in <mark>'),
  })
  .meta({ id: 'SearchMatch' })

export const ResourceSchema = ResourceRecordSchema.extend({
  category: z.string().describe('Category slug, e.g. general'),
  tags: z.array(z.string()).describe('Tag slugs, sorted'),
  host: z.string().describe('Host name of url, without www.'),
  position: z.number().int().describe('1-based order on the page: the curated order'),
  link: LinkHealthSchema,
  match: MatchSchema.optional().describe('Present on search results (q)'),
}).meta({ id: 'Resource', description: 'One learning resource from the page' })

export type ResourceField = keyof z.output<typeof ResourceSchema>
/** Every field a resource has, in the order answers give them: what fields= may name. */
export const RESOURCE_FIELDS = Object.keys(ResourceSchema.shape) as ResourceField[]

// With fields=, a resource holds id and the fields asked for. The answers are
// documented as Resource or ResourceFields: a typed client gets the full
// Resource type to narrow to, and a validator accepts both shapes.
export const ResourceFieldsSchema = ResourceSchema.partial().required({ id: true }).meta({
  id: 'ResourceFields',
  description: 'A resource with only the fields named in fields= (id always), in the usual order',
})
export const SelectedResourceSchema = z.union([ResourceSchema, ResourceFieldsSchema])

const FacetCountSchema = z
  .object({ value: z.string(), name: z.string(), count: z.number().int() })
  .meta({ id: 'FacetCount' })

const ESTIMATE_LIMIT = groupDigits(ESTIMATE_ABOVE)

export const ResourceListSchema = z
  .object({
    data: z.array(SelectedResourceSchema),
    meta: z.object({
      total: z
        .number()
        .int()
        .describe(
          'Resources matching the filters, across all pages: exact, or an estimate when totalIsEstimate is true',
        ),
      totalIsEstimate: z
        .boolean()
        .describe(
          `true when q matches more than ${ESTIMATE_LIMIT} resources: total and every facet count are then estimated from a sample of about ${ESTIMATE_LIMIT} of the matches (total is exact when q is the only filter, or when fewer than ${PRECISE_BELOW} sampled matches pass the other filters), links.last is null and X-Total-Count is not sent. Pages and cursors still reach every match, in exact order. false otherwise: every count is exact`,
        ),
      limit: z.number().int(),
      offset: z.number().int().describe('Index of the first returned resource among all matches'),
      nextCursor: z.string().nullable().describe('Pass as cursor to get the page after this one'),
      facets: z
        .object({
          category: z.array(FacetCountSchema),
          tag: z.array(FacetCountSchema).describe(`The most frequent tags, at most 50`),
          link: z
            .array(FacetCountSchema)
            .describe('Resources by link status: always the six statuses, in a fixed order, zeros included'),
        })
        .describe(
          'Counts over the resources that match every other filter; estimates when totalIsEstimate is true (a value no sampled match has is left out)',
        ),
      correctedQuery: z
        .string()
        .nullable()
        .describe(
          'When q found nothing and was answered with its typos corrected: the query that was run (a q of its own). null otherwise',
        ),
    }),
    links: PageLinksSchema,
  })
  .meta({ id: 'ResourceList', description: 'One page of resources, with totals, facets and links' })

const listFilters = {
  tag: listParam(1000).optional().describe('Tag slugs or names, comma-separated: resources with any of them'),
  host: listParam(1000).optional().describe('Host names (www. ignored), comma-separated'),
  link: listParam(200)
    .optional()
    .describe(
      `Link statuses (${LINK_STATUSES.join(', ')}), comma-separated: resources whose link has any of them`,
    ),
  q: textParam(MAX_QUERY_LENGTH)
    .optional()
    .describe(
      'Full-text search over title, description and tags; the last word matches as a prefix. Plain words only: operators and punctuation are ignored',
    ),
  typos: z
    .enum(['true', 'false'], { error: 'must be true or false' })
    .optional()
    .describe(
      'true (default): when q finds nothing, search again with each word corrected to the index vocabulary (meta.correctedQuery says so); false: never',
    ),
  sort: z
    .enum(SORTS, { error: `must be one of ${SORTS.join(', ')}` })
    .optional()
    .describe('position (default), -position, title, -title, or relevance (default when q is given)'),
  limit: integerParam(1, MAX_LIMIT)
    .optional()
    .describe(`Page size, 1 to ${MAX_LIMIT} (default ${DEFAULT_LIMIT})`),
  offset: integerParam(0, 1_000_000_000).optional().describe('Skip this many results (default 0)'),
  cursor: textParam(1000)
    .optional()
    .describe(
      'Opaque keyset cursor from links.next or meta.nextCursor; deep pages cost the same as the first',
    ),
  fields: fieldsParam().optional(),
  format: z
    .enum(FORMATS, { error: `must be one of ${FORMATS.join(', ')}` })
    .optional()
    .describe(
      'json, or an export of every matching row: csv, ndjson, markdown (limit and cursor apply only when given). Without it, the Accept header chooses',
    ),
}

export const CategoryResourcesQuerySchema = z.strictObject(listFilters)
export const ResourceListQuerySchema = z.strictObject({
  category: listParam(1000)
    .optional()
    .describe('Category slugs or names (any case, spaces or underscores), comma-separated: any of them'),
  ...listFilters,
})
export type ResourceListQuery = z.output<typeof ResourceListQuerySchema>

export const ResourceParamsSchema = z.object({ id: z.string().describe('Resource id') })
export const ResourceQuerySchema = z.strictObject({ fields: fieldsParam().optional() })

function fieldsParam() {
  return listParam(1000).describe(
    `Only these fields of each resource, comma-separated (id is always included): ${RESOURCE_FIELDS.join(', ')}`,
  )
}

const EXPORT_BODY = z.string()
/** A list answers JSON, or one of the exports; the 200 documents each media type. */
export const resourceListResponses = {
  200: {
    description:
      'One page of resources (JSON), or every matching resource as CSV, NDJSON or Markdown (format= or Accept)',
    content: {
      'application/json': { schema: ResourceListSchema },
      [CONTENT_TYPES.csv.split(';')[0] as string]: {
        schema: EXPORT_BODY.describe('RFC 4180, a header row, one row per resource; tags joined with |'),
      },
      [CONTENT_TYPES.ndjson]: { schema: EXPORT_BODY.describe('One resource object (JSON) per line') },
      [CONTENT_TYPES.markdown.split(';')[0] as string]: {
        schema: EXPORT_BODY.describe(
          "The page's own format: front matter, section headings, * [title](url) items",
        ),
      },
    },
  },
  406: problemResponse(
    'The Accept header allows none of the media types a list is served in; they are listed',
  ),
  503: problemResponse('Too many exports are streaming at once; retry after Retry-After seconds'),
} as const
