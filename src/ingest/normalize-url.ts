import { createHash } from 'node:crypto'

// Links on the site's pages are either external (candidate resources) or point back
// at the site itself. Relative links resolve against the site's origin.
export const SITE_ORIGIN = 'https://www.fullstackpython.com'
const SITE_HOST = 'fullstackpython.com'

/** Hostname in lowercase without a leading `www.`. */
export function bareHost(hostname: string): string {
  return hostname.toLowerCase().replace(/^www\./, '')
}

function parseHttpUrl(url: string): URL {
  let parsed: URL
  try {
    parsed = new URL(url.trim())
  } catch {
    throw new TypeError(`not a URL: ${url}`)
  }
  if ((parsed.protocol !== 'http:' && parsed.protocol !== 'https:') || parsed.hostname === '') {
    throw new TypeError(`not an http(s) URL: ${url}`)
  }
  return parsed
}

/**
 * The comparable form of a URL: http and https alike (always `https:`), lowercase host
 * without `www.`, no default port, no fragment, no trailing slash. Query strings are kept
 * because they can name different documents. Throws a TypeError for non-http(s) input.
 */
export function normalizeUrl(url: string): string {
  const parsed = parseHttpUrl(url)
  const defaultPort = parsed.port === '80' || parsed.port === '443'
  const port = parsed.port && !defaultPort ? `:${parsed.port}` : ''
  const path = parsed.pathname.replace(/\/+$/, '')
  return `https://${bareHost(parsed.hostname)}${port}${path}${parsed.search}`
}

function readablePart(normalized: string, maxLength: number): string {
  const slug = normalized
    .replace(/^https:\/\//, '')
    .replace(/[?#].*$/, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
  return slug.slice(0, maxLength).replace(/-+$/, '')
}

/**
 * A stable, URL-safe id (<= 64 chars) derived only from the normalized URL: a readable
 * slug of host and path, then 8 hex chars of sha256(normalized URL) to keep it unique.
 * Title, description and position never change it. Input that is not an http(s) URL
 * is hashed as given (such records fail validation anyway).
 */
export function resourceId(url: string): string {
  let normalized: string
  try {
    normalized = normalizeUrl(url)
  } catch {
    normalized = url.trim()
  }
  const hash = createHash('sha256').update(normalized).digest('hex').slice(0, 8)
  const readable = readablePart(normalized, 64 - hash.length - 1)
  return readable ? `${readable}-${hash}` : hash
}

export type LinkTarget =
  | { kind: 'external'; url: string }
  | { kind: 'internal'; url: string; path: string }
  | { kind: 'invalid'; url: string }
  | { kind: 'ignored' }

// Schemes that are legitimately not web pages (never resources, never problems).
const OTHER_SCHEMES = new Set([
  'mailto',
  'tel',
  'ftp',
  'sftp',
  'javascript',
  'data',
  'irc',
  'news',
  'file',
  'ssh',
  'git',
])
// Schemeless targets that were meant to be absolute URLs: `htp//x`, `https//x`, `www.x.com`, `github.com/x`.
const LOOKS_ABSOLUTE =
  /\/\/|^www\.|^(?:[a-z0-9-]+\.)+(?:com|org|net|io|dev|co|me|edu|gov|info|ly|app|ai|us|uk|de)(?:[/:?#]|$)/i

/**
 * Classifies a link target written on a page. Relative targets and targets on
 * fullstackpython.com are internal (made absolute); valid http(s) URLs elsewhere are
 * external; a target that was evidently meant as an external URL but does not parse is
 * invalid; other schemes, bare fragments and empty targets are ignored.
 */
export function classifyHref(href: string, pageSlug: string): LinkTarget {
  const target = href.trim()
  if (target === '' || target.startsWith('#')) return { kind: 'ignored' }
  const scheme = /^([a-z][a-z0-9+.-]*):/i.exec(target)?.[1]?.toLowerCase()
  if (scheme !== undefined && scheme !== 'http' && scheme !== 'https') {
    return OTHER_SCHEMES.has(scheme) ? { kind: 'ignored' } : { kind: 'invalid', url: target }
  }
  if (scheme === undefined && !target.startsWith('/') && LOOKS_ABSOLUTE.test(target)) {
    return { kind: 'invalid', url: target }
  }
  let parsed: URL
  try {
    parsed = new URL(target, `${SITE_ORIGIN}/${pageSlug}.html`)
  } catch {
    return { kind: 'invalid', url: target }
  }
  if (parsed.hostname === '' || (scheme !== undefined && !/^https?:\/\/[^/]/i.test(target))) {
    return { kind: 'invalid', url: target }
  }
  if (bareHost(parsed.hostname) === SITE_HOST) {
    return { kind: 'internal', url: scheme === undefined ? parsed.href : target, path: parsed.pathname }
  }
  return { kind: 'external', url: scheme === undefined ? parsed.href : target }
}
