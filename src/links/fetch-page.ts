import { describeStatus, MAX_REDIRECTS, REDIRECT_STATUSES } from './classify.js'
import { decodeBody } from './content-encoding.js'
import { HostScheduler } from './host-scheduler.js'
import { createHttpClient, type Transport } from './http-client.js'
import { getWithRetries, locationOf } from './probe.js'
import { RequestFailure } from './request-failure.js'
import { DEFAULT_RETRY_POLICY, type RetryPolicy } from './retry-policy.js'

// Fetches one page of text for `npm run update-page`, with the checker's client: its
// headers, deadlines and retries, redirects followed (GitHub's raw files redirect when
// a repository moves) and a size limit far above any page of the site.

/** Larger than any page of the site by two orders of magnitude. */
export const PAGE_LIMIT = 2 * 1024 * 1024

export class FetchPageError extends Error {
  override name = 'FetchPageError'
}

export type FetchPageOptions = {
  headers: Readonly<Record<string, string>>
  timeoutMs: number
  transport?: Transport
  retry?: RetryPolicy
}

export async function fetchPageText(
  url: string,
  options: FetchPageOptions,
): Promise<{ text: string; finalUrl: string }> {
  const client = createHttpClient({ headers: options.headers, transport: options.transport })
  const scheduler = new HostScheduler({ concurrency: 1, hostIntervalMs: 0 })
  const context = {
    client,
    scheduler,
    retry: options.retry ?? DEFAULT_RETRY_POLICY,
    timeoutMs: options.timeoutMs,
    priority: 0,
  }
  try {
    let current = url
    for (let hops = 0; ; hops++) {
      const { outcome } = await getWithRetries(current, context, () => PAGE_LIMIT + 1)
      if (outcome instanceof RequestFailure)
        throw new FetchPageError(`cannot fetch ${current}: ${outcome.message}`)
      // The link checker's reading of Location: an array, blanks and UTF-8 handled.
      const location = locationOf(outcome)
      if (REDIRECT_STATUSES.has(outcome.status) && location !== undefined) {
        if (hops >= MAX_REDIRECTS)
          throw new FetchPageError(`cannot fetch ${url}: more than ${MAX_REDIRECTS} redirects`)
        const next = URL.parse(location, current)
        if (next === null)
          throw new FetchPageError(`cannot fetch ${url}: redirected to an invalid URL (${location})`)
        current = next.href
        if (!/^https?:$/.test(next.protocol)) {
          throw new FetchPageError(`cannot fetch ${url}: redirected to ${current}`)
        }
        continue
      }
      if (outcome.status < 200 || outcome.status > 299) {
        throw new FetchPageError(`cannot fetch ${current}: ${describeStatus(outcome.status)}`)
      }
      if (outcome.truncated)
        throw new FetchPageError(`${current} is larger than ${PAGE_LIMIT / 1024 / 1024} MiB: not a page`)
      const encoding = outcome.headers['content-encoding']
      let body: Buffer
      try {
        body = decodeBody(outcome.body, Array.isArray(encoding) ? encoding[0] : encoding, { partial: false })
      } catch (error) {
        throw new FetchPageError(
          `${current}: cannot decode the ${String(encoding)} body: ${(error as Error).message}`,
        )
      }
      let text: string
      try {
        text = new TextDecoder('utf-8', { fatal: true }).decode(body)
      } catch {
        throw new FetchPageError(`${current} is not UTF-8 text: not a page`)
      }
      return { text, finalUrl: current }
    }
  } finally {
    scheduler.close()
    await client.close()
  }
}
