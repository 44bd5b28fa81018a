import { readFileSync } from 'node:fs'
import { loadCategoryMap } from './category-map.js'
import { parsePage } from './parse-page.js'
import type { ParsedPage } from './record.js'

/** A page file that cannot be read. */
export class PageReadError extends Error {
  readonly file: string

  constructor(file: string, cause: unknown) {
    super(`${file}: cannot read page: ${cause instanceof Error ? cause.message : String(cause)}`, { cause })
    this.name = 'PageReadError'
    this.file = file
  }
}

/**
 * Reads a page and its category mapping (`<page>.categories.json` beside it, if any) and
 * parses it. `file` in the records is `path` as given. Throws PageReadError, a
 * PageFormatError (no front matter) or an Error naming a malformed mapping file.
 */
export function readPage(path: string): ParsedPage {
  let text: string
  try {
    text = readFileSync(path, 'utf8')
  } catch (error) {
    throw new PageReadError(path, error)
  }
  return parsePage(text, { file: path, categoryMap: loadCategoryMap(path) })
}
