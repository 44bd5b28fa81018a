import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

// A module of its own, not in database.ts: the link checker's tests use it too, and
// database.ts loads better-sqlite3, which they do not need.

/** A private temp folder for one test file; removed by the returned cleanup. */
export function tempDir(prefix = 'dra-test-'): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), prefix))
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) }
}
