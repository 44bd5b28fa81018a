import { type SpawnSyncReturns, spawn, spawnSync } from 'node:child_process'
import { chmodSync, readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { openReadOnly } from '../../src/db/open.js'
import { projectRoot } from '../../src/paths.js'
import { seedDatabase, tempDir } from '../helpers/database.js'

// A seed that fails, for whatever reason, must leave the previous database exactly
// as it was (byte for byte) and nothing half-written beside it. The stress script
// (npm run test:stress) repeats the SIGKILL case at 20 random moments against the
// built seed while a server answers from the database.

const SEED = join(projectRoot, 'seed/seed.ts')
/** When the tests run as root, permission bits bind nobody; the seed then runs as nobody. */
const AS_NOBODY = process.getuid?.() === 0 ? { uid: 65_534, gid: 65_534 } : {}

let dir: string
let cleanup: () => void
let databasePath: string
let before: Buffer

beforeEach(() => {
  ;({ dir, cleanup } = tempDir('dra-seed-faults-'))
  databasePath = seedDatabase(join(dir, 'resources.db'), undefined, 'previous')
  before = readFileSync(databasePath)
})

afterEach(() => {
  chmodSync(dir, 0o755)
  cleanup()
})

function seed(args: string[], options: { asNobody?: boolean } = {}): SpawnSyncReturns<string> {
  return spawnSync(process.execPath, ['--import', 'tsx', SEED, ...args], {
    cwd: projectRoot,
    env: { ...process.env, DATABASE_PATH: databasePath, LOG_LEVEL: 'silent' },
    encoding: 'utf8',
    timeout: 60_000,
    ...(options.asNobody ? AS_NOBODY : {}),
  })
}

function expectUntouched(): void {
  expect(readFileSync(databasePath).equals(before), 'the previous database is byte-identical').toBe(true)
  expect(readdirSync(dir).filter((name) => name !== 'resources.db' && name !== 'page.markdown')).toEqual([])
}

describe('a seed that fails leaves the previous database byte-identical', () => {
  it('in a read-only directory', () => {
    chmodSync(dir, 0o555)
    chmodSync(databasePath, 0o444)
    const result = seed([], { asNobody: true })
    expect(result.status).toBe(1)
    const lines = result.stderr.trim().split('\n')
    expect(lines).toHaveLength(1)
    // Regression: the line said only "unable to open database file", naming nothing.
    expect(lines[0]).toMatch(/^seed failed: EACCES: permission denied/)
    expect(lines[0]).toContain(dir)
    expect(result.stderr).not.toMatch(/\n\s+at /)
    chmodSync(dir, 0o755)
    expectUntouched()
  })

  it.each([
    ['binary garbage', Buffer.from([0x00, 0xff, 0xfe, 0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a])],
    ['truncated front matter', Buffer.from('---\ntitle: Docker\ncategory: page\n')],
    [
      'invalid UTF-8 and a broken link',
      Buffer.from('---\ntitle: x\n---\n# Docker\n\n* [\xff\xfe](htp://[::1\n', 'latin1'),
    ],
    ['an empty file', Buffer.alloc(0)],
  ])('given a corrupt page: %s', (_name, content) => {
    const page = join(dir, 'page.markdown')
    writeFileSync(page, content)
    const result = seed([page])
    expect(result.status).toBe(1)
    expect(result.stderr).toMatch(/^seed (refused|failed)/)
    expect(result.stderr).not.toMatch(/\n\s+at /)
    expectUntouched()
  })

  it('given a page that does not exist', () => {
    const result = seed([join(dir, 'missing.markdown')])
    expect(result.status).toBe(1)
    expect(result.stderr.trim().split('\n')).toHaveLength(1)
    expectUntouched()
  })

  it('killed with SIGKILL at random moments; the next seed cleans up and succeeds', async () => {
    // Spread over the seed's life: start-up, parsing, writing, the rename.
    const delays = [50, 300, 600, 900, 1200, 1500]
    for (const delay of delays) {
      const child = spawn(process.execPath, ['--import', 'tsx', SEED], {
        cwd: projectRoot,
        env: { ...process.env, DATABASE_PATH: databasePath, LOG_LEVEL: 'silent' },
        stdio: 'ignore',
      })
      const exited = new Promise<void>((resolve) => child.on('exit', () => resolve()))
      await new Promise((resolve) => setTimeout(resolve, delay))
      child.kill('SIGKILL')
      await exited
      const now = readFileSync(databasePath)
      // Either the old database or a complete new one; never a part of one.
      if (!now.equals(before)) {
        openReadOnly(databasePath).close()
        before = now
      }
    }
    const again = seed([])
    expect(again.status).toBe(0)
    expect(readdirSync(dir)).toEqual(['resources.db'])
  }, 60_000)
})
