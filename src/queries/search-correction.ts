import type { Sqlite } from '../db/open.js'
import { matchExpression } from './search-text.js'
import { type Correction, Vocabulary } from './typo-tolerance.js'

// The vocabulary is the search index's own: every term resources_fts holds, with
// how many resources hold it, read through an fts5vocab table. The server's
// database is read-only, so the fts5vocab table is created in the connection's
// temp schema (in memory) rather than by a migration: it stores nothing either
// way (it reads the index), and this way needs no schema version, no re-seed of
// existing databases, and no write. It is read once per connection, on the first
// search that needs a correction: about 1 ms for the Docker page, about 250 ms
// for a 100,000-resource catalog (fts5vocab walks every doclist to count).

const vocabularies = new WeakMap<Sqlite, Vocabulary>()

export function vocabularyOf(db: Sqlite): Vocabulary {
  let vocabulary = vocabularies.get(db)
  if (!vocabulary) {
    db.pragma('temp_store = MEMORY')
    db.exec(
      'CREATE VIRTUAL TABLE IF NOT EXISTS temp.resources_vocab USING fts5vocab(main, resources_fts, row)',
    )
    const rows = db.prepare('SELECT term, doc AS docs FROM temp.resources_vocab').all() as {
      term: string
      docs: number
    }[]
    vocabulary = new Vocabulary(rows)
    vocabularies.set(db, vocabulary)
  }
  return vocabulary
}

export type CorrectedSearch = {
  /** The query that is run instead: the words, corrected ones replaced, separated by spaces. */
  text: string
  match: string
  /** One entry per word: the correction, or null where the word was kept. */
  corrections: (Correction | null)[]
}

/** How the index stores a word: unicode61 with remove_diacritics 2 drops every combining mark. */
function indexForm(word: string): string {
  return word.normalize('NFD').replace(/\p{M}/gu, '').normalize('NFC')
}

/**
 * Each word replaced by its best correction in the index's vocabulary (the last
 * word read as a prefix). Null when nothing can be corrected, or when some word
 * is neither in the vocabulary nor correctable: the words combine with AND, so
 * such a query would find nothing anyway.
 */
export function correctSearch(db: Sqlite, words: readonly string[]): CorrectedSearch | null {
  const vocabulary = vocabularyOf(db)
  const corrected: string[] = []
  const corrections: (Correction | null)[] = []
  for (const [index, word] of words.entries()) {
    const prefix = index === words.length - 1
    const form = indexForm(word)
    if (prefix ? vocabulary.hasPrefix(form) : vocabulary.has(form)) {
      corrected.push(word)
      corrections.push(null)
      continue
    }
    const correction = vocabulary.correct(form, prefix)
    if (correction === null) return null
    corrected.push(correction.term)
    corrections.push(correction)
  }
  if (corrections.every((correction) => correction === null)) return null
  return { text: corrected.join(' '), match: matchExpression(corrected), corrections }
}
