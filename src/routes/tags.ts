import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod'
import { listTags } from '../queries/tags.js'
import { NoQuerySchema, TagListSchema } from '../schemas/catalog.js'
import { problemResponses } from '../schemas/problem.js'

const tags: FastifyPluginAsyncZod = async (app) => {
  app.get(
    '/tags',
    {
      schema: {
        summary: 'All tags with resource counts, most used first',
        tags: ['tags'],
        querystring: NoQuerySchema,
        response: { 200: TagListSchema, 400: problemResponses[400] },
      },
    },
    async () => ({ data: listTags(app.db) }),
  )
}

export default tags
