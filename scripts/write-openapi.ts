import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { buildApp } from '../src/app.js'
import { loadConfig } from '../src/config.js'
import { buildDatabase } from '../src/db/build-database.js'
import { assembleDataset } from '../src/ingest/assemble-dataset.js'
import { readPage } from '../src/ingest/read-page.js'
import { defaultSeedPage, projectRoot } from '../src/paths.js'

// openapi.yaml is generated, never edited: this builds the real app (over a
// throwaway database) and writes the document it serves. `npm run openapi`.
const dir = mkdtempSync(join(tmpdir(), 'openapi-'))
try {
  const databasePath = join(dir, 'resources.db')
  buildDatabase(databasePath, assembleDataset([readPage(defaultSeedPage)]), 'openapi')
  const app = await buildApp(loadConfig({ DATABASE_PATH: databasePath }), { logger: false })
  await app.ready()
  const response = await app.inject({ method: 'GET', url: '/openapi.yaml' })
  writeFileSync(join(projectRoot, 'openapi.yaml'), response.body)
  await app.close()
  process.stdout.write('wrote openapi.yaml\n')
} finally {
  rmSync(dir, { recursive: true, force: true })
}
