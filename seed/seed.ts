import { createHash } from 'node:crypto'
import { existsSync, readFileSync } from 'node:fs'
import { relative } from 'node:path'
import { parseArgs } from 'node:util'
import { ConfigError, loadConfig } from '../src/config.js'
import { buildDatabase } from '../src/db/build-database.js'
import { openReadOnly } from '../src/db/open.js'
import { isEntryPoint } from '../src/entry-point.js'
import { assembleDataset, type Dataset } from '../src/ingest/assemble-dataset.js'
import { attachLinkStatus } from '../src/ingest/attach-link-status.js'
import { categoryMapPath } from '../src/ingest/category-map.js'
import {
  LINK_STATUSES,
  type LinkStatus,
  type LinkStatusEntry,
  LinkStatusFileError,
  readLinkStatusFile,
} from '../src/ingest/link-status.js'
import { readPage } from '../src/ingest/read-page.js'
import { vocabulary } from '../src/ingest/tags.js'
import { defaultLinkStatusFile, defaultSeedPage } from '../src/paths.js'
import { getDatasetInfo } from '../src/queries/dataset.js'

const USAGE = `usage: npm run seed -- [--skip-invalid] [--if-stale] [--link-status FILE] [FILE...]

Parses the pages (default: seed/docker.markdown) and writes the database at
DATABASE_PATH (default data/resources.db) atomically: a failed seed leaves the
previous database untouched.

  --skip-invalid      drop invalid items with a warning instead of refusing the pages
  --if-stale          do nothing when the database was built from these same sources
  --link-status FILE  the link health of the resources, as npm run check-links writes
                      it (default: seed/link-status.json when it is there; without
                      one every link is unchecked)`

/**
 * Identifies what a database was built from: the pages, their mappings, the tag
 * vocabulary and the link-status file, so --if-stale rebuilds when any changes.
 */
export function sourceHash(files: string[], linkStatusFile?: string): string {
  const hash = createHash('sha256')
  for (const file of files) {
    hash.update(readFileSync(file))
    const mapping = categoryMapPath(file)
    if (existsSync(mapping)) hash.update(readFileSync(mapping))
  }
  hash.update(JSON.stringify(vocabulary))
  // Only when there is one, so a dataset without link health keeps the hash it had.
  if (linkStatusFile !== undefined) hash.update('\0link-status\0').update(readFileSync(linkStatusFile))
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

function summary(
  dataset: Dataset,
  databasePath: string,
  files: string[],
  linkStatusFile: string | undefined,
): string {
  const width = Math.max(...dataset.categories.map((category) => category.slug.length))
  const lines = [
    `seeded ${displayPath(databasePath)} from ${files.join(', ')}: ${dataset.resources.length} resources, ${dataset.tags.length} tags`,
    ...dataset.categories.map(
      (category) => `  ${category.slug.padEnd(width)}  ${String(category.count).padStart(4)}`,
    ),
  ]
  if (linkStatusFile !== undefined) {
    const counts = new Map<LinkStatus, number>(LINK_STATUSES.map((status) => [status, 0]))
    for (const resource of dataset.resources) {
      const status = dataset.linkStatus?.get(resource.url)?.status ?? 'unchecked'
      counts.set(status, (counts.get(status) ?? 0) + 1)
    }
    const parts = LINK_STATUSES.map((status) => `${counts.get(status)} ${status}`)
    lines.push(`link status from ${linkStatusFile}: ${parts.join(', ')}`)
  }
  return lines.join('\n')
}

type LinkStatusSource = { file: string; entries: LinkStatusEntry[] } | { file: undefined }

/**
 * The link-status file to use: the one named, which must exist, or the default
 * when it is there. Read and validated in full; returns a refusal message for a
 * file that cannot be used.
 */
function readLinkStatus(named: string | undefined): LinkStatusSource | { refused: string } {
  const file = named ?? (existsSync(defaultLinkStatusFile) ? displayPath(defaultLinkStatusFile) : undefined)
  if (file === undefined) return { file }
  try {
    const entries = readLinkStatusFile(file)
    return entries === undefined ? { refused: `${file}: no such link status file` } : { file, entries }
  } catch (error) {
    if (error instanceof LinkStatusFileError) return { refused: error.message }
    throw error
  }
}

export function runSeed(argv: string[]): number {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      'skip-invalid': { type: 'boolean', default: false },
      'if-stale': { type: 'boolean', default: false },
      'link-status': { type: 'string' },
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
  const linkStatus = readLinkStatus(values['link-status'])
  if ('refused' in linkStatus) {
    process.stderr.write(
      `seed refused: ${linkStatus.refused}; nothing was written\n` +
        'Fix the file, write it again with npm run check-links, or name another with --link-status.\n',
    )
    return 1
  }
  const hash = sourceHash(files, linkStatus.file)
  if (values['if-stale'] && isCurrent(config.databasePath, hash)) {
    process.stderr.write(`${config.databasePath} is up to date\n`)
    return 0
  }

  const assembled = assembleDataset(pages)
  const dataset =
    linkStatus.file === undefined
      ? assembled
      : attachLinkStatus(assembled, linkStatus.entries, linkStatus.file)
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
  process.stdout.write(`${summary(dataset, config.databasePath, files, linkStatus.file)}\n`)
  return 0
}

if (isEntryPoint(import.meta.url)) {
  try {
    process.exitCode = runSeed(process.argv.slice(2))
  } catch (error) {
    const message = error instanceof ConfigError ? error.message : (error as Error).message
    process.stderr.write(`seed failed: ${message}; nothing was written\n`)
    process.exitCode = 1
  }
}
