import type { Sqlite } from '../db/open.js'
import { getDatasetInfo } from './dataset.js'
import { MARK_CLOSE, MARK_OPEN } from './search-text.js'
import { prepared } from './statements.js'

/** The tokenizer of resources_fts (migrations/0001_resources_fts.sql); the scratch table must split words the same way. */
export const FTS_TOKENIZE = 'unicode61 remove_diacritics 2'
const SNIPPET_WORDS = 24
/**
 * Catalogs larger than this mark a page up in the scratch table. On the catalog's
 * index, marking costs about 1 µs per row the query matches in the whole catalog;
 * in the scratch table about 190 µs for a page of 20, however many rows match.
 */
export const SCRATCH_ABOVE = 200

export type PageRow = { row_id: number; title: string; description: string; tags_text: string }
export type Marked = { title: string; snippet: string }

const marks = (table: string) =>
  `highlight(${table}, 0, '${MARK_OPEN}', '${MARK_CLOSE}') AS title,
   snippet(${table}, 1, '${MARK_OPEN}', '${MARK_CLOSE}', '…', ${SNIPPET_WORDS}) AS snippet`

function byRow(rows: ({ rowId: number } & Marked)[]): Map<number, Marked> {
  return new Map(rows.map(({ rowId, title, snippet }) => [rowId, { title, snippet }]))
}

/**
 * The title with every match marked, and the best fragment of the description,
 * for each row of a page that the match expression finds.
 */
export function markMatches(db: Sqlite, match: string, rows: PageRow[]): Map<number, Marked> {
  if (rows.length === 0) return new Map()
  return isLargeCatalog(db) ? markInScratch(db, match, rows) : markInIndex(db, match, rows)
}

// The connection is read-only: its catalog's size is read once, not per search.
const largeCatalogs = new WeakMap<Sqlite, boolean>()

function isLargeCatalog(db: Sqlite): boolean {
  let large = largeCatalogs.get(db)
  if (large === undefined) {
    large = getDatasetInfo(db).resources > SCRATCH_ABOVE
    largeCatalogs.set(db, large)
  }
  return large
}

/** highlight() and snippet() on the catalog's own index. */
export function markInIndex(db: Sqlite, match: string, rows: PageRow[]): Map<number, Marked> {
  const marked = prepared(
    db,
    `SELECT rowid AS rowId, ${marks('resources_fts')} FROM resources_fts
     WHERE resources_fts MATCH ? AND rowid IN (SELECT value FROM json_each(?))`,
  ).all(match, JSON.stringify(rows.map((row) => row.row_id))) as ({ rowId: number } & Marked)[]
  return byRow(marked)
}

// highlight() and snippet() mark up one row, but on the catalog's index each
// query first gathers every row the expression matches (FTS5 does not narrow its
// scan by rowid IN (...)): a prefix word in most of 100,000 rows costs ~100 ms for
// a page of 20. The scratch table holds only the page's rows, with the same
// tokenizer, in memory and private to the connection: the same marks, in well
// under a millisecond. It indexes an ordinary temp table (external content), so
// emptying it is FTS5's cheap 'delete-all', not a row-by-row delete.
type Fill = (page: PageRow[]) => void
const scratch = new WeakMap<Sqlite, Fill>()

/** Creates the scratch tables on first use; returns the transaction that fills them with a page. */
function scratchTables(db: Sqlite): Fill {
  let fill = scratch.get(db)
  if (fill) return fill
  // Temporary tables live in memory: a read-only container has no writable /tmp.
  db.pragma('temp_store = MEMORY')
  db.exec(`
    CREATE TEMP TABLE IF NOT EXISTS page_rows (title TEXT, description TEXT, tags_text TEXT);
    CREATE VIRTUAL TABLE IF NOT EXISTS temp.page_fts USING fts5(
      title, description, tags_text, content='page_rows', tokenize='${FTS_TOKENIZE}'
    );`)
  const row = db.prepare(
    'INSERT INTO temp.page_rows (rowid, title, description, tags_text) VALUES (?, ?, ?, ?)',
  )
  const index = db.prepare(
    'INSERT INTO temp.page_fts (rowid, title, description, tags_text) VALUES (?, ?, ?, ?)',
  )
  fill = db.transaction((page: PageRow[]) => {
    for (const { row_id, title, description, tags_text } of page) {
      row.run(row_id, title, description, tags_text)
      index.run(row_id, title, description, tags_text)
    }
  })
  scratch.set(db, fill)
  return fill
}

/** The same marks as markInIndex, from a scratch FTS5 table holding only the page's rows. */
export function markInScratch(db: Sqlite, match: string, rows: PageRow[]): Map<number, Marked> {
  const fill = scratchTables(db)
  try {
    fill(rows)
    const marked = prepared(
      db,
      `SELECT rowid AS rowId, ${marks('page_fts')} FROM temp.page_fts WHERE page_fts MATCH ?`,
    ).all(match) as ({ rowId: number } & Marked)[]
    return byRow(marked)
  } finally {
    prepared(db, "INSERT INTO temp.page_fts (page_fts) VALUES ('delete-all')").run()
    prepared(db, 'DELETE FROM temp.page_rows').run()
  }
}
