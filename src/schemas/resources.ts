import { z } from 'zod'
import { LINK_STATUSES } from '../ingest/link-status.js'
import { ResourceRecordSchema } from '../ingest/record.js'
import { SORTS } from '../queries/resources.js'
import { LinkHealthSchema } from './links.js'
import { integerParam, listParam, textParam } from './params.js'

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

const FacetCountSchema = z
  .object({ value: z.string(), name: z.string(), count: z.number().int() })
  .meta({ id: 'FacetCount' })

export const PageLinksSchema = z
  .object({
    self: z.string(),
    first: z.string(),
    last: z.string(),
    next: z.string().nullable(),
    prev: z.string().nullable(),
  })
  .meta({
    id: 'PageLinks',
    description: 'Relative URLs of this and neighbouring pages; next carries a cursor',
  })

export const ResourceListSchema = z
  .object({
    data: z.array(ResourceSchema),
    meta: z.object({
      total: z.number().int().describe('Resources matching the filters, across all pages'),
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
        .describe('Counts over the resources that match every other filter'),
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
