import type { FastifyInstance } from 'fastify'
import fp from 'fastify-plugin'

/**
 * On close, Fastify stops accepting connections and waits for requests in flight,
 * but a keep-alive connection that was busy at that moment stays open after its
 * response, holding shutdown until the keep-alive timeout. Answering every
 * response during shutdown with `Connection: close` lets those connections end
 * as soon as their request does.
 */
async function drain(app: FastifyInstance) {
  let draining = false
  app.addHook('preClose', async () => {
    draining = true
  })
  app.addHook('onSend', async (_request, reply, payload) => {
    if (draining) reply.header('connection', 'close')
    return payload
  })
}

export default fp(drain, { name: 'drain', fastify: '5.x' })
