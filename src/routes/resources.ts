import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod'
import { invalidParams, ProblemError } from '../plugins/problems.js'
import { getResource } from '../queries/resources.js'
import type { Problem } from '../schemas/problem.js'
import { problemResponses } from '../schemas/problem.js'
import {
  ResourceListQuerySchema,
  ResourceParamsSchema,
  ResourceQuerySchema,
  resourceListResponses,
  SelectedResourceSchema,
} from '../schemas/resources.js'
import { pickFields, resolveFields } from './resource-fields.js'
import { answerResourceList } from './resource-list.js'

const resources: FastifyPluginAsyncZod = async (app) => {
  app.get(
    '/resources',
    {
      schema: {
        operationId: 'listResources',
        summary: 'List, filter and search resources',
        description:
          'Filters combine with AND; several values of one filter (comma-separated) combine with OR. Paginate with limit and offset, or follow links.next (keyset cursor). A search that finds nothing is retried with its typos corrected (meta.correctedQuery). fields= trims each resource; format= (or Accept) exports every matching row as CSV, NDJSON or Markdown.',
        tags: ['resources'],
        querystring: ResourceListQuerySchema,
        response: { ...resourceListResponses, 400: problemResponses[400] },
      },
    },
    async (request, reply) => answerResourceList(app.db, request, reply, request.query),
  )

  app.get(
    '/resources/:id',
    {
      schema: {
        operationId: 'getResource',
        summary: 'One resource by id',
        description:
          'The resource with this id. Ids are stable: made from the normalized URL alone, so reordering or retitling the page never changes them. 404 when no resource has the id.',
        tags: ['resources'],
        params: ResourceParamsSchema,
        querystring: ResourceQuerySchema,
        response: { 200: SelectedResourceSchema, 400: problemResponses[400], 404: problemResponses[404] },
      },
    },
    async (request) => {
      const errors: NonNullable<Problem['errors']> = []
      const fields = resolveFields(request.query.fields, errors)
      if (errors.length > 0) throw invalidParams(errors)
      const resource = getResource(app.db, request.params.id)
      if (!resource) throw new ProblemError(404, 'not_found', `No resource with id "${request.params.id}".`)
      return fields ? pickFields(resource, fields) : resource
    },
  )
}

export default resources
