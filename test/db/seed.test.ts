import { copyFileSync, existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import Database from 'better-sqlite3'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { knownMigrationCount, openReadOnly } from '../../src/db/open.js'
import { defaultSeedPage, projectRoot } from '../../src/paths.js'
import { getDatasetInfo } from '../../src/queries/dataset.js'
import { tempDir } from '../helpers/database.js'
import { runScript } from '../helpers/run.js'

const fixtures = join(projectRoot, 'test', 'fixtures')
let dir: string
let cleanup: () => void
beforeAll(() => {
  ;({ dir, cleanup } = tempDir())
})
afterAll(() => cleanup())

const seed = (databasePath: string, ...args: string[]) =>
  runScript('seed/seed.ts', args, { DATABASE_PATH: databasePath })

function page(name: string, body: string): string {
  const file = join(dir, name)
  writeFileSync(file, `title: Test\nslug: test\n\n${body}`)
  return file
}

describe('npm run seed', () => {
  it('writes the database and prints resources per category', () => {
    const path = join(dir, 'fresh', 'resources.db')
    const result = seed(path)
    expect(result.stderr).toBe('')
    expect(result.status).toBe(0)
    expect(result.stdout).toMatch(/: 33 resources, \d+ tags/)
    expect(result.stdout).toMatch(/core\s+2\n\s+python-images\s+2\n\s+general\s+13\n\s+python-specific\s+16/)
    const db = openReadOnly(path)
    expect(getDatasetInfo(db)).toMatchObject({ resources: 33, categories: 4 })
    expect(getDatasetInfo(db).sourceHash).toMatch(/^[0-9a-f]{64}$/)
    db.close()
    expect(readdirSync(join(dir, 'fresh'))).toEqual(['resources.db'])
  })

  it('--if-stale leaves a current database alone and rebuilds one from another page', () => {
    const path = join(dir, 'stale', 'resources.db')
    expect(seed(path).status).toBe(0)
    const before = statSync(path).mtimeMs
    const again = seed(path, '--if-stale')
    expect(again.status).toBe(0)
    expect(again.stderr).toContain('is up to date')
    expect(statSync(path).mtimeMs).toBe(before)

    const other = page('other.markdown', '## Links\n* [Example](https://example.com/) is an example.\n')
    expect(seed(path, '--if-stale', other).status).toBe(0)
    const db = openReadOnly(path)
    expect(getDatasetInfo(db).resources).toBe(1)
    db.close()
  })

  describe('refuses bad input, writing nothing', () => {
    let path: string
    let original: Buffer
    beforeAll(() => {
      path = join(dir, 'kept', 'resources.db')
      expect(seed(path).status).toBe(0)
      original = readFileSync(path)
    })

    it.each([
      [
        'a page without front matter',
        () => join(fixtures, 'no-front-matter.markdown'),
        /no-front-matter\.markdown:2: not a page: missing front matter/,
      ],
      ['a page with no resources', () => join(fixtures, 'no-resources.markdown'), /no resources/],
      [
        'an item whose link is not a valid URL',
        () =>
          page(
            'bad-url.markdown',
            '## Links\n* [Good](https://example.com/) fine.\n* [Bad](http://) broken.\n',
          ),
        /bad-url\.markdown:6: invalid resource "Bad" \(http:\/\/\): url: must be an absolute http\(s\) URL/,
      ],
      ['a missing file', () => join(dir, 'missing.markdown'), /missing\.markdown: cannot read page/],
    ])(
      '%s: non-zero exit, a message with file and line, the old database byte-identical',
      (_name, file, message) => {
        const result = seed(path, file())
        expect(result.status).toBe(1)
        expect(result.stderr).toMatch(message)
        expect(result.stderr).toContain('nothing was written')
        expect(readFileSync(path).equals(original)).toBe(true)
        expect(readdirSync(join(dir, 'kept'))).toEqual(['resources.db'])
      },
    )

    it('--skip-invalid drops the invalid item with a warning and seeds the rest', () => {
      const file = page(
        'skip.markdown',
        '## Links\n* [Good](https://example.com/) fine.\n* [Bad](http://) broken.\n',
      )
      const copy = join(dir, 'skip', 'resources.db')
      const result = seed(copy, '--skip-invalid', file)
      expect(result.status).toBe(0)
      expect(result.stderr).toMatch(/warning: .*skip\.markdown:6: invalid resource "Bad"/)
      const db = openReadOnly(copy)
      expect(getDatasetInfo(db).resources).toBe(1)
      db.close()
    })
  })

  it('seeds several pages into one dataset, positions running on', () => {
    const path = join(dir, 'multi', 'resources.db')
    const other = page('second.markdown', '## More\n* [Example](https://example.com/) is an example.\n')
    const result = seed(path, defaultSeedPage, other)
    expect(result.status).toBe(0)
    const db = openReadOnly(path)
    const last = db.prepare('SELECT position, category FROM resources ORDER BY position DESC LIMIT 1').get()
    expect(last).toEqual({ position: 34, category: 'more' })
    db.close()
  })

  it('removes temp files left by a killed seed', () => {
    const path = join(dir, 'leftover', 'resources.db')
    expect(seed(path).status).toBe(0)
    writeFileSync(`${path}.seeding-999999`, 'half a database')
    expect(seed(path).status).toBe(0)
    expect(existsSync(`${path}.seeding-999999`)).toBe(false)
  })
})

describe('the database', () => {
  let path: string
  beforeAll(() => {
    path = join(dir, 'schema', 'resources.db')
    expect(seed(path).status).toBe(0)
  })

  it('enforces its constraints', () => {
    const copy = join(dir, 'schema', 'writable.db')
    copyFileSync(path, copy)
    const db = new Database(copy)
    db.pragma('foreign_keys = ON')
    const row = db.prepare('SELECT * FROM resources WHERE position = 1').get() as Record<string, unknown>
    const insert = (values: Record<string, unknown>) =>
      db
        .prepare(
          `INSERT INTO resources (id, title, url, description, category, host, position, tags_text, source_page, source_line)
           VALUES (@id, @title, @url, @description, @category, @host, @position, @tags_text, @source_page, @source_line)`,
        )
        .run({ ...row, row_id: undefined, ...values })
    expect(() => insert({ id: 'new-id', position: 100 })).toThrow(/UNIQUE constraint failed: resources.url/)
    expect(() =>
      insert({ id: 'new-id', url: 'https://new.example/', position: 100, category: 'nope' }),
    ).toThrow(/FOREIGN KEY/)
    expect(() => insert({ url: 'https://new.example/', position: 100 })).toThrow(
      /UNIQUE constraint failed: resources.id/,
    )
    expect(() =>
      db.prepare('INSERT INTO metadata SELECT 2, source_hash, seeded_at, 0, 0, 0 FROM metadata').run(),
    ).toThrow(/CHECK constraint failed/)
    db.close()
  })

  it('keeps the full-text index in step with the resources table', () => {
    const copy = join(dir, 'schema', 'fts.db')
    copyFileSync(path, copy)
    const db = new Database(copy)
    const count = (word: string) =>
      (
        db.prepare('SELECT count(*) AS n FROM resources_fts WHERE resources_fts MATCH ?').get(word) as {
          n: number
        }
      ).n
    expect(count('gunicorn')).toBe(2)
    db.prepare("UPDATE resources SET description = description || ' zebra' WHERE position = 1").run()
    expect(count('zebra')).toBe(1)
    db.prepare("DELETE FROM resources WHERE description LIKE '%Gunicorn%'").run()
    expect(count('gunicorn')).toBe(0)
    db.close()
  })

  it('records every migration, and the server refuses a database from a newer schema', () => {
    const copy = join(dir, 'schema', 'newer.db')
    copyFileSync(path, copy)
    const db = new Database(copy)
    expect((db.prepare('SELECT count(*) AS n FROM __drizzle_migrations').get() as { n: number }).n).toBe(
      knownMigrationCount(),
    )
    db.prepare("INSERT INTO __drizzle_migrations (hash, created_at) VALUES ('future', 0)").run()
    db.close()
    expect(() => openReadOnly(copy)).toThrow(/newer than this server's/)
    expect(() => openReadOnly(join(dir, 'nothing.db'))).toThrow(/cannot open database .*nothing\.db/)
    writeFileSync(join(dir, 'garbage.db'), 'not sqlite at all, just text that is long enough to be read')
    expect(() => openReadOnly(join(dir, 'garbage.db'))).toThrow(/is not a usable resources database/)
  })
})
