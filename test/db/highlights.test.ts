import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { openReadOnly, type Sqlite } from '../../src/db/open.js'
import { FTS_TOKENIZE, markInIndex, markInScratch, type PageRow } from '../../src/queries/highlights.js'
import { MARK_CLOSE, MARK_OPEN, toMatchExpression } from '../../src/queries/search-text.js'
import { seedDatabase, tempDir } from '../helpers/database.js'

// Search results of a large catalog are marked up in a scratch FTS5 table holding
// only the page's rows (src/queries/highlights.ts); a small catalog's on its own
// index. Both ways must give the marks of highlight() and snippet() run on
// resources_fts itself, for every resource each query matches.

let db: Sqlite
let cleanup: () => void
beforeAll(() => {
  let dir: string
  ;({ dir, cleanup } = tempDir())
  db = openReadOnly(seedDatabase(join(dir, 'resources.db')))
})
afterAll(() => {
  db.close()
  cleanup()
})

function fromCatalogIndex(match: string) {
  return db
    .prepare(
      `SELECT r.row_id, r.title, r.description, r.tags_text,
         highlight(resources_fts, 0, '${MARK_OPEN}', '${MARK_CLOSE}') AS marked_title,
         snippet(resources_fts, 1, '${MARK_OPEN}', '${MARK_CLOSE}', '…', 24) AS marked_snippet
       FROM resources_fts JOIN resources r ON r.row_id = resources_fts.rowid
       WHERE resources_fts MATCH ? ORDER BY r.row_id`,
    )
    .all(match) as (PageRow & { marked_title: string; marked_snippet: string })[]
}

describe('marking matches in a scratch table', () => {
  it('splits words exactly as the catalog index does', () => {
    const { sql } = db.prepare("SELECT sql FROM sqlite_master WHERE name = 'resources_fts'").get() as {
      sql: string
    }
    expect(sql).toContain(`tokenize='${FTS_TOKENIZE}'`)
  })

  it.each([
    'docker',
    'dock',
    'python docker',
    'django',
    'compose',
    'flask nginx',
    'DÓCKER',
    'c',
    'python image',
  ])('gives the marks of the catalog index for every match of %j', (text) => {
    const parsed = toMatchExpression(text)
    if (!parsed.ok) throw new Error(parsed.message)
    const expected = fromCatalogIndex(parsed.match)
    expect(expected.length).toBeGreaterThan(0)
    for (const marked of [
      markInScratch(db, parsed.match, expected),
      markInIndex(db, parsed.match, expected),
    ]) {
      expect(marked.size).toBe(expected.length)
      for (const row of expected) {
        expect(marked.get(row.row_id)).toEqual({ title: row.marked_title, snippet: row.marked_snippet })
      }
    }
    expect(
      expected.some((row) => row.marked_title.includes(MARK_OPEN) || row.marked_snippet.includes(MARK_OPEN)),
    ).toBe(true)
  })

  it('leaves the scratch table empty after each page', () => {
    const rows = fromCatalogIndex('"docker"*')
    expect(markInScratch(db, '"docker"*', rows).size).toBe(rows.length)
    const count = (sql: string) => (db.prepare(sql).get() as { n: number }).n
    expect(count('SELECT count(*) AS n FROM temp.page_rows')).toBe(0)
    expect(count(`SELECT count(*) AS n FROM temp.page_fts WHERE page_fts MATCH '"docker"*'`)).toBe(0)
  })
})
