import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import Database from 'better-sqlite3'
import { migrationsFolder } from '../paths.js'

export type Sqlite = Database.Database

/** Most of the database file mapped into memory (SQLite maps no more than the file's size). */
const MMAP_BYTES = 1024 * 1024 * 1024

/** A problem with the database file that an operator must fix; printed as one line. */
export class DatabaseError extends Error {
  override name = 'DatabaseError'
}

type Journal = { entries: { tag: string }[] }

/** How many migrations this code knows: a database with more was written by newer code. */
export function knownMigrationCount(): number {
  const journal = JSON.parse(readFileSync(join(migrationsFolder, 'meta', '_journal.json'), 'utf8')) as Journal
  return journal.entries.length
}

/**
 * Opens a seeded database for serving: read-only, so a request can never change
 * the data and the file may sit on a read-only filesystem. Refuses, with one
 * clear message, a file that is missing, not SQLite, unseeded or of another schema.
 */
export function openReadOnly(path: string): Sqlite {
  let db: Sqlite
  try {
    db = new Database(path, { readonly: true, fileMustExist: true })
  } catch (error) {
    throw new DatabaseError(`cannot open database ${path}: ${(error as Error).message} (run npm run seed)`)
  }
  try {
    // A damaged page would otherwise start a server that answers 500 on whichever
    // queries touch it. The dataset is small: the check takes milliseconds.
    const check = db.pragma('quick_check', { simple: true })
    if (check !== 'ok') {
      // SQLite reports one finding per line; the first one names the damage.
      const finding = String(check)
        .split('\n')
        .map((line) => line.trim())
        .find((line) => line !== '' && !line.startsWith('***'))
      throw new DatabaseError(`database ${path} is corrupt (${finding ?? 'quick_check failed'}): re-seed it`)
    }
    const applied = db.prepare('SELECT count(*) AS n FROM __drizzle_migrations').get() as { n: number }
    const known = knownMigrationCount()
    if (applied.n > known) {
      throw new DatabaseError(
        `database ${path} has schema version ${applied.n}, newer than this server's ${known}: upgrade the server or re-seed`,
      )
    }
    if (applied.n < known) {
      throw new DatabaseError(
        `database ${path} has an old schema (version ${applied.n} of ${known}): re-seed it`,
      )
    }
    const seeded = db.prepare('SELECT count(*) AS n FROM metadata').get() as { n: number }
    if (seeded.n !== 1) throw new DatabaseError(`database ${path} was never fully seeded: re-seed it`)
    // Pages are read straight from the mapped file instead of copied in by a read()
    // each: a third less CPU for the random row reads of a large catalog's search
    // (the sample behind its estimated counts, a page's rows). Safe here: the file
    // is only ever replaced by a rename, never rewritten in place.
    db.pragma(`mmap_size = ${MMAP_BYTES}`)
  } catch (error) {
    db.close()
    if (error instanceof DatabaseError) throw error
    throw new DatabaseError(
      `database ${path} is not a usable resources database: ${(error as Error).message}`,
    )
  }
  return db
}

/**
 * A second read-only connection to a database the server already opened and
 * checked: for work that holds a connection across many event-loop turns (a
 * streamed export iterates its rows), which better-sqlite3 allows only on a
 * connection doing nothing else. Sorts and temporary tables stay in memory: a
 * read-only container has no writable /tmp.
 */
export function openReader(path: string): Sqlite {
  const db = new Database(path, { readonly: true, fileMustExist: true })
  db.pragma('temp_store = MEMORY')
  return db
}
