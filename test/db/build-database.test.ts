import { existsSync } from 'node:fs'
import { join } from 'node:path'
import Database from 'better-sqlite3'
import { drizzle } from 'drizzle-orm/better-sqlite3'
import { migrate } from 'drizzle-orm/better-sqlite3/migrator'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { syntheticDataset } from '../../bench/synthetic.js'
import { buildDatabase } from '../../src/db/build-database.js'
import { migrationsFolder } from '../../src/paths.js'
import { tempDir } from '../helpers/database.js'

// The seed drops the migrations' secondary indexes and triggers for its bulk load
// and re-creates them from their own SQL: the file it leaves must hold exactly the
// schema the migrations alone create, and an index FTS5 answers from.

let dir: string
let cleanup: () => void
beforeAll(() => {
  ;({ dir, cleanup } = tempDir())
})
afterAll(() => cleanup())

type SchemaRow = { type: string; name: string; tbl_name: string; sql: string | null }

function schemaOf(path: string): SchemaRow[] {
  const db = new Database(path, { readonly: true })
  try {
    return db
      .prepare('SELECT type, name, tbl_name, sql FROM sqlite_master ORDER BY type, name')
      .all() as SchemaRow[]
  } finally {
    db.close()
  }
}

describe('buildDatabase', () => {
  const size = 3000
  let seeded: string
  beforeAll(() => {
    seeded = join(dir, 'seeded.db')
    buildDatabase(seeded, syntheticDataset(size), 'synthetic')
  })

  it('leaves exactly the schema the migrations create: every index and trigger back', () => {
    const migrated = join(dir, 'migrated.db')
    const db = new Database(migrated)
    migrate(drizzle(db), { migrationsFolder })
    db.close()
    const expected = schemaOf(migrated)
    expect(expected.filter((row) => row.type === 'trigger')).toHaveLength(3)
    expect(schemaOf(seeded)).toEqual(expected)
  })

  it('builds a full-text index that agrees with the resources table, row by row', () => {
    // FTS5's integrity-check with rank 1 re-reads every row of the content table
    // and throws (SQLITE_CORRUPT_VTAB) if the index differs from it in any entry.
    const db = new Database(seeded)
    try {
      expect(() =>
        db.exec("INSERT INTO resources_fts(resources_fts, rank) VALUES ('integrity-check', 1)"),
      ).not.toThrow()
      expect(db.prepare('SELECT count(*) FROM resources').pluck().get()).toBe(size)
      const [word] = (
        db.prepare('SELECT title FROM resources WHERE row_id = 1').pluck().get() as string
      ).split(' ')
      const viaIndex = db
        .prepare('SELECT count(*) FROM resources_fts WHERE resources_fts MATCH ?')
        .pluck()
        .get(`"${word}"`) as number
      expect(viaIndex).toBeGreaterThan(0)
    } finally {
      db.close()
    }
  })

  it('refuses resources out of page order: row ids are positions, which break ranking ties', () => {
    const dataset = syntheticDataset(3)
    const [first, second, third] = dataset.resources
    if (!first || !second || !third) throw new Error('three resources expected')
    const path = join(dir, 'unordered.db')
    expect(() => buildDatabase(path, { ...dataset, resources: [first, third, second] }, 'x')).toThrow(
      /out of page order: https:\/\/\S+ has position 3 at row 2/,
    )
    expect(existsSync(path)).toBe(false)
  })
})
