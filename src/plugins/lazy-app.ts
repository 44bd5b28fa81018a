import { Readable } from 'node:stream'
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { appendVary } from './http-cache.js'
import { ProblemError } from './problems.js'

// Headers of the inner app's answers that belong to its own connection, not this one.
const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'transfer-encoding', 'date', 'content-length'])

/**
 * GET (and HEAD) on `urls` answered by an app of their own, built on the first
 * request to one of them and reached through inject. For what people open later,
 * if ever (the /docs page, the catalog page's files): what that app loads (swagger-ui,
 * @fastify/static, send, glob, compress) then costs nothing at start-up, where it
 * was a fifth of the CPU before the first 200. Its answers go out through this
 * app's hooks (security headers and CSP, the log line, metrics, the response
 * cache); its 404 is this app's 404 problem, any other error of its a problem with
 * its status.
 */
export function serveLazily(app: FastifyInstance, urls: string[], build: () => Promise<FastifyInstance>) {
  let inner: Promise<FastifyInstance> | null = null
  const handler = async (request: FastifyRequest, reply: FastifyReply) => {
    inner ??= build()
      .then(async (built) => {
        await built.ready()
        return built
      })
      .catch((error: unknown) => {
        inner = null // the next request tries again
        throw error
      })
    const target = await inner
    let answer = await target.inject({ method: 'GET', url: request.url, headers: request.headers })
    // A generated answer (swagger-ui's page and initializer: no validators of its
    // own) is sent whole, uncompressed, so the response cache keeps and compresses
    // it, as when these routes were this app's own: /docs/ then costs a cache hit,
    // not an inject (7 times more). A file (@fastify/static's ETag) is streamed.
    const generated = answer.statusCode === 200 && answer.headers.etag === undefined
    if (generated && answer.headers['content-encoding'] !== undefined) {
      const { 'accept-encoding': _encodings, ...identity } = request.headers
      answer = await target.inject({ method: 'GET', url: request.url, headers: identity })
    }
    if (answer.statusCode === 404) return reply.callNotFound()
    if (answer.statusCode >= 400) {
      const path = request.url.split('?')[0]
      throw new ProblemError(answer.statusCode, 'not_served', `${path} cannot be served.`)
    }
    for (const [name, value] of Object.entries(answer.headers)) {
      if (value === undefined || HOP_BY_HOP.has(name)) continue
      // Added to what this app's hooks already vary on (CORS's Origin), not in its place.
      if (name === 'vary')
        for (const field of String(value).split(/\s*,\s*/)) appendVary(reply, field.toLowerCase())
      else reply.header(name, value)
    }
    reply.code(answer.statusCode)
    if (answer.statusCode === 304 || answer.rawPayload.length === 0) return reply.send()
    if (generated) return reply.send(answer.rawPayload)
    reply.header('content-length', answer.rawPayload.length)
    return reply.send(Readable.from([answer.rawPayload]))
  }
  for (const url of urls) app.get(url, { schema: { hide: true } }, handler)
}
