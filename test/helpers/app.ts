import { join } from 'node:path'
import request from 'supertest'
import { buildApp } from '../../src/app.js'
import { type Config, loadConfig } from '../../src/config.js'
import { buildDatabase } from '../../src/db/build-database.js'
import type { Dataset } from '../../src/ingest/assemble-dataset.js'
import { seedDatabase, tempDir } from './database.js'

export type TestApp = Awaited<ReturnType<typeof startTestApp>>

/**
 * The real app over its own freshly seeded SQLite file, ready for supertest.
 * `env` takes the same variables as the server (e.g. { CORS_ORIGINS: '...' });
 * `linkStatus` names a link-status file to seed with; `dataset` seeds a dataset
 * (a synthetic catalog) instead of pages.
 */
export async function startTestApp(
  env: Record<string, string> = {},
  pages?: string[],
  options: { linkStatus?: string; dataset?: Dataset } = {},
) {
  const { dir, cleanup } = tempDir()
  const databasePath = join(dir, 'resources.db')
  if (options.dataset) buildDatabase(databasePath, options.dataset, 'synthetic')
  else seedDatabase(databasePath, pages, 'test', options.linkStatus)
  const config: Config = loadConfig({ DATABASE_PATH: databasePath, LOG_LEVEL: 'silent', ...env })
  const app = await buildApp(config, { logger: false })
  // Listening once, on loopback: supertest given an unbound server listens and
  // closes it again for every request, which under a loaded test run now and then
  // met a refused connection.
  const address = await app.listen({ host: '127.0.0.1', port: 0 })
  return {
    app,
    config,
    databasePath,
    /** Where it listens: http://127.0.0.1:PORT */
    origin: address,
    http: () => request(address),
    close: async () => {
      await app.close()
      cleanup()
    },
  }
}
