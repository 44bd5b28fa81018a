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

/**
 * A bounded cache of values computed per connection and key: the server's
 * connection is read-only, so what a query found stays true for as long as it is
 * open. A hit moves its entry to the back; past `max` entries the least recently
 * used goes.
 */
export function connectionMemo<T>(max: number): (db: Sqlite, key: string, compute: () => T) => T {
  const memos = new WeakMap<Sqlite, Map<string, T>>()
  return (db, key, compute) => {
    let memo = memos.get(db)
    if (!memo) {
      memo = new Map()
      memos.set(db, memo)
    }
    let value: T
    if (memo.has(key)) {
      value = memo.get(key) as T
      memo.delete(key)
    } else {
      value = compute()
      if (memo.size >= max) memo.delete(memo.keys().next().value as string)
    }
    memo.set(key, value)
    return value
  }
}
