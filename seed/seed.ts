import { createHash } from 'node:crypto'
import { existsSync, readFileSync } from 'node:fs'
import { relative } from 'node:path'
import { parseArgs } from 'node:util'
import { ConfigError, loadConfig } from '../src/config.js'
import { buildDatabase } from '../src/db/build-database.js'
import { openReadOnly } from '../src/db/open.js'
import { assembleDataset, type Dataset } from '../src/ingest/assemble-dataset.js'
import { categoryMapPath } from '../src/ingest/category-map.js'
import { readPage } from '../src/ingest/read-page.js'
import { vocabulary } from '../src/ingest/tags.js'
import { defaultSeedPage } from '../src/paths.js'
import { getDatasetInfo } from '../src/queries/dataset.js'

const USAGE = `usage: npm run seed -- [--skip-invalid] [--if-stale] [FILE...]

Parses the pages (default: seed/docker.markdown) and writes the database at
DATABASE_PATH (default data/resources.db) atomically: a failed seed leaves the
previous database untouched.

  --skip-invalid  drop invalid items with a warning instead of refusing the pages
  --if-stale      do nothing when the database was built from these same sources`

/** Identifies what a database was built from: the pages, their mappings and the tag vocabulary. */
export function sourceHash(files: string[]): string {
  const hash = createHash('sha256')
  for (const file of files) {
    hash.update(readFileSync(file))
    const mapping = categoryMapPath(file)
    if (existsSync(mapping)) hash.update(readFileSync(mapping))
  }
  hash.update(JSON.stringify(vocabulary))
  return hash.digest('hex')
}

function isCurrent(databasePath: string, hash: string): boolean {
  if (!existsSync(databasePath)) return false
  try {
    const db = openReadOnly(databasePath)
    try {
      return getDatasetInfo(db).sourceHash === hash
    } finally {
      db.close()
    }
  } catch {
    return false
  }
}

function displayPath(path: string): string {
  const near = relative(process.cwd(), path)
  return near && !near.startsWith('..') ? near : path
}

function summary(dataset: Dataset, databasePath: string, files: string[]): string {
  const width = Math.max(...dataset.categories.map((category) => category.slug.length))
  const lines = [
    `seeded ${displayPath(databasePath)} from ${files.join(', ')}: ${dataset.resources.length} resources, ${dataset.tags.length} tags`,
    ...dataset.categories.map(
      (category) => `  ${category.slug.padEnd(width)}  ${String(category.count).padStart(4)}`,
    ),
  ]
  return lines.join('\n')
}

export function runSeed(argv: string[]): number {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      'skip-invalid': { type: 'boolean', default: false },
      'if-stale': { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
  })
  if (values.help) {
    process.stdout.write(`${USAGE}\n`)
    return 0
  }
  const config = loadConfig()
  const files =
    positionals.length > 0 ? positionals : [relative(process.cwd(), defaultSeedPage) || defaultSeedPage]
  const pages = files.map((file) => readPage(file))
  const hash = sourceHash(files)
  if (values['if-stale'] && isCurrent(config.databasePath, hash)) {
    process.stderr.write(`${config.databasePath} is up to date\n`)
    return 0
  }

  const dataset = assembleDataset(pages)
  const problems = dataset.problems.map((problem) => `${problem.file}:${problem.line}: ${problem.message}`)
  if (problems.length > 0 && !values['skip-invalid']) {
    process.stderr.write(
      `seed refused: ${problems.length} problem(s); nothing was written\n${problems.join('\n')}\n` +
        'Fix the page, or pass --skip-invalid to drop the invalid items.\n',
    )
    return 1
  }
  if (dataset.resources.length === 0) {
    process.stderr.write(`seed refused: no resources found in ${files.join(', ')}; nothing was written\n`)
    return 1
  }
  for (const line of [...problems, ...dataset.warnings]) process.stderr.write(`warning: ${line}\n`)
  buildDatabase(config.databasePath, dataset, hash)
  process.stdout.write(`${summary(dataset, config.databasePath, files)}\n`)
  return 0
}

if (import.meta.url === `file://${process.argv[1]}` || process.argv[1]?.endsWith('/seed/seed.ts')) {
  try {
    process.exitCode = runSeed(process.argv.slice(2))
  } catch (error) {
    const message = error instanceof ConfigError ? error.message : (error as Error).message
    process.stderr.write(`seed failed: ${message}; nothing was written\n`)
    process.exitCode = 1
  }
}
