import type { StaticDocumentSpec, SwaggerOptions } from '@fastify/swagger'
import Fastify, { type FastifyInstance, type FastifyServerOptions, type RouteOptions } from 'fastify'
import fp from 'fastify-plugin'
import { jsonSchemaTransform, jsonSchemaTransformObject } from 'fastify-type-provider-zod'
import { packageInfo } from '../paths.js'
import { serveLazily } from './lazy-app.js'

export const OPENAPI_INFO = {
  title: 'Docker resources API',
  version: packageInfo.version,
  description:
    'The curated Docker learning resources of the Full Stack Python "Docker" page, as filterable, searchable JSON. Errors are RFC 9457 problem details (application/problem+json).',
  license: { name: 'MIT', identifier: 'MIT' },
  // The project has no public home page yet: the contact names who answers for the
  // API without inventing a URL. Add `url` or `email` once there is one.
  contact: { name: 'docker-resources-api maintainers' },
}

/**
 * Relative, so the document is right wherever the API is served: a client resolves
 * it against the URL it fetched the document from (what /docs does), or is given its
 * base URL (the typed client). The API's own links (links.next, Link headers) are
 * root-relative paths too, so a base with a path prefix would break them as well.
 */
export const OPENAPI_SERVERS = [{ url: '/', description: 'The server this document is served from' }]

type Operation = {
  parameters?: { schema?: Record<string, unknown>; [keyword: string]: unknown }[]
  responses?: Record<
    string,
    { description?: string; content?: Record<string, { schema?: { $ref?: string } }> }
  >
}
type Document = {
  paths?: Record<string, Record<string, Operation>>
  components?: { schemas?: Record<string, { description?: string }> }
}

/**
 * The transform registers every named zod schema twice, as input and output.
 * Named schemas here describe responses only, so the input copies are noise to
 * a client generating types, and are dropped.
 */
function dropInputCopies(schemas: Record<string, unknown>) {
  for (const name of Object.keys(schemas)) {
    if (name.endsWith('Input') && name.slice(0, -'Input'.length) in schemas) delete schemas[name]
  }
}

/** Keywords of a Parameter Object that a parameter's schema may declare (listParam does). */
const PARAMETER_KEYWORDS = ['style', 'explode'] as const

/**
 * A parameter's schema may say how the parameter is written in a URL (listParam's
 * arrays: repeated, tag=a&tag=b). @fastify/swagger reads style and explode only for
 * a whole querystring, so they are moved from each schema onto its own parameter.
 */
function hoistSerialization(operation: Operation) {
  for (const parameter of operation.parameters ?? []) {
    for (const keyword of PARAMETER_KEYWORDS) {
      if (parameter.schema && keyword in parameter.schema) {
        parameter[keyword] = parameter.schema[keyword]
        delete parameter.schema[keyword]
      }
    }
  }
}

/** A response @fastify/swagger could only call "Default Response" is described by the schema it returns. */
function describeResponses(operation: Operation, schemas: Record<string, { description?: string }>) {
  for (const response of Object.values(operation.responses ?? {})) {
    if (response.description !== 'Default Response') continue
    const ref = Object.values(response.content ?? {})[0]?.schema?.$ref ?? ''
    const description = schemas[ref.replace('#/components/schemas/', '')]?.description
    if (description) response.description = description
  }
}

/**
 * Every operation may also answer 429 (rate limit), 503 (overloaded) or 500, always
 * as a problem (problems.ts): documented once per operation as its `default`
 * response, so a typed client types every error body, not just the listed ones.
 */
function documentOtherErrors(operation: Operation, schemas: Record<string, unknown>) {
  if (!('Problem' in schemas) || !operation.responses || 'default' in operation.responses) return
  operation.responses.default = {
    description: 'Any other error, e.g. 429 over the rate limit, 503 overloaded or 500',
    content: { 'application/problem+json': { schema: { $ref: '#/components/schemas/Problem' } } },
  }
}

/** Finishes the generated document for client generators and linters, every route alike. */
const finishDocument: typeof jsonSchemaTransformObject = (input) => {
  const openapi = jsonSchemaTransformObject(input) as Document
  const schemas = openapi.components?.schemas ?? {}
  dropInputCopies(schemas)
  for (const item of Object.values(openapi.paths ?? {})) {
    for (const operation of Object.values(item)) {
      hoistSerialization(operation)
      describeResponses(operation, schemas)
      documentOtherErrors(operation, schemas)
    }
  }
  return openapi as ReturnType<typeof jsonSchemaTransformObject>
}

const SWAGGER_OPTIONS = {
  openapi: {
    openapi: '3.1.0',
    info: OPENAPI_INFO,
    servers: OPENAPI_SERVERS,
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
  transformObject: finishDocument,
} satisfies SwaggerOptions

/** The document, as an object (for the /docs page) and as JSON; YAML when first asked for. */
type Generated = { document: StaticDocumentSpec['document']; json: string; yaml: () => string }

// The app that generates the document only reads its routes' schemas; it never
// validates or answers a request.
const describeOnly = {
  buildValidator: () => () => () => true,
  buildSerializer: () => () => JSON.stringify,
} as unknown as NonNullable<FastifyServerOptions['schemaController']>['compilersFactory']

/**
 * @fastify/swagger over a throwaway app holding the same routes (method, URL,
 * schema, config: all it reads of a route), so neither it nor its JSON Schema
 * resolver is loaded until the document is first asked for. At start-up they took
 * 3.5 ms of a Node 24 start's ~245 ms of CPU (21 starts pinned to one core) and
 * 0.46 MB of heap. The app is closed once the document is written.
 */
async function generate(routes: RouteOptions[]): Promise<Generated> {
  const { default: swagger } = await import('@fastify/swagger')
  const generator = Fastify({
    logger: false,
    exposeHeadRoutes: false,
    schemaController: { compilersFactory: describeOnly },
  })
  await generator.register(swagger, SWAGGER_OPTIONS)
  for (const { method, url, schema, config } of routes) {
    generator.route({ method, url, schema, config, handler: async () => null })
  }
  await generator.ready()
  // @fastify/swagger's own function, which keeps what it read of the routes, not
  // the app: YAML is written (and yaml loaded) only if /openapi.yaml is asked for.
  const describe = generator.swagger
  // 3.1, which the static mode's types predate
  const document = describe() as StaticDocumentSpec['document']
  const generated = { document, json: JSON.stringify(document), yaml: () => describe({ yaml: true }) }
  await generator.close()
  return generated
}

/**
 * The OpenAPI document, generated from the routes' zod schemas on the first request
 * for it, served as /openapi.json and /openapi.yaml, with the interactive page at
 * /docs.
 */
async function docs(app: FastifyInstance, options: { ui: boolean }) {
  // Every route registered after this plugin, as @fastify/swagger would collect
  // them (HEAD routes are GET's, and it leaves them out).
  const routes: RouteOptions[] = []
  app.addHook('onRoute', (route) => {
    if (route.method !== 'HEAD') routes.push(route)
  })
  let generated: Promise<Generated> | null = null
  const document = () =>
    (generated ??= generate(routes).catch((error: unknown) => {
      generated = null // the next request tries again
      throw error
    }))

  app.get('/openapi.json', { schema: { hide: true } }, async (_request, reply) =>
    reply.type('application/json; charset=utf-8').send((await document()).json),
  )
  app.get('/openapi.yaml', { schema: { hide: true } }, async (_request, reply) =>
    reply.type('application/yaml; charset=utf-8').send((await document()).yaml()),
  )

  // The interactive page, swagger-ui, built on the first request to /docs.
  if (options.ui) {
    serveLazily(app, ['/docs', '/docs/*'], async () => {
      const [
        { default: swagger },
        { default: swaggerUi },
        { default: compress },
        { document: generatedDocument },
      ] = await Promise.all([
        import('@fastify/swagger'),
        import('@fastify/swagger-ui'),
        import('@fastify/compress'),
        document(),
      ])
      const ui = Fastify({ logger: false })
      // The document as this app generated it.
      await ui.register(swagger, {
        mode: 'static',
        specification: { document: generatedDocument },
      })
      // The page's scripts and styles are streamed from disk, so they are compressed
      // here (the response cache compresses only the API's own bodies).
      await ui.register(compress, { encodings: ['br', 'gzip'], threshold: 1024 })
      await ui.register(swaggerUi, { routePrefix: '/docs', uiConfig: { deepLinking: true } })
      return ui
    })
  }
}

export default fp(docs, { name: 'docs', fastify: '5.x' })
