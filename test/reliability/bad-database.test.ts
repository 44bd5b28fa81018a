import { spawnSync } from 'node:child_process'
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import Database from 'better-sqlite3'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { projectRoot } from '../../src/paths.js'
import { seedDatabase, tempDir } from '../helpers/database.js'

// A server given a database it cannot serve from refuses to start: exit code 1 and
// one line on stderr naming the file and the problem; never a stack trace, never a
// server that starts and then answers 500s.

let dir: string
let cleanup: () => void
let good: string

beforeAll(() => {
  ;({ dir, cleanup } = tempDir('dra-bad-db-'))
  good = seedDatabase(join(dir, 'good.db'))
})

afterAll(() => cleanup())

function startServer(databasePath: string) {
  return spawnSync(process.execPath, ['--import', 'tsx', join(projectRoot, 'src/server.ts')], {
    cwd: projectRoot,
    env: {
      ...process.env,
      DATABASE_PATH: databasePath,
      PORT: '0',
      METRICS_PORT: '0',
      HOST: '127.0.0.1',
      LOG_LEVEL: 'silent',
    },
    encoding: 'utf8',
    // A server that did start would listen forever: the timeout fails the test.
    timeout: 20_000,
  })
}

function make(name: string, write: (path: string) => void): string {
  const path = join(dir, name)
  write(path)
  return path
}

const CASES: [string, () => string, RegExp][] = [
  ['missing', () => join(dir, 'missing.db'), /cannot open database .*missing\.db/],
  ['an empty file', () => make('empty.db', (p) => writeFileSync(p, '')), /empty\.db/],
  [
    'random bytes',
    () => make('random.db', (p) => writeFileSync(p, Buffer.alloc(64 * 1024, 0x5a))),
    /random\.db.*(not a database|not a usable)/,
  ],
  [
    'truncated to half',
    () =>
      make('half.db', (p) => {
        const bytes = readFileSync(good)
        writeFileSync(p, bytes.subarray(0, Math.floor(bytes.length / 2)))
      }),
    /half\.db/,
  ],
  // Regression: a damaged page past the schema went unnoticed at start-up; the
  // server started and would have answered 500 on the queries touching it.
  ...(['second', 'middle', 'last'] as const).map((which): [string, () => string, RegExp] => [
    `a corrupt ${which} page`,
    () =>
      make(`corrupt-${which}.db`, (p) => {
        const bytes = Buffer.from(readFileSync(good))
        const pageSize = bytes.readUInt16BE(16)
        const pages = bytes.length / pageSize
        const page = which === 'second' ? 2 : which === 'middle' ? Math.floor(pages / 2) : pages
        bytes.fill(0xa5, (page - 1) * pageSize, page * pageSize)
        writeFileSync(p, bytes)
      }),
    new RegExp(`corrupt-${which}\\.db (is corrupt|is not a usable)`),
  ]),
  [
    'from a newer schema',
    () =>
      make('newer.db', (p) => {
        writeFileSync(p, readFileSync(good))
        const db = new Database(p)
        db.prepare('INSERT INTO __drizzle_migrations (hash, created_at) VALUES (?, ?)').run(
          'future',
          Date.now(),
        )
        db.close()
      }),
    /newer\.db has schema version \d+, newer than this server's \d+/,
  ],
  [
    'never seeded (schema only)',
    () =>
      make('unseeded.db', (p) => {
        writeFileSync(p, readFileSync(good))
        const db = new Database(p)
        db.exec('DELETE FROM metadata')
        db.close()
      }),
    /unseeded\.db was never fully seeded/,
  ],
  ['a directory', () => make('directory.db', (p) => mkdirSync(p)), /directory\.db/],
]

describe('the server refuses a database it cannot serve', () => {
  it.each(CASES)(
    '%s: exit 1, one clear line, no stack trace',
    (_name, build, message) => {
      const result = startServer(build())
      expect(result.error, 'the server started and kept running').toBeUndefined()
      expect(result.status).toBe(1)
      const lines = result.stderr.trim().split('\n')
      expect(lines, result.stderr).toHaveLength(1)
      expect(lines[0]).toMatch(/^docker-resources-api: /)
      expect(lines[0]).toMatch(message)
      expect(result.stderr).not.toMatch(/\bat .+:\d+:\d+|Error:.*\n/)
      expect(result.stdout).toBe('')
    },
    30_000,
  )
})
