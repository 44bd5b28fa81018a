import type { FastifyInstance } from 'fastify'
import fp from 'fastify-plugin'

declare module 'fastify' {
  interface FastifyInstance {
    /** True once shutdown has begun: /readyz answers 503 and responses close their connection. */
    readonly draining: boolean
    /** Begins shutdown without closing: server.ts calls it on SIGTERM, before its delay. */
    drain(): void
  }
}

/**
 * Shutdown in two steps. First `drain()`: /readyz fails, so load balancers and
 * orchestrators polling it stop sending new traffic, while every request is still
 * served. Then close: Fastify stops accepting connections and waits for requests
 * in flight.
 *
 * From the first step on, every response carries `Connection: close`. A keep-alive
 * connection (a load balancer's pooled one, say) then ends after its current
 * request instead of idling until close, when a request sent down it at the very
 * moment the server closes it would be lost; the client's next request opens a new
 * connection, which the balancer routes to a replica that is still ready.
 */
async function drain(app: FastifyInstance) {
  let draining = false
  app.decorate('draining', {
    getter: () => draining,
  })
  app.decorate('drain', () => {
    draining = true
  })
  app.addHook('preClose', async () => {
    draining = true
  })
  app.addHook('onSend', async (_request, reply, payload) => {
    if (draining) reply.header('connection', 'close')
    return payload
  })
}

export default fp(drain, { name: 'drain', fastify: '5.x' })
