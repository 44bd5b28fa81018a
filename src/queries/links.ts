import type { Sqlite } from '../db/open.js'
import { LINK_STATUSES, type LinkStatus } from '../ingest/link-status.js'
import { prepared } from './statements.js'

/** The health of a resource's url, as every answer carries it. */
export type LinkHealth = {
  status: LinkStatus
  httpStatus: number | null
  finalUrl: string | null
  permanent: boolean
  suspectSoft404: boolean
  archiveUrl: string | null
  checkedAt: string | null
  consecutiveFailures: number
}

/** The link columns of a resources row, as SELECT * returns them. */
export type LinkColumns = {
  link_status: LinkStatus
  link_http_status: number | null
  link_final_url: string | null
  link_permanent: number
  link_suspect_soft_404: number
  link_archive_url: string | null
  link_checked_at: string | null
  link_consecutive_failures: number
}

export function toLinkHealth(row: LinkColumns): LinkHealth {
  return {
    status: row.link_status,
    httpStatus: row.link_http_status,
    finalUrl: row.link_final_url,
    permanent: row.link_permanent === 1,
    suspectSoft404: row.link_suspect_soft_404 === 1,
    archiveUrl: row.link_archive_url,
    checkedAt: row.link_checked_at,
    consecutiveFailures: row.link_consecutive_failures,
  }
}

export const LINK_STATUS_NAMES: Record<LinkStatus, string> = {
  ok: 'OK',
  redirected: 'Redirected',
  broken: 'Broken',
  blocked: 'Blocked',
  unreachable: 'Unreachable',
  unchecked: 'Unchecked',
}

/** A status as typed in a query string (any case, spaces around ignored); null when unknown. */
export function findLinkStatus(text: string): LinkStatus | null {
  const key = text.trim().toLowerCase()
  return LINK_STATUSES.find((status) => status === key) ?? null
}

export type LinkCounts = Record<LinkStatus, number>

export type LinkHealthSummary = {
  counts: LinkCounts
  checkedAt: { oldest: string | null; newest: string | null }
}

// The connection is read-only: the dataset's link health is counted once.
const summaries = new WeakMap<Sqlite, LinkHealthSummary>()

/** Resources by link status (all six, zeros included) and the oldest and newest check. */
export function linkHealthSummary(db: Sqlite): LinkHealthSummary {
  let summary = summaries.get(db)
  if (!summary) {
    const rows = prepared(
      db,
      'SELECT link_status AS status, count(*) AS count FROM resources GROUP BY link_status',
    ).all() as { status: LinkStatus; count: number }[]
    const counts = Object.fromEntries(LINK_STATUSES.map((status) => [status, 0])) as LinkCounts
    for (const { status, count } of rows) counts[status] = count
    // checkedAt is stored in UTC, one format for all, so text order is time order
    // and min() and max() each read one end of resources_link_checked_at (in one
    // SELECT together, SQLite would scan the whole index instead).
    const checkedAt = prepared(
      db,
      `SELECT (SELECT min(link_checked_at) FROM resources) AS oldest,
              (SELECT max(link_checked_at) FROM resources) AS newest`,
    ).get() as LinkHealthSummary['checkedAt']
    summary = { counts, checkedAt }
    summaries.set(db, summary)
  }
  return summary
}

/** A resource on /v1/links: enough to find it on the page and decide what to do. */
export type LinkReportItem = {
  id: string
  title: string
  url: string
  category: string
  source: { page: string; section: string | null; line: number }
  link: LinkHealth
}

type LinkReportRow = LinkColumns & {
  id: string
  title: string
  url: string
  category: string
  source_page: string
  source_section: string | null
  source_line: number
}

/** The resources whose link has one of the statuses, in page order. */
export function listLinkReport(
  db: Sqlite,
  statuses: LinkStatus[],
  limit: number,
  offset: number,
): LinkReportItem[] {
  const rows = prepared(
    db,
    `SELECT * FROM resources WHERE link_status IN (SELECT value FROM json_each(?))
     ORDER BY position LIMIT ? OFFSET ?`,
  ).all(JSON.stringify(statuses), limit, offset) as LinkReportRow[]
  return rows.map((row) => ({
    id: row.id,
    title: row.title,
    url: row.url,
    category: row.category,
    source: { page: row.source_page, section: row.source_section, line: row.source_line },
    link: toLinkHealth(row),
  }))
}
