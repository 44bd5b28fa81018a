import type { Statement as SqliteStatement } from 'better-sqlite3'
import type { Sqlite } from '../db/open.js'

type Statement = SqliteStatement<unknown[]>

const cache = new WeakMap<Sqlite, Map<string, Statement>>()

/**
 * Prepares each SQL text once per connection. Queries are built from a fixed set of
 * fragments (list values travel as one JSON parameter), so the cache stays small.
 */
export function prepared(db: Sqlite, sql: string): Statement {
  let statements = cache.get(db)
  if (!statements) {
    statements = new Map()
    cache.set(db, statements)
  }
  let statement = statements.get(sql)
  if (!statement) {
    statement = db.prepare<unknown[]>(sql)
    statements.set(sql, statement)
  }
  return statement
}
