import type { FastifyInstance } from 'fastify'
import fp from 'fastify-plugin'
import { REQUEST_ID_HEADER } from './request-id.js'

declare module 'fastify' {
  interface FastifyContextConfig {
    /** Health endpoints: polled every few seconds, so left out of the access log. */
    health?: boolean
  }
}

/**
 * One JSON log line per request (Fastify's own logging writes two), carrying the
 * request id, which is also returned to the client as X-Request-Id.
 */
async function accessLog(app: FastifyInstance) {
  app.addHook('onRequest', async (request, reply) => {
    reply.header(REQUEST_ID_HEADER, request.id)
  })
  app.addHook('onResponse', async (request, reply) => {
    if (request.routeOptions.config.health) return
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
  })
}

export default fp(accessLog, { name: 'access-log', fastify: '5.x' })
