import type { IncomingMessage, ServerResponse } from 'node:http'
import type { FastifyInstance } from 'fastify'
import fp from 'fastify-plugin'
import helmet, { type HelmetOptions } from 'helmet'

// Security headers from helmet on every response. The API answers JSON,
// which a browser never needs to run anything for, so its policy allows nothing
// at all; only the interactive /docs page (swagger-ui: its own scripts, styles,
// data: icons and a fetch of the spec) and the catalog page at / (its own one
// script, stylesheet and icon, and fetches of the API) get policies that let them
// work, and still nothing from another origin.

/** JSON and problem+json: no scripts, styles, frames or form targets. */
export const API_CSP = {
  defaultSrc: ["'none'"],
  baseUri: ["'none'"],
  formAction: ["'none'"],
  frameAncestors: ["'none'"],
}

/** The /docs page: same-origin assets only; swagger-ui draws icons as data: URIs. */
export const DOCS_CSP = {
  defaultSrc: ["'self'"],
  baseUri: ["'self'"],
  scriptSrc: ["'self'"],
  scriptSrcAttr: ["'none'"],
  // swagger-ui's bundle injects one fixed <style> element; its hash, not
  // 'unsafe-inline', lets exactly that one in (the browser test fails if an
  // upgrade changes it).
  styleSrc: ["'self'", "'sha256-RL3ie0nH+Lzz2YNqQN83mnU0J1ot4QL7b99vMdIX99w='"],
  imgSrc: ["'self'", 'data:'],
  fontSrc: ["'self'", 'data:'],
  connectSrc: ["'self'"],
  objectSrc: ["'none'"],
  formAction: ["'self'"],
  frameAncestors: ["'none'"],
}

/**
 * The catalog page at / and its assets: one script, one stylesheet and an icon
 * from this origin, no inline script or style of any kind, fetches to the API
 * only. Its script builds the DOM without parsing HTML strings, so Trusted Types
 * are required with no policy at all: a string can never reach innerHTML.
 */
export const CATALOG_CSP = {
  defaultSrc: ["'none'"],
  baseUri: ["'none'"],
  scriptSrc: ["'self'"],
  scriptSrcAttr: ["'none'"],
  styleSrc: ["'self'"],
  styleSrcAttr: ["'none'"],
  imgSrc: ["'self'"],
  connectSrc: ["'self'"],
  formAction: ["'self'"],
  frameAncestors: ["'none'"],
  objectSrc: ["'none'"],
  requireTrustedTypesFor: ["'script'"],
  trustedTypes: ["'none'"],
}

export const DOCS_PREFIX = '/docs'
export const ASSETS_PREFIX = '/assets/'

const COMMON: HelmetOptions = {
  // Resources are public data meant to be read cross-origin (CORS allows it).
  crossOriginResourcePolicy: { policy: 'cross-origin' },
  // HSTS only means something over HTTPS, which a proxy in front terminates;
  // it is sent anyway so that proxy need not add it.
  strictTransportSecurity: { maxAge: 31_536_000, includeSubDomains: true },
  referrerPolicy: { policy: 'no-referrer' },
  frameguard: { action: 'deny' },
}

/** The headers helmet sets for these options, collected once from a stand-in response. */
export function helmetHeaders(options: HelmetOptions): Record<string, string> {
  const headers: Record<string, string> = {}
  const response = {
    setHeader: (name: string, value: unknown) => {
      headers[name.toLowerCase()] = String(value)
    },
    removeHeader: (name: string) => {
      delete headers[name.toLowerCase()]
    },
  }
  helmet(options)({} as IncomingMessage, response as unknown as ServerResponse, () => {})
  return headers
}

// The headers never change while the process runs, so they are computed once here
// (@fastify/helmet rebuilds helmet's middleware on every request: about 5% of the
// CPU of a cached answer, measured) and set in one step per request.
const API_HEADERS = helmetHeaders({
  ...COMMON,
  contentSecurityPolicy: { useDefaults: false, directives: API_CSP },
})
const DOCS_HEADERS = helmetHeaders({
  ...COMMON,
  contentSecurityPolicy: { useDefaults: false, directives: DOCS_CSP },
})
const CATALOG_HEADERS = helmetHeaders({
  ...COMMON,
  contentSecurityPolicy: { useDefaults: false, directives: CATALOG_CSP },
})

function isDocs(url: string): boolean {
  return url === DOCS_PREFIX || url.startsWith(`${DOCS_PREFIX}/`) || url.startsWith(`${DOCS_PREFIX}?`)
}

function isCatalog(url: string): boolean {
  return url === '/' || url.startsWith('/?') || url.startsWith(ASSETS_PREFIX)
}

/** The security headers of an answer to this URL (the response cache's fast path sets them too). */
export function headersFor(url: string): Record<string, string> {
  if (isCatalog(url)) return CATALOG_HEADERS
  return isDocs(url) ? DOCS_HEADERS : API_HEADERS
}

async function security(app: FastifyInstance) {
  app.addHook('onRequest', (request, reply, done) => {
    reply.headers(headersFor(request.url))
    done()
  })
}

export default fp(security, { name: 'security', fastify: '5.x' })
