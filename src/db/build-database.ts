import { accessSync, constants, mkdirSync, renameSync, rmSync } from 'node:fs'
import { dirname } from 'node:path'
import Database from 'better-sqlite3'
import { getTableColumns, getTableName } from 'drizzle-orm'
import { drizzle } from 'drizzle-orm/better-sqlite3'
import { migrate } from 'drizzle-orm/better-sqlite3/migrator'
import type { SQLiteTable } from 'drizzle-orm/sqlite-core'
import { fsyncPath, removeStaleTempFiles, tempPathFor } from '../fs/atomic-write.js'
import type { Dataset } from '../ingest/assemble-dataset.js'
import { uncheckedEntry } from '../ingest/link-status.js'
import { migrationsFolder } from '../paths.js'
import { storeRankings } from '../queries/ranking.js'
import * as schema from './schema.js'

const TEMP_MARK = '.seeding-'

// The page cache of the seed's private connection, in KiB: at 100,000 resources
// the whole file (about 160 MB) would fit; 64 MB holds the tables being loaded
// and the index being sorted, which is where a small cache spent its time.
const SEED_CACHE_KIB = 64 * 1024
// FTS5 flushes its in-memory index to a new segment whenever it outgrows the
// hash size (1 MB by default), and merges segments as they pile up. Rebuilt with
// room for the whole index in memory, it writes one segment, once.
const FTS_LOAD_HASHSIZE = 64 * 1024 * 1024
const FTS_DEFAULT_HASHSIZE = 1024 * 1024

type Row = Record<string, unknown>

/**
 * A prepared single-row INSERT for a drizzle table, its columns read from
 * schema.ts (so the schema stays the one source): one statement run per row in
 * the seed's transaction costs less than building multi-row INSERTs.
 */
function inserter(sqlite: Database.Database, table: SQLiteTable): (row: Row) => void {
  const columns = Object.entries(getTableColumns(table))
  const statement = sqlite.prepare(
    `INSERT INTO "${getTableName(table)}" (${columns.map(([, column]) => `"${column.name}"`).join(', ')})
     VALUES (${columns.map(() => '?').join(', ')})`,
  )
  return (row) => {
    statement.run(
      columns.map(([key, column]) => {
        const value = row[key]
        if (value === undefined || value === null) return null
        return column.mapToDriverValue(value)
      }),
    )
  }
}

type SchemaObject = { type: 'index' | 'trigger'; name: string; sql: string }

/**
 * The migrations' indexes and triggers on the tables the seed fills, dropped for
 * the bulk load and re-created afterwards from their own SQL text: an index built
 * once over sorted rows costs a fraction of one kept up to date row by row, and
 * the full-text index is built in one pass instead of by a trigger per row.
 * Indexes that back a PRIMARY KEY or UNIQUE constraint (sql IS NULL) stay.
 */
function dropForLoad(sqlite: Database.Database): SchemaObject[] {
  const objects = sqlite
    .prepare(
      `SELECT type, name, sql FROM sqlite_master
       WHERE type IN ('index', 'trigger') AND sql IS NOT NULL
         AND tbl_name IN ('resources', 'resource_links', 'resource_tags')
       ORDER BY rowid`,
    )
    .all() as SchemaObject[]
  for (const { type, name } of objects) sqlite.exec(`DROP ${type.toUpperCase()} "${name}"`)
  return objects
}

/**
 * Row ids are the resources' positions, 1, 2, 3… in page order (assembleDataset
 * numbers them so): a search's ranking breaks ties between equal scores by row
 * id, which must be position.
 */
function checkPageOrder(dataset: Dataset): void {
  for (const [index, resource] of dataset.resources.entries()) {
    if (resource.position !== index + 1) {
      throw new Error(
        `resources out of page order: ${resource.url} has position ${resource.position} at row ${index + 1}`,
      )
    }
  }
}

function writeDataset(file: string, dataset: Dataset, sourceHash: string, seededAt: Date): void {
  checkPageOrder(dataset)
  const sqlite = new Database(file)
  try {
    // The file is private until renamed into place, so durability is bought once,
    // with an fsync at the end, instead of on every statement.
    sqlite.pragma('journal_mode = MEMORY')
    sqlite.pragma('synchronous = OFF')
    sqlite.pragma(`cache_size = -${SEED_CACHE_KIB}`)
    // Index builds sort in memory: the seed may run where /tmp is not writable.
    sqlite.pragma('temp_store = MEMORY')
    // Checked once, by foreign_key_check below, rather than on every row.
    sqlite.pragma('foreign_keys = OFF')
    migrate(drizzle(sqlite, { schema }), { migrationsFolder })
    const deferred = dropForLoad(sqlite)

    sqlite.transaction(() => {
      const category = inserter(sqlite, schema.categories)
      for (const row of dataset.categories) category(row)
      const tag = inserter(sqlite, schema.tags)
      for (const row of dataset.tags) tag(row)
      const resource = inserter(sqlite, schema.resources)
      const link = inserter(sqlite, schema.resourceLinks)
      const resourceTag = inserter(sqlite, schema.resourceTags)
      for (const [index, item] of dataset.resources.entries()) {
        const rowId = index + 1
        const health = dataset.linkStatus?.get(item.url) ?? uncheckedEntry(item.url)
        resource({
          rowId,
          id: item.id,
          title: item.title,
          url: item.url,
          description: item.description,
          category: item.category,
          host: item.host,
          position: item.position,
          tagsText: item.tags.join(' '),
          sourcePage: item.source.page,
          sourceSection: item.source.section,
          sourceLine: item.source.line,
          linkStatus: health.status,
          linkHttpStatus: health.httpStatus,
          linkFinalUrl: health.finalUrl,
          linkPermanent: health.permanent,
          linkSuspectSoft404: health.suspectSoft404,
          linkArchiveUrl: health.archiveUrl,
          linkCheckedAt: health.checkedAt,
          linkConsecutiveFailures: health.consecutiveFailures,
        })
        for (const [position, { title, url }] of item.links.entries()) {
          link({ resourceRowId: rowId, position: position + 1, title, url })
        }
        for (const slug of item.tags) resourceTag({ tag: slug, resourceRowId: rowId })
      }
      inserter(
        sqlite,
        schema.metadata,
      )({
        id: 1,
        sourceHash,
        seededAt: seededAt.toISOString(),
        resourceCount: dataset.resources.length,
        categoryCount: dataset.categories.length,
        tagCount: dataset.tags.length,
      })

      for (const { sql } of deferred.filter((object) => object.type === 'index')) sqlite.exec(sql)
      sqlite.exec(`INSERT INTO resources_fts(resources_fts, rank) VALUES ('hashsize', ${FTS_LOAD_HASHSIZE})`)
      sqlite.exec("INSERT INTO resources_fts(resources_fts) VALUES ('rebuild')")
      sqlite.exec(
        `INSERT INTO resources_fts(resources_fts, rank) VALUES ('hashsize', ${FTS_DEFAULT_HASHSIZE})`,
      )
      for (const { sql } of deferred.filter((object) => object.type === 'trigger')) sqlite.exec(sql)
    })()

    // One segment already, unless the index outgrew the hash: then this merges them.
    sqlite.exec("INSERT INTO resources_fts(resources_fts) VALUES ('optimize')")
    storeRankings(sqlite)
    const problems = sqlite.pragma('foreign_key_check') as unknown[]
    if (problems.length > 0) throw new Error(`foreign key check failed: ${JSON.stringify(problems[0])}`)
    const check = sqlite.pragma('quick_check', { simple: true })
    if (check !== 'ok') throw new Error(`integrity check failed: ${String(check)}`)
  } finally {
    sqlite.close()
  }
}

/**
 * Writes the dataset to a new SQLite file beside `path` and renames it into place,
 * so readers see either the old database or the complete new one, never a part;
 * a failure at any step leaves the old file untouched.
 */
export function buildDatabase(
  path: string,
  dataset: Dataset,
  sourceHash: string,
  seededAt = new Date(),
): void {
  mkdirSync(dirname(path), { recursive: true })
  // Name a directory the seed cannot write, rather than leave it to SQLite's
  // "unable to open database file", which names nothing.
  accessSync(dirname(path), constants.W_OK)
  removeStaleTempFiles(path, TEMP_MARK)
  const temp = tempPathFor(path, TEMP_MARK)
  rmSync(temp, { force: true })
  try {
    writeDataset(temp, dataset, sourceHash, seededAt)
    fsyncPath(temp)
    renameSync(temp, path)
    fsyncPath(dirname(path))
  } catch (error) {
    rmSync(temp, { force: true })
    throw error
  }
}
