import type { FastifyCorsOptions } from '@fastify/cors'

// The API is public and read-only, so by default any origin may read it from a
// browser (Access-Control-Allow-Origin: *). A configured list (CORS_ORIGINS)
// reflects only the listed origins, and @fastify/cors then adds Vary: Origin so a
// shared cache keeps one copy per origin.

/** The response headers a browser script may read besides the CORS-safelisted ones. */
export const EXPOSED_HEADERS = ['Link', 'X-Total-Count', 'ETag', 'X-Request-Id']

export function corsOptions(origins: string[]): FastifyCorsOptions {
  return {
    origin: origins.includes('*') ? '*' : origins,
    methods: ['GET', 'HEAD'],
    exposedHeaders: EXPOSED_HEADERS,
    // Preflights are answered from the browser's cache for a day.
    maxAge: 86_400,
    // A preflight without Access-Control-Request-Method is not a CORS preflight:
    // answered 400 rather than a 204 that would look like permission.
    strictPreflight: true,
  }
}

/**
 * The headers @fastify/cors gives a GET or HEAD with these options, for a request's
 * Origin header, in the order it sets them: Vary: Origin first when origins are
 * listed (the answer then depends on Origin), the allowed origin (reflected only
 * when listed), the exposed headers. The response cache's fast path answers with
 * these; a test holds them equal to the plugin's own. The same origin always gets
 * the same list (the same array), so a caller can key what it derives on it.
 */
export function corsHeaders(origins: string[]): (requestOrigin: string | undefined) => [string, string][] {
  const exposed: [string, string] = ['access-control-expose-headers', EXPOSED_HEADERS.join(', ')]
  if (origins.includes('*')) {
    const headers: [string, string][] = [['access-control-allow-origin', '*'], exposed]
    return () => headers
  }
  // One list per listed origin, built once: the caller may key what it derives on it.
  const allowed = new Map(
    origins.map((origin): [string, [string, string][]] => [
      origin,
      [['vary', 'Origin'], ['access-control-allow-origin', origin], exposed],
    ]),
  )
  const refused: [string, string][] = [['vary', 'Origin'], exposed]
  return (requestOrigin) => (requestOrigin === undefined ? refused : (allowed.get(requestOrigin) ?? refused))
}
