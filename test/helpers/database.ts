import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { buildDatabase } from '../../src/db/build-database.js'
import { assembleDataset } from '../../src/ingest/assemble-dataset.js'
import { readPage } from '../../src/ingest/read-page.js'
import { defaultSeedPage } from '../../src/paths.js'

/** A private temp folder for one test file; removed by the returned cleanup. */
export function tempDir(prefix = 'dra-test-'): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), prefix))
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) }
}

/** Seeds a real SQLite file from pages (default: the Docker page) through the real migrations. */
export function seedDatabase(path: string, pages: string[] = [defaultSeedPage], hash = 'test'): string {
  buildDatabase(path, assembleDataset(pages.map((page) => readPage(page))), hash)
  return path
}
