import type { IncomingMessage, ServerResponse } from 'node:http'
import type { FastifyInstance } from 'fastify'
import fp from 'fastify-plugin'
import { corsHeaders } from './cors.js'
import { REQUEST_ID_HEADER, requestId } from './request-id.js'
import { headersFor } from './security.js'

// A response-cache hit answered from the server's request listener, before Fastify
// builds a request and a reply, routes, and runs its hooks: the cached answer of a
// read-only API costs what writing its bytes costs, plus what every answer must
// still carry. That is everything Fastify's hooks would have done for the hit, and
// nothing else, in the same order:
//   X-Request-Id (an incoming safe id kept), the security headers of the URL, CORS
//   (the allowed origin reflected and Vary: Origin when origins are listed), the
//   cache's own (Cache-Control, Vary, ETag, 304 for If-None-Match, the br or gzip
//   body Accept-Encoding asks for, HEAD without a body), the access-log line (the
//   same JSON, with the request id and the time to the last byte), and the metrics.
// test/http/fast-path.test.ts holds every header, body and log line equal to what
// the hooks give for a table of requests.
//
// It steps aside (the request goes to Fastify as before) whenever a hook could
// answer differently from the cache: the event loop lags (load shedding answers
// 503), the server is draining or closing (answers close their connection), rate
// limiting is on (its counters and headers are per request), or a proxy is
// trusted (the client's address comes from X-Forwarded-For).

export type FastPathOptions = {
  corsOrigins: string[]
  /** The fast path is off when rate limiting is on (max > 0). */
  rateLimitMax: number
  trustProxy: unknown
  /** Off when the response cache is off. */
  responseCacheEntries: number
  /** Tests turn it off to compare with Fastify's own path. */
  enabled?: boolean
}

export type FastPath = (request: IncomingMessage, response: ServerResponse) => boolean

declare module 'fastify' {
  interface FastifyInstance {
    /** Answers a cached GET or HEAD and returns true, or returns false for Fastify to answer. */
    fastPath: FastPath | null
  }
}

async function fastPathPlugin(app: FastifyInstance, options: FastPathOptions) {
  const usable =
    options.enabled !== false &&
    options.rateLimitMax === 0 &&
    options.trustProxy === false &&
    options.responseCacheEntries > 0
  if (!usable) {
    app.decorate('fastPath', null)
    return
  }
  const cors = corsHeaders(options.corsOrigins)
  const accessLog = app.accessLog
  const metrics = app.metrics
  const underPressure: () => boolean = app.hasDecorator('isUnderPressure')
    ? (app as unknown as { isUnderPressure: () => boolean }).isUnderPressure
    : () => false
  // The security headers as a flat list, once per set (the API's, the catalog's
  // and /docs' are the only three headersFor gives).
  const flat = new Map<Record<string, string>, string[]>()
  function securityFor(url: string): string[] {
    const set = headersFor(url)
    let headers = flat.get(set)
    if (headers === undefined) {
      headers = Object.entries(set).flat()
      flat.set(set, headers)
    }
    return headers
  }

  const fastPath: FastPath = (request, response) => {
    const method = request.method
    if ((method !== 'GET' && method !== 'HEAD') || app.draining || underPressure()) return false
    const started = performance.now()
    const answer = app.httpCacheAnswer(request)
    if (answer === null) return false
    const url = request.url as string
    const id = requestId(request)
    const headers: string[] = [REQUEST_ID_HEADER, id, ...securityFor(url)]
    let varied = false
    for (const [name, value] of cors(request.headers.origin)) {
      if (name === 'vary') {
        headers.push('vary', `${value}, ${answer.vary}`)
        varied = true
      } else headers.push(name, value)
    }
    headers.push('cache-control', answer.cacheControl)
    if (!varied) headers.push('vary', answer.vary)
    for (const item of answer.headers) headers.push(item)
    // As Fastify times an answer: to its last byte ('finish'), or to a failed write.
    const finished = () => {
      response.off('finish', finished)
      response.off('error', finished)
      const elapsed = performance.now() - started
      metrics?.observe(answer.route, method, answer.status, elapsed / 1000)
      accessLog(id, method, url, answer.status, elapsed, request.socket.remoteAddress)
    }
    response.on('finish', finished)
    response.on('error', finished)
    response.writeHead(answer.status, headers)
    response.end(answer.body ?? undefined)
    return true
  }
  app.decorate('fastPath', fastPath)
}

export default fp(fastPathPlugin, {
  name: 'fast-path',
  fastify: '5.x',
  dependencies: ['access-log', 'drain', 'http-cache', 'metrics', 'load-shedding'],
})
