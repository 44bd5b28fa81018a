import { isEntryPoint } from '../src/entry-point.js'
import { readPage } from '../src/ingest/read-page.js'
import type { ParsedPage } from '../src/ingest/record.js'

// `npm run --silent parse -- FILE...`: parses pages and prints their records as JSON.
// Touches no database. Exit 1 only when a file cannot be read, has no front matter or
// has a malformed category mapping; then stdout stays empty. Pages with problems
// (invalid items, no resources) still print and exit 0: the problems are in the output.

export const DEFAULT_PAGE = 'seed/docker.markdown'

export type Output = { stdout: (text: string) => void; stderr: (text: string) => void }

/** Parses every file; returns the exit code. */
export function runParse(files: readonly string[], output: Output): number {
  const pages: ParsedPage[] = []
  const errors: string[] = []
  for (const file of files.length > 0 ? files : [DEFAULT_PAGE]) {
    try {
      pages.push(readPage(file))
    } catch (error) {
      errors.push(error instanceof Error ? error.message : String(error))
    }
  }
  if (errors.length > 0) {
    output.stderr(`${errors.join('\n')}\n`)
    return 1
  }
  output.stdout(`${JSON.stringify(pages, null, 2)}\n`)
  return 0
}

if (isEntryPoint(import.meta.url)) {
  process.exitCode = runParse(process.argv.slice(2), {
    stdout: (text) => process.stdout.write(text),
    stderr: (text) => process.stderr.write(text),
  })
}
