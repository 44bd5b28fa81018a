import type { Sqlite } from '../db/open.js'
import { MARK_CLOSE, MARK_OPEN } from './search-text.js'
import { prepared } from './statements.js'

/** The tokenizer of resources_fts (migrations/0001_resources_fts.sql); the scratch table must split words the same way. */
export const FTS_TOKENIZE = 'unicode61 remove_diacritics 2'
const SNIPPET_WORDS = 24

export type PageRow = { row_id: number; title: string; description: string; tags_text: string }
export type Marked = { title: string; snippet: string }

// highlight() and snippet() mark up one row, but run against the catalog's index
// each call first gathers every row the query matches: a prefix word found in
// most of 100,000 rows cost ~100 ms for a page of 20. So the page's rows are
// copied into a scratch FTS5 table with the same tokenizer, in memory and private
// to this connection, and marked up there: the same marks, in about a millisecond.
const ready = new WeakSet<Sqlite>()

function scratchTable(db: Sqlite): void {
  if (ready.has(db)) return
  // Temporary tables live in memory: a read-only container has no writable /tmp.
  db.pragma('temp_store = MEMORY')
  db.exec(
    `CREATE VIRTUAL TABLE IF NOT EXISTS temp.page_fts USING fts5(title, description, tags_text, tokenize='${FTS_TOKENIZE}')`,
  )
  ready.add(db)
}

/** The title with every match marked, and the best fragment of the description, for each row the match expression finds. */
export function markMatches(db: Sqlite, match: string, rows: PageRow[]): Map<number, Marked> {
  if (rows.length === 0) return new Map()
  scratchTable(db)
  const clear = prepared(db, 'DELETE FROM temp.page_fts')
  const insert = prepared(
    db,
    'INSERT INTO temp.page_fts (rowid, title, description, tags_text) VALUES (?, ?, ?, ?)',
  )
  clear.run()
  try {
    for (const row of rows) insert.run(row.row_id, row.title, row.description, row.tags_text)
    const marked = prepared(
      db,
      `SELECT rowid AS rowId, highlight(page_fts, 0, '${MARK_OPEN}', '${MARK_CLOSE}') AS title,
         snippet(page_fts, 1, '${MARK_OPEN}', '${MARK_CLOSE}', '…', ${SNIPPET_WORDS}) AS snippet
       FROM temp.page_fts WHERE page_fts MATCH ?`,
    ).all(match) as ({ rowId: number } & Marked)[]
    return new Map(marked.map(({ rowId, title, snippet }) => [rowId, { title, snippet }]))
  } finally {
    clear.run()
  }
}
