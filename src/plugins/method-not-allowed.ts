import type { FastifyInstance } from 'fastify'
import fp from 'fastify-plugin'
import { ProblemError } from './problems.js'

// Fastify answers a known path with an unsupported method (DELETE /v1/tags) with
// 404, as if the path did not exist. HTTP says 405 with an Allow header naming the
// methods the resource does support (RFC 9110 §15.5.6). This plugin records every
// route's path and methods as they are registered and, when a request falls
// through to the 404 handler, checks whether its path matches a known route.

type Known = { pattern: RegExp; methods: Set<string> }

function toPattern(url: string): RegExp {
  const trimmed = url.length > 1 ? url.replace(/\/+$/, '') : url
  const source = trimmed
    .split(/(:[A-Za-z0-9_]+|\*)/)
    .map((part) => {
      if (part === '*') return '.*'
      if (part.startsWith(':')) return '[^/]+'
      return part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
    })
    .join('')
  return new RegExp(`^${source}/?$`)
}

async function methodNotAllowed(app: FastifyInstance) {
  const routes = new Map<string, Known>()

  app.addHook('onRoute', (route) => {
    // A catch-all (CORS answers OPTIONS on every path) says nothing about one path.
    if (route.url === '*' || route.url === '/*') return
    const methods = Array.isArray(route.method) ? route.method : [route.method]
    const known = routes.get(route.url) ?? { pattern: toPattern(route.url), methods: new Set<string>() }
    for (const method of methods) known.methods.add(method.toUpperCase())
    routes.set(route.url, known)
  })

  app.addHook('onRequest', async (request, reply) => {
    if (!request.is404) return
    const path = request.url.split('?', 1)[0] ?? '/'
    const allowed = new Set<string>()
    for (const known of routes.values()) {
      if (known.pattern.test(path)) for (const method of known.methods) allowed.add(method)
    }
    if (allowed.size === 0 || allowed.has(request.method)) return
    const allow = [...allowed].sort().join(', ')
    reply.header('allow', allow)
    throw new ProblemError(
      405,
      'method_not_allowed',
      `${request.method} is not supported on ${path}; allowed: ${allow}.`,
    )
  })
}

export default fp(methodNotAllowed, {
  name: 'method-not-allowed',
  fastify: '5.x',
  dependencies: ['problems'],
})
