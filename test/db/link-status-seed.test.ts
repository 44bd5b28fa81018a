import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { openReadOnly } from '../../src/db/open.js'
import type { LinkStatusEntry } from '../../src/ingest/link-status.js'
import { projectRoot } from '../../src/paths.js'
import { getDatasetInfo } from '../../src/queries/dataset.js'
import { tempDir } from '../helpers/database.js'
import { runScript } from '../helpers/run.js'

// npm run seed -- --link-status FILE, as a real process against real files.

const FIXTURE = join(projectRoot, 'test', 'fixtures', 'link-status.json')
const fixtureText = readFileSync(FIXTURE, 'utf8')
const fixture = JSON.parse(fixtureText) as LinkStatusEntry[]

let dir: string
let cleanup: () => void
beforeAll(() => {
  ;({ dir, cleanup } = tempDir('dra-link-seed-'))
})
afterAll(() => cleanup())

const seed = (databasePath: string, ...args: string[]) =>
  runScript('seed/seed.ts', args, { DATABASE_PATH: databasePath })

function statusFile(name: string, content: string | object): string {
  const file = join(dir, name)
  writeFileSync(file, typeof content === 'string' ? content : `${JSON.stringify(content, null, 2)}\n`)
  return file
}

function linkRows(path: string) {
  const db = openReadOnly(path)
  try {
    const statuses = db
      .prepare('SELECT link_status AS status, count(*) AS count FROM resources GROUP BY link_status')
      .all() as { status: string; count: number }[]
    return {
      counts: Object.fromEntries(statuses.map(({ status, count }) => [status, count])),
      sourceHash: getDatasetInfo(db).sourceHash,
      rows: db
        .prepare('SELECT url, link_status AS status, link_checked_at AS checkedAt FROM resources')
        .all() as { url: string; status: string; checkedAt: string | null }[],
    }
  } finally {
    db.close()
  }
}

describe('npm run seed -- --link-status FILE', () => {
  it('stores each resource link health, prints the counts and warns of entries not on the page', () => {
    const path = join(dir, 'fixture', 'resources.db')
    const result = seed(path, '--link-status', FIXTURE)
    expect(result.status).toBe(0)
    expect(result.stdout).toContain(
      `link status from ${FIXTURE}: 4 ok, 3 redirected, 2 broken, 1 blocked, 2 unreachable, 21 unchecked`,
    )
    // One warning: the entry for an item's second link (www.elastic.co) is on the page.
    expect(result.stderr).toBe(
      `warning: ${FIXTURE}: ignored 1 entry whose URL is not on the page (https://gone.example/removed-from-the-page)\n`,
    )
    const { rows, counts } = linkRows(path)
    expect(counts).toEqual({
      ok: 4,
      redirected: 3,
      broken: 2,
      blocked: 1,
      unreachable: 2,
      unchecked: 21,
    })
    for (const row of rows) {
      const entry = fixture.find((candidate) => candidate.url === row.url)
      expect(row.status, row.url).toBe(entry?.status ?? 'unchecked')
      expect(row.checkedAt, row.url).toBe(entry?.checkedAt ? new Date(entry.checkedAt).toISOString() : null)
    }
  })

  it('counts and names several entries not on the page, without listing them all', () => {
    const extra = ['a', 'b', 'c', 'd', 'e'].map((name) => ({
      ...fixture[0],
      url: `https://gone.example/${name}`,
    }))
    const file = statusFile('extra.json', [...fixture, ...extra])
    const result = seed(join(dir, 'extra', 'resources.db'), '--link-status', file)
    expect(result.status).toBe(0)
    expect(result.stderr).toMatch(
      /^warning: .*extra\.json: ignored 6 entries whose URLs are not on the page \(https:\/\/gone\.example\/removed-from-the-page, https:\/\/gone\.example\/a, https:\/\/gone\.example\/b, …\)\n$/,
    )
  })

  describe('refuses a link-status file it cannot use, writing nothing', () => {
    let path: string
    let original: Buffer
    beforeAll(() => {
      path = join(dir, 'kept', 'resources.db')
      expect(seed(path, '--link-status', FIXTURE).status).toBe(0)
      original = readFileSync(path)
    })

    const lines = fixtureText.split('\n')
    const statusLine = lines.findIndex((line) => line.includes('"status": "blocked"'))
    const entryLine = (url: string) => lines.findIndex((line) => line.includes(`"url": "${url}"`)) // 0-based, the line after the {

    it.each([
      [
        'a file that is not JSON',
        () => statusFile('syntax.json', fixtureText.replace('"status": "blocked",', '"status": "blocked"')),
        new RegExp(`syntax\\.json:${statusLine + 2}: invalid link status file: not JSON: `),
      ],
      [
        'an unknown status',
        () => statusFile('unknown.json', fixtureText.replace('"status": "blocked"', '"status": "gone"')),
        new RegExp(
          `unknown\\.json:${statusLine - 1}: invalid link status file: entry \\d+ \\(https://www\\.digitalocean\\.com/[^)]+\\): status: .*"ok"\\|"redirected"\\|"broken"\\|"blocked"\\|"unreachable"\\|"unchecked"`,
        ),
      ],
      [
        'a URL listed twice',
        () => {
          const twice = [...fixture, { ...fixture[3], status: 'ok' }]
          return statusFile('twice.json', twice)
        },
        new RegExp(
          `twice\\.json:\\d+: invalid link status file: entry ${fixture.length + 1}: ${fixture[3]?.url.replace(/[.?]/g, '\\$&')} is listed twice \\(first as entry 4, line ${entryLine(fixture[3]?.url ?? '')}\\)`,
        ),
      ],
      [
        'a field of the wrong type',
        () => statusFile('type.json', [{ ...fixture[0], consecutiveFailures: -1 }]),
        /type\.json:2: invalid link status file: entry 1 \(https?:\/\/[^)]+\): consecutiveFailures: /,
      ],
      [
        'an entry with a field too many',
        () => statusFile('extra-field.json', [{ ...fixture[0], note: 'hi' }]),
        /extra-field\.json:2: invalid link status file: entry 1 .*note/,
      ],
      [
        'a file that is not an array',
        () => statusFile('object.json', { entries: fixture }),
        /object\.json:1: invalid link status file: the file must be a JSON array of entries/,
      ],
      ['a missing file', () => join(dir, 'missing.json'), /missing\.json: no such link status file/],
    ])('%s: exit 1, the file, line and reason, the old database byte-identical', (_name, file, message) => {
      const result = seed(path, '--link-status', file())
      expect(result.status).toBe(1)
      expect(result.stderr).toMatch(/^seed refused: /)
      expect(result.stderr).toMatch(message)
      expect(result.stderr).toContain('; nothing was written\n')
      expect(result.stderr).not.toMatch(/\n\s+at /)
      expect(result.stdout).toBe('')
      expect(readFileSync(path).equals(original)).toBe(true)
      expect(readdirSync(join(dir, 'kept'))).toEqual(['resources.db'])
    })

    it('refuses before --if-stale decides anything', () => {
      const bad = statusFile('stale-bad.json', '[{')
      const result = seed(path, '--if-stale', '--link-status', bad)
      expect(result.status).toBe(1)
      expect(result.stderr).toMatch(/stale-bad\.json:1: invalid link status file: not JSON/)
      expect(readFileSync(path).equals(original)).toBe(true)
    })
  })

  it('--if-stale re-seeds when the link-status file changes, and not when it does not', () => {
    const path = join(dir, 'stale', 'resources.db')
    const file = statusFile('stale.json', fixture)
    expect(seed(path).status).toBe(0)
    const withoutFile = linkRows(path).sourceHash

    // A link-status file where there was none: the sources changed.
    const added = seed(path, '--if-stale', '--link-status', file)
    expect(added.status).toBe(0)
    expect(added.stdout).toContain('link status from')
    const first = linkRows(path)
    expect(first.sourceHash).not.toBe(withoutFile)
    expect(first.counts.broken).toBe(2)

    const mtime = statSync(path).mtimeMs
    const same = seed(path, '--if-stale', '--link-status', file)
    expect(same.status).toBe(0)
    expect(same.stderr).toContain('is up to date')
    expect(statSync(path).mtimeMs).toBe(mtime)

    // The checker ran again: one more link is broken.
    const rechecked = fixture.map((entry) =>
      entry.url === 'https://docs.docker.com/'
        ? { ...entry, status: 'broken', httpStatus: 404, consecutiveFailures: 1 }
        : entry,
    )
    statusFile('stale.json', rechecked)
    const changed = seed(path, '--if-stale', '--link-status', file)
    expect(changed.status).toBe(0)
    expect(changed.stderr).not.toContain('is up to date')
    const second = linkRows(path)
    expect(second.sourceHash).not.toBe(first.sourceHash)
    expect(second.counts).toMatchObject({ ok: 3, broken: 3 })

    // Seeding without it again is a change too.
    const dropped = seed(path, '--if-stale')
    expect(dropped.stderr).not.toContain('is up to date')
    expect(linkRows(path).sourceHash).toBe(withoutFile)
  })
})
