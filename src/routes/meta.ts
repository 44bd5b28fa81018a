import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod'
import { packageInfo } from '../paths.js'
import { sendProblem } from '../plugins/problems.js'
import { getDatasetInfo } from '../queries/dataset.js'
import { ApiIndexSchema, HealthSchema, NoQuerySchema, ReadySchema } from '../schemas/catalog.js'
import { problemResponse, problemResponses } from '../schemas/problem.js'

/** The API's front door (/v1) and the health endpoints operators and orchestrators poll. */
const meta: FastifyPluginAsyncZod = async (app) => {
  app.get(
    '/v1',
    {
      schema: {
        operationId: 'getApiIndex',
        summary: 'What this API serves, and where',
        description:
          'The entry point: the API name and version, the dataset being served (source hash, when it was seeded, counts) and the URLs of the other endpoints.',
        tags: ['meta'],
        querystring: NoQuerySchema,
        response: { 200: ApiIndexSchema, 400: problemResponses[400] },
      },
    },
    async () => ({
      name: packageInfo.name,
      version: packageInfo.version,
      description: packageInfo.description,
      dataset: getDatasetInfo(app.db),
      links: {
        resources: '/v1/resources',
        search: '/v1/resources?q={query}',
        categories: '/v1/categories',
        categoryResources: '/v1/categories/{slug}/resources',
        tags: '/v1/tags',
        links: '/v1/links',
        docs: '/docs',
        openapi: '/openapi.json',
      },
    }),
  )

  app.get(
    '/healthz',
    {
      config: { health: true },
      schema: {
        operationId: 'getHealth',
        summary: 'Liveness: the process is up',
        description:
          'Answers 200 while the process runs, without touching the database: for liveness probes. Never rate-limited, cached or logged.',
        tags: ['health'],
        response: { 200: HealthSchema },
      },
    },
    async () => ({ status: 'ok' as const }),
  )

  app.get(
    '/readyz',
    {
      config: { health: true },
      schema: {
        operationId: 'getReadiness',
        summary: 'Readiness: the database is open and holds resources, and the server is not shutting down',
        description:
          'Answers 200 with the resource count once the database can be read and holds resources; 503 problem otherwise (code not_ready), and from SIGTERM until the server closes (code shutting_down), so load balancers stop sending before the port closes. For readiness probes and load balancers; never rate-limited, cached or logged.',
        tags: ['health'],
        response: { 200: ReadySchema, 503: problemResponse('Not ready') },
      },
    },
    async (_request, reply) => {
      // While shutting down the server still answers everything else: this 503 is
      // what tells a load balancer to route new requests elsewhere before it closes.
      if (app.draining) {
        return sendProblem(reply, 503, { detail: 'The server is shutting down.', code: 'shutting_down' })
      }
      try {
        const { resources } = getDatasetInfo(app.db)
        if (resources > 0) return { status: 'ready' as const, resources }
        return sendProblem(reply, 503, { detail: 'The database holds no resources.', code: 'not_ready' })
      } catch {
        return sendProblem(reply, 503, { detail: 'The database cannot be read.', code: 'not_ready' })
      }
    },
  )
}

export default meta
