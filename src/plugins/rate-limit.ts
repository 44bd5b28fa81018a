// Types only (app.createRateLimit): the plugin itself is loaded when limiting is on.
import type {} from '@fastify/rate-limit'
import type { FastifyInstance } from 'fastify'
import fp from 'fastify-plugin'
import { ProblemError } from './problems.js'

// Per-client rate limiting with @fastify/rate-limit. The client is request.ip,
// which honours TRUST_PROXY: behind a trusted proxy it is the X-Forwarded-For
// client, otherwise the socket's peer (so a client cannot pick its own bucket).
//
// The plugin's own headers follow an old draft; the limiter is driven by hand
// instead (createRateLimit) to answer with the current IETF draft's structured
// fields (draft-ietf-httpapi-ratelimit-headers):
//   RateLimit-Policy: "default";q=600;w=60     the quota and its window, seconds
//   RateLimit: "default";r=599;t=60            remaining, seconds until it resets
// and, once exceeded, 429 problem+json with Retry-After.

export type RateLimitOptions = {
  /** Requests per window and client; 0 turns rate limiting off. */
  max: number
  windowSeconds: number
}

const POLICY = 'default'

declare module 'fastify' {
  interface FastifyInstance {
    /** Requests refused with 429 so far (read by the metrics). */
    rateLimitStats: () => { limited: number }
  }
}

async function rateLimiting(app: FastifyInstance, options: RateLimitOptions) {
  let limited = 0
  app.decorate('rateLimitStats', () => ({ limited }))
  if (options.max <= 0) return
  // Loaded only when used: with limiting off (RATE_LIMIT_MAX=0, e.g. behind a
  // proxy that limits) the process neither parses nor keeps it and ip-address.
  const { default: rateLimit } = await import('@fastify/rate-limit')
  await app.register(rateLimit, {
    global: false,
    max: options.max,
    timeWindow: options.windowSeconds * 1000,
  })
  const check = app.createRateLimit()
  const policy = `"${POLICY}";q=${options.max};w=${options.windowSeconds}`

  app.addHook('onRequest', async (request, reply) => {
    // Orchestrators poll health endpoints; a limit there would restart a healthy pod.
    if (request.routeOptions.config.health) return
    const limit = await check(request)
    if (limit.isAllowed) return
    reply.header('ratelimit-policy', policy)
    reply.header('ratelimit', `"${POLICY}";r=${limit.remaining};t=${limit.ttlInSeconds}`)
    if (limit.isExceeded) {
      limited++
      reply.header('retry-after', String(limit.ttlInSeconds))
      throw new ProblemError(
        429,
        'rate_limited',
        `More than ${limit.max} requests in ${options.windowSeconds} s from this client; retry in ${limit.ttlInSeconds} s.`,
      )
    }
  })
}

export default fp(rateLimiting, { name: 'rate-limit', fastify: '5.x', dependencies: ['problems'] })
