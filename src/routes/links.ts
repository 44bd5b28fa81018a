import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod'
import { LINK_STATUSES } from '../ingest/link-status.js'
import { invalidParams } from '../plugins/problems.js'
import { linkHealthSummary, listLinkReport } from '../queries/links.js'
import { LinkReportQuerySchema, LinkReportSchema, MAX_LINK_REPORT_LIMIT } from '../schemas/links.js'
import { type ParamError, problemResponses } from '../schemas/problem.js'
import { resolveLinkStatuses } from './link-status-param.js'
import { linkHeader, withParams } from './resource-list.js'

const NOT_OK = LINK_STATUSES.filter((status) => status !== 'ok')

/** GET /v1/links: the dataset's link health, for a status page or the curator's to-do list. */
const links: FastifyPluginAsyncZod = async (app) => {
  app.get(
    '/links',
    {
      schema: {
        operationId: 'getLinkHealth',
        summary: 'Link health of the whole dataset',
        description:
          'Counts by status, the oldest and newest check, and the resources whose link is not ok (or has the statuses given), in page order with their line on the page.',
        tags: ['links'],
        querystring: LinkReportQuerySchema,
        response: { 200: LinkReportSchema, 400: problemResponses[400] },
      },
    },
    async (request, reply) => {
      const errors: ParamError[] = []
      const chosen = resolveLinkStatuses(request.query.status, 'status', errors)
      if (errors.length > 0) throw invalidParams(errors)
      // Listed in the fixed order whatever order they were asked in.
      const statuses = chosen.length > 0 ? LINK_STATUSES.filter((s) => chosen.includes(s)) : NOT_OK
      const limit = request.query.limit ?? MAX_LINK_REPORT_LIMIT
      const offset = request.query.offset ?? 0
      const { counts, checkedAt } = linkHealthSummary(app.db)
      const total = statuses.reduce((sum, status) => sum + counts[status], 0)
      const data = listLinkReport(app.db, statuses, limit, offset)

      const [path = '/', rawQuery = ''] = request.url.split('?', 2)
      const search = new URLSearchParams(rawQuery)
      const at = (start: number) => ({ offset: start > 0 ? String(start) : null })
      const lastOffset = total === 0 ? 0 : Math.floor((total - 1) / limit) * limit
      const pageLinks = {
        self: withParams(path, search, {}),
        first: withParams(path, search, at(0)),
        last: withParams(path, search, at(lastOffset)),
        next: offset + data.length < total ? withParams(path, search, at(offset + limit)) : null,
        prev: offset > 0 ? withParams(path, search, at(Math.max(0, offset - limit))) : null,
      }
      reply.header('link', linkHeader(pageLinks))
      reply.header('x-total-count', String(total))
      return { counts, checkedAt, data, meta: { total, limit, offset, statuses }, links: pageLinks }
    },
  )
}

export default links
