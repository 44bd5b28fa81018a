import { buildDatabase } from '../../src/db/build-database.js'
import { assembleDataset } from '../../src/ingest/assemble-dataset.js'
import { attachLinkStatus } from '../../src/ingest/attach-link-status.js'
import { readLinkStatusFile } from '../../src/ingest/link-status.js'
import { readPage } from '../../src/ingest/read-page.js'
import { defaultSeedPage } from '../../src/paths.js'

export { tempDir } from './temp-dir.js'

/**
 * Seeds a real SQLite file from pages (default: the Docker page) through the real
 * migrations, with the link health of a link-status file when one is given.
 */
export function seedDatabase(
  path: string,
  pages: string[] = [defaultSeedPage],
  hash = 'test',
  linkStatusFile?: string,
): string {
  let dataset = assembleDataset(pages.map((page) => readPage(page)))
  if (linkStatusFile !== undefined) {
    const entries = readLinkStatusFile(linkStatusFile)
    if (!entries) throw new Error(`${linkStatusFile}: no such link status file`)
    dataset = attachLinkStatus(dataset, entries, linkStatusFile)
  }
  buildDatabase(path, dataset, hash)
  return path
}
