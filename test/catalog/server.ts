import { join } from 'node:path'
import { sourceHash } from '../../seed/seed.js'
import { buildApp } from '../../src/app.js'
import { loadConfig } from '../../src/config.js'
import { buildDatabase } from '../../src/db/build-database.js'
import { assembleDataset } from '../../src/ingest/assemble-dataset.js'
import { attachLinkStatus } from '../../src/ingest/attach-link-status.js'
import { readLinkStatusFile } from '../../src/ingest/link-status.js'
import { readPage } from '../../src/ingest/read-page.js'
import { defaultSeedPage } from '../../src/paths.js'
import { tempDir } from '../helpers/database.js'

/**
 * No rate limit and no load shedding: these tests check what the page answers,
 * and on a busy machine a lagging event loop would otherwise answer 503.
 */
export const QUIET = { RATE_LIMIT_MAX: '0', MAX_EVENT_LOOP_DELAY_MS: '0' }

export type CatalogServer = { origin: string; close: () => Promise<void> }

/**
 * The real app, listening on loopback, over a database seeded from these pages
 * at a fixed time: the footer shows the seed time, and fixed it keeps the
 * screenshots the same from run to run.
 */
export async function startCatalogServer(
  pages: string[] = [defaultSeedPage],
  linkStatusFile?: string,
): Promise<CatalogServer> {
  const { dir, cleanup } = tempDir('dra-catalog-')
  const databasePath = join(dir, 'resources.db')
  const dataset = assembleDataset(pages.map((page) => readPage(page)))
  const entries = linkStatusFile === undefined ? undefined : readLinkStatusFile(linkStatusFile)
  buildDatabase(
    databasePath,
    entries ? attachLinkStatus(dataset, entries, linkStatusFile as string) : dataset,
    sourceHash(pages),
    new Date('2026-01-15T09:30:00Z'),
  )
  const app = await buildApp(loadConfig({ DATABASE_PATH: databasePath, LOG_LEVEL: 'silent', ...QUIET }), {
    logger: false,
  })
  const origin = await app.listen({ port: 0, host: '127.0.0.1' })
  return {
    origin,
    close: async () => {
      await app.close()
      cleanup()
    },
  }
}
