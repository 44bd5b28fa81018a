import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod'
import { listTags } from '../queries/tags.js'
import { NoQuerySchema, TagListSchema } from '../schemas/catalog.js'
import { problemResponses } from '../schemas/problem.js'

const tags: FastifyPluginAsyncZod = async (app) => {
  app.get(
    '/tags',
    {
      schema: {
        operationId: 'listTags',
        summary: 'All tags with resource counts, most used first',
        description:
          'Every tag with how many resources carry it, most used first (ties by slug). Filter resources with tag=.',
        tags: ['tags'],
        querystring: NoQuerySchema,
        response: { 200: TagListSchema, 400: problemResponses[400] },
      },
    },
    async () => ({ data: listTags(app.db) }),
  )
}

export default tags
