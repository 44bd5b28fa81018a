import { setTimeout as sleep } from 'node:timers/promises'
import type { RedirectHop } from '../ingest/link-status.js'
import {
  type CheckedStatus,
  classifyResponse,
  describeStatus,
  isPermanent,
  MAX_REDIRECTS,
  REDIRECT_STATUSES,
  successStatus,
} from './classify.js'
import type { HostScheduler } from './host-scheduler.js'
import { hostKey } from './host-scheduler.js'
import type { HttpClient, HttpResponse } from './http-client.js'
import { type FailureKind, RequestFailure, toRequestFailure } from './request-failure.js'
import {
  backoffDelay,
  isRetryableFailure,
  isRetryableStatus,
  parseRetryAfter,
  type RetryPolicy,
} from './retry-policy.js'
import { deepLinkEndedOnRoot, pageTitle, titleSaysNotFound } from './soft-404.js'

// One link, asked the way issue 8 says: GET, redirects followed by hand so the chain
// is known, each request through the polite scheduler and retried only when the
// failure may pass by itself.

/** The part of a body read for the soft-404 hint. */
export const BODY_LIMIT = 64 * 1024

export type ProbeContext = {
  client: HttpClient
  scheduler: HostScheduler
  retry: RetryPolicy
  timeoutMs: number
  /** Lower goes first in the scheduler's queue (the link's position). */
  priority: number
  /** Cuts a retry's wait short when the run is interrupted. */
  signal?: AbortSignal
}

export type ProbeResult = {
  status: CheckedStatus
  httpStatus: number | null
  finalUrl: string | null
  redirects: RedirectHop[]
  permanent: boolean
  error: string | null
  suspectSoft404: boolean
  /** Requests made for this link, retries and hops included. */
  requests: number
}

type Attempted = { outcome: HttpResponse | RequestFailure; attempts: number; gaveUp?: string }

function plural(count: number, word: string): string {
  return `${count} ${word}${count === 1 ? '' : 's'}`
}

/**
 * GETs one URL, retrying timeouts, resets, 408, 429 and 5xx with backoff (or the
 * server's Retry-After, which also holds back every other request to that host).
 */
export async function getWithRetries(
  url: string,
  context: ProbeContext,
  bodyLimit: (status: number) => number,
): Promise<Attempted> {
  const { client, scheduler, retry, timeoutMs, priority } = context
  const host = hostKey(url)
  for (let attempt = 1; ; attempt++) {
    const outcome = await scheduler
      .run(host, priority, async () => {
        const response = await client.get(url, { timeoutMs, bodyLimit })
        // Before the host is released, so no other link of this host slips in meanwhile.
        const wait = isRetryableStatus(response.status)
          ? parseRetryAfter(response.headers['retry-after'])
          : undefined
        if (wait !== undefined && wait <= retry.maxRetryAfterMs) scheduler.deferHost(host, wait)
        return response
      })
      .catch((error: unknown) => toRequestFailure(error))
    // An interrupted run records nothing about the requests it cut off.
    context.signal?.throwIfAborted()
    const retriesLeft = attempt <= retry.maxRetries
    let delay: number
    if (outcome instanceof RequestFailure) {
      if (!isRetryableFailure(outcome.kind) || !retriesLeft) return { outcome, attempts: attempt }
      delay = backoffDelay(attempt, retry)
    } else {
      if (!isRetryableStatus(outcome.status)) return { outcome, attempts: attempt }
      const retryAfter = parseRetryAfter(outcome.headers['retry-after'])
      if (retryAfter !== undefined && retryAfter > retry.maxRetryAfterMs) {
        const gaveUp = `Retry-After ${Math.round(retryAfter / 1000)} s is more than ${Math.round(retry.maxRetryAfterMs / 1000)} s`
        return { outcome, attempts: attempt, gaveUp }
      }
      if (!retriesLeft) return { outcome, attempts: attempt }
      delay = Math.max(backoffDelay(attempt, retry), retryAfter ?? 0)
    }
    await sleep(delay, undefined, { signal: context.signal })
  }
}

export function locationOf(response: HttpResponse): string | undefined {
  const raw = response.headers.location
  const value = Array.isArray(raw) ? raw[0] : raw
  if (value === undefined || value.trim() === '') return undefined
  // Header values arrive as latin1; servers that put UTF-8 in Location mean UTF-8.
  const bytes = Buffer.from(value, 'latin1')
  const utf8 = bytes.toString('utf8')
  return (/[\u0080-\u00ff]/.test(value) && !utf8.includes('\ufffd') ? utf8 : value).trim()
}

const SHORT_FAILURE: Partial<Record<FailureKind, CheckedStatus>> = {
  dns: 'broken',
  tls: 'broken',
}

/** Follows one link to its end and says what it found. */
export async function probeLink(url: string, context: ProbeContext): Promise<ProbeResult> {
  const redirects: RedirectHop[] = []
  const visited = new Set([withoutHash(url)])
  let current = url
  let requests = 0
  let setCookie = false

  const result = (
    fields: Pick<ProbeResult, 'status' | 'httpStatus' | 'error'> & { suspectSoft404?: boolean },
  ): ProbeResult => ({
    status: fields.status,
    httpStatus: fields.httpStatus,
    finalUrl: redirects.length > 0 ? current : null,
    redirects,
    permanent: isPermanent(redirects),
    error: fields.error,
    suspectSoft404: fields.suspectSoft404 ?? false,
    requests,
  })

  for (;;) {
    const { outcome, attempts, gaveUp } = await getWithRetries(current, context, (status) =>
      status >= 200 && status <= 299 ? BODY_LIMIT : 0,
    )
    requests += attempts
    const tries = attempts > 1 ? `, ${plural(attempts, 'attempt')}` : ''
    if (outcome instanceof RequestFailure) {
      return result({
        status: SHORT_FAILURE[outcome.kind] ?? 'unreachable',
        httpStatus: null,
        error: `${outcome.message}${tries}`,
      })
    }
    const { status, headers } = outcome
    if (headers['set-cookie'] !== undefined) setCookie = true
    if (gaveUp) {
      return result({
        status: status === 429 ? 'blocked' : 'unreachable',
        httpStatus: status,
        error: `${describeStatus(status)}: ${gaveUp}`,
      })
    }
    const location = REDIRECT_STATUSES.has(status) ? locationOf(outcome) : undefined
    if (location !== undefined) {
      let next: URL
      try {
        next = new URL(location, current)
      } catch {
        return result({
          status: 'broken',
          httpStatus: status,
          error: `${describeStatus(status)}: invalid Location ${location}`,
        })
      }
      if (redirects.length >= MAX_REDIRECTS) {
        return result({ status: 'broken', httpStatus: status, error: `more than ${MAX_REDIRECTS} redirects` })
      }
      redirects.push({ status, url: next.href })
      current = next.href
      if (next.protocol !== 'http:' && next.protocol !== 'https:') {
        return result({
          status: 'broken',
          httpStatus: status,
          error: `redirect to a non-http(s) URL (${next.protocol})`,
        })
      }
      if (visited.has(withoutHash(next.href))) {
        const cookies = setCookie ? '; the site sets cookies, which the checker does not keep' : ''
        return result({ status: 'broken', httpStatus: status, error: `redirect loop${cookies}` })
      }
      visited.add(withoutHash(next.href))
      continue
    }
    const verdict = classifyResponse(status, headers)
    if (verdict.status !== 'ok') {
      return result({
        status: verdict.status,
        httpStatus: status,
        error: verdict.error && `${verdict.error}${tries}`,
      })
    }
    const encoding = headers['content-encoding']
    const title = pageTitle(outcome.body, Array.isArray(encoding) ? encoding[0] : encoding)
    return result({
      status: successStatus(url, redirects),
      httpStatus: status,
      error: null,
      suspectSoft404:
        titleSaysNotFound(title) || deepLinkEndedOnRoot(url, redirects.length > 0 ? current : null),
    })
  }
}

function withoutHash(url: string): string {
  const parsed = new URL(url)
  parsed.hash = ''
  return parsed.href
}
