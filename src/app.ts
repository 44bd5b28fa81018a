import { createServer, type Server } from 'node:http'
import cors from '@fastify/cors'
import Fastify, { type FastifyServerOptions, LogController } from 'fastify'
import { serializerCompiler, validatorCompiler, type ZodTypeProvider } from 'fastify-type-provider-zod'
import type { Config } from './config.js'
import accessLog from './plugins/access-log.js'
import { corsOptions } from './plugins/cors.js'
import database from './plugins/database.js'
import docs from './plugins/docs.js'
import drain from './plugins/drain.js'
import fastPath from './plugins/fast-path.js'
import httpCache from './plugins/http-cache.js'
import { clientErrorHandler, serverLimits } from './plugins/limits.js'
import loadShedding from './plugins/load-shedding.js'
import { LogDestination } from './plugins/log-destination.js'
import methodNotAllowed from './plugins/method-not-allowed.js'
import metrics from './plugins/metrics.js'
import problems, { sendProblem } from './plugins/problems.js'
import rateLimit from './plugins/rate-limit.js'
import { requestId } from './plugins/request-id.js'
import security from './plugins/security.js'
import categories from './routes/categories.js'
import homePage from './routes/home-page.js'
import links from './routes/links.js'
import meta from './routes/meta.js'
import resources from './routes/resources.js'
import tags from './routes/tags.js'

export type AppOptions = {
  /** Overrides the pino logger settings (tests pass false). */
  logger?: FastifyServerOptions['logger']
  /** Where log lines go when logger is not given: stdout, batched (tests pass their own). */
  logDestination?: LogDestination
  /** Answer response-cache hits before Fastify (fast-path.ts); tests turn it off to compare. */
  fastPath?: boolean
}

// Fastify types these factories for ajv and fast-json-stringify; the zod
// compilers answer the same calls with zod schemas.
const zodCompilers = {
  buildValidator: () => validatorCompiler,
  buildSerializer: () => serializerCompiler,
} as unknown as NonNullable<FastifyServerOptions['schemaController']>['compilersFactory']

/**
 * Builds the whole API for a configuration without listening: server.ts listens,
 * tests inject. Every URL the API answers is registered here, in one place.
 */
export async function buildApp(config: Config, options: AppOptions = {}) {
  const logDestination =
    options.logger === undefined
      ? (options.logDestination ??
        new LogDestination(1, {
          // Said once lines flow again, so the gap in the log is explained in the log.
          onDropped: (lines) =>
            app.log.warn({ droppedLines: lines }, 'log lines dropped: stdout was not being read fast enough'),
        }))
      : null
  const app = Fastify<Server>({
    // The zod compilers for every route, given before Fastify builds its defaults:
    // otherwise it loads ajv and fast-json-stringify at start-up (~35 ms) to use
    // neither.
    schemaController: { compilersFactory: zodCompilers },
    // Lines go to stdout in one write(2) per event-loop turn, from a buffer that
    // cannot grow without bound (log-destination.ts says how; pino's asynchronous
    // destination once grew by 60 MB in 80 s of the stress run).
    logger: logDestination ? { level: config.logLevel, stream: logDestination } : options.logger,
    // access-log.ts writes one line per request instead of Fastify's two.
    logController: new LogController({ disableRequestLogging: true }),
    genReqId: requestId,
    requestIdHeader: false,
    // Fastify accepts a hop count too; its type declaration lags behind.
    trustProxy: config.trustProxy as FastifyServerOptions['trustProxy'],
    // A read-only GET API takes no bodies worth speaking of.
    bodyLimit: 16 * 1024,
    routerOptions: { ignoreTrailingSlash: true, maxParamLength: 256 },
    // Timeouts for slow clients and the head size limit (limits.ts says why each).
    ...serverLimits,
    // The server Fastify would create, with the same limits, whose listener first
    // offers each request to the response cache's fast path (fast-path.ts): a hit
    // is answered there, anything else goes to Fastify. app.inject() skips it.
    serverFactory: (handler) => {
      const server = createServer(serverLimits.http, (request, response) => {
        const fast = app.fastPath
        if (fast === null || !fast(request, response)) handler(request, response)
      })
      server.keepAliveTimeout = serverLimits.keepAliveTimeout
      server.requestTimeout = serverLimits.requestTimeout
      server.setTimeout(serverLimits.connectionTimeout)
      return server
    },
    clientErrorHandler,
    // On SIGTERM, a request already on its way down an open keep-alive connection
    // is served (with Connection: close) rather than refused with 503: a client
    // that sent it before the signal gets its answer. New connections are refused.
    return503OnClosing: false,
    // Malformed URLs and over-long path parameters are refused before routing;
    // they get the same problem+json shape as every other error.
    // No hook runs for these, so the metrics are told directly.
    frameworkErrors: (error, request, reply) => {
      app.metrics?.unrouted(request, reply)
      return sendProblem(reply, error.statusCode ?? 400, {
        detail: error.message,
        code: error.code.toLowerCase(),
      })
    },
  }).withTypeProvider<ZodTypeProvider>()

  await app.register(problems)
  await app.register(accessLog, { destination: logDestination })
  await app.register(drain)
  // Before the response cache, which answers repeats from its onRequest hook: a
  // cached answer still gets security headers, and still counts against the
  // client's rate limit. Before every route: they collect routes as registered.
  await app.register(security)
  await app.register(loadShedding, { maxEventLoopDelayMs: config.maxEventLoopDelayMs })
  await app.register(rateLimit, config.rateLimit)
  // Before every route (CORS adds one), so its list of route templates is whole.
  await app.register(metrics, { enabled: config.metrics.port > 0 })
  await app.register(methodNotAllowed)
  await app.register(database, { path: config.databasePath })
  // Before docs and routes, whose routes take hooks registered earlier. CORS first so
  // cached answers carry its headers; the response cache serves repeats from its
  // onRequest hook and compresses API bodies itself (once per entry); the docs
  // plugin compresses the docs page's assets.
  await app.register(cors, corsOptions(config.corsOrigins))
  await app.register(httpCache, {
    maxAge: config.cacheMaxAge,
    staleWhileRevalidate: config.cacheStaleWhileRevalidate,
    maxEntries: config.responseCacheEntries,
    maxBytes: config.responseCacheBytes,
  })
  await app.register(docs, { ui: config.docs })
  await app.register(fastPath, {
    corsOrigins: config.corsOrigins,
    rateLimitMax: config.rateLimit.max,
    trustProxy: config.trustProxy,
    responseCacheEntries: config.responseCacheEntries,
    enabled: options.fastPath,
  })

  await app.register(meta)
  await app.register(resources, { prefix: '/v1' })
  await app.register(categories, { prefix: '/v1' })
  await app.register(tags, { prefix: '/v1' })
  await app.register(links, { prefix: '/v1' })
  // The catalog page for people, at / (programs start at /v1).
  await app.register(homePage)

  return app
}

export type App = Awaited<ReturnType<typeof buildApp>>
