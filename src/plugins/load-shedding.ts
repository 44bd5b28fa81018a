import underPressure from '@fastify/under-pressure'
import type { FastifyInstance } from 'fastify'
import fp from 'fastify-plugin'
import { ProblemError } from './problems.js'

// When the event loop lags (a burst the CPU cannot keep up with), new requests are
// refused at once with 503 and Retry-After instead of queueing until every
// client times out. Health endpoints are exempt: the process is alive, and an
// orchestrator that restarted it for being busy would only make things worse.

export type LoadSheddingOptions = {
  /** Refuse requests while the event loop lags more than this; 0 turns it off. */
  maxEventLoopDelayMs: number
  /** Seconds a refused client is told to wait. */
  retryAfterSeconds?: number
  /** How often the lag is sampled, ms (tests shorten it). */
  sampleIntervalMs?: number
}

declare module 'fastify' {
  interface FastifyInstance {
    /** Requests refused with 503 so far (read by the metrics). */
    loadSheddingStats: () => { shed: number }
  }
}

async function loadShedding(app: FastifyInstance, options: LoadSheddingOptions) {
  let shed = 0
  app.decorate('loadSheddingStats', () => ({ shed }))
  if (options.maxEventLoopDelayMs <= 0) return
  const retryAfter = options.retryAfterSeconds ?? 5
  await app.register(underPressure, {
    maxEventLoopDelay: options.maxEventLoopDelayMs,
    sampleInterval: options.sampleIntervalMs ?? 1000,
    retryAfter,
    // A rejected promise goes to the error handler as a problem+json 503; a
    // resolved one lets the request through.
    pressureHandler: async (request, reply, type, value) => {
      if (request.routeOptions.config.health) return
      shed++
      reply.header('retry-after', String(retryAfter))
      request.log.warn({ type, value }, 'under pressure: request refused')
      throw new ProblemError(503, 'overloaded', `The server is overloaded; retry in ${retryAfter} s.`)
    },
  })
}

export default fp(loadShedding, { name: 'load-shedding', fastify: '5.x', dependencies: ['problems'] })
