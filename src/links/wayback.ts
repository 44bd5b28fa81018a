import { z } from 'zod'
import { describeStatus } from './classify.js'
import { getWithRetries, type ProbeContext } from './probe.js'
import { RequestFailure } from './request-failure.js'

// The nearest archived copy of a dead link, from the Wayback Machine's CDX API
// (wayback-cdx-server: /cdx/search/cdx?url=…&output=json). Asked for captures that
// answered 200, at most one a month, and the latest one wins: the newest copy from
// when the page still worked. (lychee asks the availability API instead, which is
// served on archive.org rather than on the base URL this tool is given.)

/** A CDX answer with output=json: a header row, then one row per capture; `[]` when there is none. */
const CdxResponseSchema = z.array(z.array(z.string()))

/** Where the lookup is sent, e.g. https://web.archive.org/cdx/search/cdx?url=…. */
export function cdxQueryUrl(baseUrl: string, url: string): string {
  const query = new URLSearchParams({
    url,
    output: 'json',
    fl: 'timestamp,original',
    filter: 'statuscode:200',
    collapse: 'timestamp:6',
  })
  return `${baseUrl.replace(/\/+$/, '')}/cdx/search/cdx?${query}`
}

/** The snapshot's address on the Wayback Machine: <base>/web/<timestamp>/<original>. */
export function snapshotUrl(baseUrl: string, timestamp: string, original: string): string {
  return `${baseUrl.replace(/\/+$/, '')}/web/${timestamp}/${original}`
}

const ANSWER_LIMIT = 1024 * 1024

/** The latest archived copy of `url` that answered 200, or null. Throws a readable Error when the service fails. */
export async function findArchivedCopy(
  baseUrl: string,
  url: string,
  context: ProbeContext,
): Promise<string | null> {
  const { outcome } = await getWithRetries(cdxQueryUrl(baseUrl, url), context, () => ANSWER_LIMIT)
  if (outcome instanceof RequestFailure) throw new Error(`archive lookup failed: ${outcome.message}`)
  if (outcome.status !== 200) throw new Error(`archive lookup failed: ${describeStatus(outcome.status)}`)
  let rows: string[][]
  try {
    rows = CdxResponseSchema.parse(JSON.parse(outcome.body.toString('utf8') || '[]'))
  } catch {
    throw new Error('archive lookup failed: the answer is not a CDX JSON table')
  }
  const [header, ...captures] = rows
  if (!header || captures.length === 0) return null
  const timestampColumn = header.indexOf('timestamp')
  const originalColumn = header.indexOf('original')
  const latest = captures.at(-1)
  const timestamp = latest?.[timestampColumn]
  const original = latest?.[originalColumn]
  if (timestampColumn < 0 || originalColumn < 0 || !timestamp || !/^\d{4,14}$/.test(timestamp) || !original) {
    throw new Error('archive lookup failed: the answer is not a CDX JSON table')
  }
  return snapshotUrl(baseUrl, timestamp, original)
}
