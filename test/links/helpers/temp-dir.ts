import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

// test/helpers/database.ts has the same helper, but loading it loads better-sqlite3,
// which the link checker's tests do not need (they also run on Node 24 that way).

/** A private temp folder for one test file; removed by the returned cleanup. */
export function linksTempDir(prefix: string): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), prefix))
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) }
}
