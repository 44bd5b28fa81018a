import compress from '@fastify/compress'
import swagger from '@fastify/swagger'
import swaggerUi from '@fastify/swagger-ui'
import type { FastifyInstance } from 'fastify'
import fp from 'fastify-plugin'
import { jsonSchemaTransform, jsonSchemaTransformObject } from 'fastify-type-provider-zod'
import { packageInfo } from '../paths.js'

export const OPENAPI_INFO = {
  title: 'Docker resources API',
  version: packageInfo.version,
  description:
    'The curated Docker learning resources of the Full Stack Python "Docker" page, as filterable, searchable JSON. Errors are RFC 9457 problem details (application/problem+json).',
  license: { name: 'MIT', identifier: 'MIT' },
}

/**
 * The transform registers every named zod schema twice, as input and output.
 * Named schemas here describe responses only, so the input copies are noise to
 * a client generating types, and are dropped.
 */
const withoutUnusedInputSchemas: typeof jsonSchemaTransformObject = (document) => {
  const openapi = jsonSchemaTransformObject(document) as {
    components?: { schemas?: Record<string, unknown> }
  }
  const schemas = openapi.components?.schemas
  if (schemas) {
    for (const name of Object.keys(schemas)) {
      if (name.endsWith('Input') && name.slice(0, -'Input'.length) in schemas) delete schemas[name]
    }
  }
  return openapi as ReturnType<typeof jsonSchemaTransformObject>
}

/**
 * The OpenAPI document, generated from the routes' zod schemas, served as
 * /openapi.json and /openapi.yaml, with the interactive page at /docs.
 */
async function docs(app: FastifyInstance, options: { ui: boolean }) {
  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: OPENAPI_INFO,
      tags: [
        { name: 'resources', description: 'Learning resources: list, filter, search, fetch one' },
        { name: 'categories', description: 'The sections of the page' },
        { name: 'tags', description: 'Technologies the resources cover' },
        { name: 'links', description: 'Link health: which resources still answer, as last checked' },
        { name: 'meta', description: 'About the API and its dataset' },
        { name: 'health', description: 'Liveness and readiness for operators' },
      ],
    },
    transform: jsonSchemaTransform,
    transformObject: withoutUnusedInputSchemas,
  })

  app.get('/openapi.json', { schema: { hide: true } }, async () => app.swagger())
  app.get('/openapi.yaml', { schema: { hide: true } }, async (_request, reply) =>
    reply.type('application/yaml; charset=utf-8').send(app.swagger({ yaml: true })),
  )

  if (options.ui) {
    // The page's scripts and styles are streamed from disk, so the response cache
    // (which compresses the API's own bodies) cannot compress them; @fastify/compress
    // does, in this scope only, so API answers never pass through its hooks.
    await app.register(async (ui) => {
      await ui.register(compress, { encodings: ['br', 'gzip'], threshold: 1024 })
      await ui.register(swaggerUi, { routePrefix: '/docs', uiConfig: { deepLinking: true } })
    })
  }
}

export default fp(docs, { name: 'docs', fastify: '5.x' })
