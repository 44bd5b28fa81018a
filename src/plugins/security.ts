import helmet from '@fastify/helmet'
import type { FastifyInstance } from 'fastify'
import fp from 'fastify-plugin'

// Security headers from @fastify/helmet on every response. The API answers JSON,
// which a browser never needs to run anything for, so its policy allows nothing
// at all; only the interactive /docs page (swagger-ui: its own scripts, styles,
// data: icons and a fetch of the spec) gets a policy that lets it work, and
// still nothing from another origin.

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

export const DOCS_PREFIX = '/docs'

async function security(app: FastifyInstance) {
  // Routes registered after this plugin under /docs carry their own policy. This
  // hook is added before @fastify/helmet's own onRoute hook, which reads it.
  app.addHook('onRoute', (route) => {
    if (route.url === DOCS_PREFIX || route.url.startsWith(`${DOCS_PREFIX}/`)) {
      route.helmet = { contentSecurityPolicy: { useDefaults: false, directives: DOCS_CSP } }
    }
  })
  await app.register(helmet, {
    global: true,
    contentSecurityPolicy: { useDefaults: false, directives: API_CSP },
    // Resources are public data meant to be read cross-origin (CORS allows it).
    crossOriginResourcePolicy: { policy: 'cross-origin' },
    // HSTS only means something over HTTPS, which a proxy in front terminates;
    // it is sent anyway so that proxy need not add it.
    strictTransportSecurity: { maxAge: 31_536_000, includeSubDomains: true },
    referrerPolicy: { policy: 'no-referrer' },
    frameguard: { action: 'deny' },
  })
}

export default fp(security, { name: 'security', fastify: '5.x' })
