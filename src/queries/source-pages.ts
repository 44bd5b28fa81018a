import type { Sqlite } from '../db/open.js'
import { prepared } from './statements.js'

/** Slugs of the pages the resources were read from, in page order. */
export function listSourcePages(db: Sqlite): string[] {
  const rows = prepared(
    db,
    'SELECT source_page AS page FROM resources GROUP BY source_page ORDER BY min(position)',
  ).all() as { page: string }[]
  return rows.map((row) => row.page)
}
