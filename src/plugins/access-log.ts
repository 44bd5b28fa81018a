import type { FastifyInstance } from 'fastify'
import fp from 'fastify-plugin'
import type { LogDestination, LogDestinationStats } from './log-destination.js'
import { REQUEST_ID_HEADER } from './request-id.js'

declare module 'fastify' {
  interface FastifyContextConfig {
    /** Health endpoints: polled every few seconds, so left out of the access log. */
    health?: boolean
  }
  interface FastifyInstance {
    /** Log lines written and dropped so far (metrics); null when the app was given its own logger. */
    logStats: () => LogDestinationStats | null
  }
}

export type AccessLogOptions = {
  /** The app's log destination (app.ts), flushed on close; null with a logger of the caller's. */
  destination: LogDestination | null
}

/**
 * One JSON log line per request (Fastify's own logging writes two), carrying the
 * request id, which is also returned to the client as X-Request-Id. (The response
 * cache's fast path writes the same line for the hits it answers: fast-path.ts.)
 */
async function accessLog(app: FastifyInstance, options: AccessLogOptions) {
  const destination = options.destination
  app.decorate('logStats', () => destination?.stats ?? null)
  app.addHook('onRequest', (request, reply, done) => {
    reply.header(REQUEST_ID_HEADER, request.id)
    done()
  })
  app.addHook('onResponse', (request, reply, done) => {
    if (!request.routeOptions.config.health) {
      request.log.info(
        {
          method: request.method,
          url: request.url,
          statusCode: reply.statusCode,
          responseTime: Math.round(reply.elapsedTime * 100) / 100,
          remoteAddress: request.ip,
        },
        'request completed',
      )
    }
    done()
  })
  // Last of all (onClose hooks run in reverse order of registration, and this
  // plugin is among the first): every line of the shutdown is written.
  app.addHook('onClose', (_app, done) => {
    destination?.close()
    done()
  })
}

export default fp(accessLog, { name: 'access-log', fastify: '5.x' })
