import type { FailureKind } from './request-failure.js'

// When to ask again, after lychee: only what may pass by itself (a timeout, a reset,
// 408, 429 and 5xx) is retried; any other 4xx, a DNS or a TLS failure never is. The
// wait doubles from one retry to the next (lychee's 1 s, 2 s) plus up to half again
// at random, so checkers that failed together do not come back together. A server's
// Retry-After wins when it asks for longer, up to a limit: past it the site is
// treated as refusing us.

export type RetryPolicy = {
  /** Retries after the first attempt. */
  maxRetries: number
  /** The wait before the first retry; it doubles for each one after. */
  baseDelayMs: number
  /** The longest Retry-After honoured. */
  maxRetryAfterMs: number
  /** A number in [0, 1), for the jitter. */
  random: () => number
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = {
  maxRetries: 2,
  baseDelayMs: 1000,
  maxRetryAfterMs: 60_000,
  random: Math.random,
}

export function isRetryableStatus(status: number): boolean {
  return status === 408 || status === 429 || (status >= 500 && status <= 599)
}

export function isRetryableFailure(kind: FailureKind): boolean {
  return kind === 'timeout' || kind === 'reset'
}

/** The wait before retry number `retry` (1 for the first). */
export function backoffDelay(retry: number, policy: RetryPolicy): number {
  const base = policy.baseDelayMs * 2 ** (retry - 1)
  return Math.round(base * (1 + policy.random() * 0.5))
}

/**
 * A Retry-After header in milliseconds: delay-seconds or an HTTP-date (RFC 9110
 * 10.2.3). A date in the past is 0; anything unreadable is undefined.
 */
export function parseRetryAfter(value: string | string[] | undefined, now = Date.now()): number | undefined {
  const text = (Array.isArray(value) ? value[0] : value)?.trim()
  if (!text) return undefined
  if (/^\d+$/.test(text)) return Number(text) * 1000
  if (!/[a-z]/i.test(text)) return undefined
  const date = Date.parse(text)
  if (Number.isNaN(date)) return undefined
  return Math.max(0, date - now)
}
