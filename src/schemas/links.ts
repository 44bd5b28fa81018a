import { z } from 'zod'
import { LINK_STATUSES } from '../ingest/link-status.js'
import { SourceSchema } from '../ingest/record.js'
import { PageLinksSchema } from './page-links.js'
import { integerParam, listParam } from './params.js'

export const MAX_LINK_REPORT_LIMIT = 100

export const LinkStatusValueSchema = z
  .enum(LINK_STATUSES)
  .describe(
    'ok: answered 2xx directly, or after hops that only add https, www. or a trailing slash. ' +
      'redirected: answered 2xx after other redirects (see finalUrl and permanent). ' +
      'broken: gone: 404, 410 or another 4xx, a name that does not resolve, a TLS failure, a redirect loop. ' +
      'blocked: the site refused the checker (401, 403, 429, a bot challenge); the page may well work in a browser. ' +
      'unreachable: timed out, refused or answered 5xx; possibly temporary, see consecutiveFailures. ' +
      'unchecked: not checked yet, or excluded from checking.',
  )

export const LinkHealthSchema = z
  .object({
    status: LinkStatusValueSchema,
    httpStatus: z
      .number()
      .int()
      .nullable()
      .describe(
        'The last HTTP status received; null when unchecked or when no answer came (DNS, TLS, timeout)',
      ),
    finalUrl: z
      .string()
      .nullable()
      .describe('Where the redirects ended; null when the URL answered without redirecting'),
    permanent: z
      .boolean()
      .describe('A redirect on the way was permanent (301 or 308): the page has moved for good'),
    suspectSoft404: z
      .boolean()
      .describe(
        'Answered 2xx but looks like a "not found" page (a deep link that ends on the home page, or a title saying 404). A hint for the curator; the status stays as it is',
      ),
    archiveUrl: z
      .string()
      .nullable()
      .describe(
        'The nearest Wayback Machine snapshot of a broken or blocked link; null when none was found or looked up',
      ),
    checkedAt: z
      .string()
      .nullable()
      .describe('When the link was last checked (ISO 8601, UTC); null when never'),
    consecutiveFailures: z
      .number()
      .int()
      .nonnegative()
      .describe(
        'Checks in a row that failed: 1 may be a blip, several a dead site. 0 when the last check succeeded or none ran',
      ),
  })
  .meta({
    id: 'LinkHealth',
    description: "The health of the resource's url when the link checker last ran (npm run check-links)",
  })

const LinkCountsSchema = z
  .object(
    Object.fromEntries(LINK_STATUSES.map((status) => [status, z.number().int().nonnegative()])) as {
      [K in (typeof LINK_STATUSES)[number]]: z.ZodNumber
    },
  )
  .describe('Resources by link status: all six, zeros included')

export const LinkReportItemSchema = z
  .object({
    id: z.string().describe('Resource id'),
    title: z.string(),
    url: z.string().describe('The URL as written on the page'),
    category: z.string().describe('Category slug'),
    source: SourceSchema.describe('Where the item is on the page'),
    link: LinkHealthSchema,
  })
  .meta({
    id: 'LinkReportItem',
    description: 'A resource whose link needs attention, and where it is on the page',
  })

export const LinkReportSchema = z
  .object({
    counts: LinkCountsSchema,
    checkedAt: z
      .object({
        oldest: z
          .string()
          .nullable()
          .describe('The oldest check (ISO 8601, UTC); null when nothing was checked'),
        newest: z.string().nullable().describe('The newest check; null when nothing was checked'),
      })
      .describe('When the links were checked'),
    data: z.array(LinkReportItemSchema).describe('Resources with the chosen statuses, in page order'),
    meta: z.object({
      total: z.number().int().describe('Resources with the chosen statuses, across all pages'),
      limit: z.number().int(),
      offset: z.number().int(),
      statuses: z.array(LinkStatusValueSchema).describe('The statuses listed in data'),
    }),
    links: PageLinksSchema,
  })
  .meta({
    id: 'LinkReport',
    description: 'The link health of the whole dataset, and the resources that need attention',
  })

export const LinkReportQuerySchema = z.strictObject({
  status: listParam(200)
    .optional()
    .describe(
      `Which statuses to list in data, comma-separated (${LINK_STATUSES.join(', ')}); default: every status but ok`,
    ),
  limit: integerParam(1, MAX_LINK_REPORT_LIMIT)
    .optional()
    .describe(`Page size, 1 to ${MAX_LINK_REPORT_LIMIT} (default ${MAX_LINK_REPORT_LIMIT})`),
  offset: integerParam(0, 1_000_000_000).optional().describe('Skip this many resources (default 0)'),
})
