import { accessSync, constants, mkdirSync, renameSync, rmSync } from 'node:fs'
import { dirname } from 'node:path'
import Database from 'better-sqlite3'
import { drizzle } from 'drizzle-orm/better-sqlite3'
import { migrate } from 'drizzle-orm/better-sqlite3/migrator'
import { fsyncPath, removeStaleTempFiles, tempPathFor } from '../fs/atomic-write.js'
import type { Dataset } from '../ingest/assemble-dataset.js'
import { uncheckedEntry } from '../ingest/link-status.js'
import { migrationsFolder } from '../paths.js'
import * as schema from './schema.js'

const TEMP_MARK = '.seeding-'
// Rows per INSERT: well under SQLite's bound-parameter limit for the widest table.
const CHUNK = 500

function chunks<T>(rows: T[]): T[][] {
  const out: T[][] = []
  for (let i = 0; i < rows.length; i += CHUNK) out.push(rows.slice(i, i + CHUNK))
  return out
}

function writeDataset(file: string, dataset: Dataset, sourceHash: string, seededAt: Date): void {
  const sqlite = new Database(file)
  try {
    // The file is private until renamed into place, so durability is bought once,
    // with an fsync at the end, instead of on every statement.
    sqlite.pragma('journal_mode = MEMORY')
    sqlite.pragma('synchronous = OFF')
    sqlite.pragma('foreign_keys = ON')
    const db = drizzle(sqlite, { schema })
    migrate(db, { migrationsFolder })

    db.transaction((tx) => {
      for (const rows of chunks(dataset.categories)) tx.insert(schema.categories).values(rows).run()
      for (const rows of chunks(dataset.tags)) tx.insert(schema.tags).values(rows).run()
      const resourceRows = dataset.resources.map((resource, index) => {
        const link = dataset.linkStatus?.get(resource.url) ?? uncheckedEntry(resource.url)
        return {
          rowId: index + 1,
          id: resource.id,
          title: resource.title,
          url: resource.url,
          description: resource.description,
          category: resource.category,
          host: resource.host,
          position: resource.position,
          tagsText: resource.tags.join(' '),
          sourcePage: resource.source.page,
          sourceSection: resource.source.section,
          sourceLine: resource.source.line,
          linkStatus: link.status,
          linkHttpStatus: link.httpStatus,
          linkFinalUrl: link.finalUrl,
          linkPermanent: link.permanent,
          linkSuspectSoft404: link.suspectSoft404,
          linkArchiveUrl: link.archiveUrl,
          linkCheckedAt: link.checkedAt,
          linkConsecutiveFailures: link.consecutiveFailures,
        }
      })
      for (const rows of chunks(resourceRows)) tx.insert(schema.resources).values(rows).run()
      const linkRows = dataset.resources.flatMap((resource, index) =>
        resource.links.map((link, position) => ({
          resourceRowId: index + 1,
          position: position + 1,
          ...link,
        })),
      )
      for (const rows of chunks(linkRows)) tx.insert(schema.resourceLinks).values(rows).run()
      const tagRows = dataset.resources.flatMap((resource, index) =>
        resource.tags.map((tag) => ({ tag, resourceRowId: index + 1 })),
      )
      for (const rows of chunks(tagRows)) tx.insert(schema.resourceTags).values(rows).run()
      tx.insert(schema.metadata)
        .values({
          id: 1,
          sourceHash,
          seededAt: seededAt.toISOString(),
          resourceCount: dataset.resources.length,
          categoryCount: dataset.categories.length,
          tagCount: dataset.tags.length,
        })
        .run()
    })

    sqlite.exec("INSERT INTO resources_fts(resources_fts) VALUES ('optimize')")
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
