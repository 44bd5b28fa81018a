import type { Sqlite } from '../db/open.js'
import { prepared } from './statements.js'

export type DatasetInfo = {
  sourceHash: string
  seededAt: string
  resources: number
  categories: number
  tags: number
}

export function getDatasetInfo(db: Sqlite): DatasetInfo {
  return prepared(
    db,
    `SELECT source_hash AS sourceHash, seeded_at AS seededAt, resource_count AS resources,
       category_count AS categories, tag_count AS tags FROM metadata WHERE id = 1`,
  ).get() as DatasetInfo
}
