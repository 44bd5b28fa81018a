import { STATUS_CODES } from 'node:http'
import type { LinkStatus, RedirectHop } from '../ingest/link-status.js'
import { normalizeUrl } from '../ingest/normalize-url.js'

// The status rules of issue 8, in one place. The aim is the one awesome-list
// maintainers keep asking of their checkers: call a link broken only when it is gone,
// and keep "the site refuses robots" and "the site is down right now" apart from it.

export type CheckedStatus = Exclude<LinkStatus, 'unchecked'>

export const REDIRECT_STATUSES = new Set([301, 302, 303, 307, 308])
export const PERMANENT_STATUSES = new Set([301, 308])
/** Redirects followed before a link is called broken. */
export const MAX_REDIRECTS = 10

/** "404 Not Found", "999" for codes without a name. */
export function describeStatus(status: number): string {
  const reason = STATUS_CODES[status]
  return reason ? `HTTP ${status} ${reason}` : `HTTP ${status}`
}

function header(headers: Readonly<Record<string, string | string[] | undefined>>, name: string) {
  const value = headers[name]
  return Array.isArray(value) ? value[0] : value
}

/**
 * What a final (non-redirect) response says about a link, once retries are spent.
 * A 2xx is `ok` here; whether it is `redirected` depends on the hops before it.
 */
export function classifyResponse(
  status: number,
  headers: Readonly<Record<string, string | string[] | undefined>>,
): { status: CheckedStatus; error: string | null } {
  const challenge = header(headers, 'cf-mitigated')
  if (challenge !== undefined) {
    return {
      status: 'blocked',
      error: `${describeStatus(status)}: Cloudflare challenge (cf-mitigated: ${challenge})`,
    }
  }
  if (status >= 200 && status <= 299) return { status: 'ok', error: null }
  if (status === 401) return { status: 'blocked', error: `${describeStatus(status)}: the page needs a login` }
  if (status === 403 || status === 999) {
    return { status: 'blocked', error: `${describeStatus(status)}: the site refuses automated requests` }
  }
  if (status === 429)
    return { status: 'blocked', error: `${describeStatus(status)}: still rate limited after the retries` }
  if (status === 408 || (status >= 500 && status <= 599))
    return { status: 'unreachable', error: describeStatus(status) }
  if (status >= 300 && status <= 399) {
    return { status: 'broken', error: `${describeStatus(status)} without a Location to follow` }
  }
  return { status: 'broken', error: describeStatus(status) }
}

/**
 * A hop that changes nothing but http to https, a `www.` or a trailing slash: the
 * same document at its canonical address. (The case of the host name and a default
 * port do not count either; a move back from https to http does.)
 */
export function isTrivialHop(from: string, to: string): boolean {
  try {
    if (new URL(from).protocol === 'https:' && new URL(to).protocol === 'http:') return false
    return normalizeUrl(from) === normalizeUrl(to)
  } catch {
    return false
  }
}

/** `ok` when every hop is trivial, else `redirected`; for a chain that ended on a 2xx. */
export function successStatus(url: string, redirects: readonly RedirectHop[]): 'ok' | 'redirected' {
  let from = url
  for (const hop of redirects) {
    if (!isTrivialHop(from, hop.url)) return 'redirected'
    from = hop.url
  }
  return 'ok'
}

export function isPermanent(redirects: readonly RedirectHop[]): boolean {
  return redirects.some((hop) => PERMANENT_STATUSES.has(hop.status))
}
