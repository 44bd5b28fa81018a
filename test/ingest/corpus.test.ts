import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { readPage } from '../../src/ingest/read-page.js'
import {
  CategoryRecordSchema,
  ParsedPageSchema,
  ProblemSchema,
  ResourceRecordSchema,
  TagRecordSchema,
} from '../../src/ingest/record.js'
import { corpusDir, corpusPages } from './helpers.js'

describe.skipIf(corpusPages.length === 0)(
  `corpus pages in ${corpusDir} (skipped: folder missing or empty)`,
  () => {
    it.each(corpusPages)('%s parses and every record validates', (name) => {
      const file = join(corpusDir, name)
      const parsed = readPage(file)
      expect(ParsedPageSchema.safeParse(parsed).success).toBe(true)
      for (const resource of parsed.resources) expect(ResourceRecordSchema.parse(resource)).toEqual(resource)
      for (const category of parsed.categories) expect(CategoryRecordSchema.parse(category)).toEqual(category)
      for (const tag of parsed.tags) expect(TagRecordSchema.parse(tag)).toEqual(tag)
      for (const problem of parsed.problems) expect(ProblemSchema.parse(problem)).toEqual(problem)

      // Every page of the corpus lists resources, and none of its items is broken.
      expect(parsed.resources.length).toBeGreaterThan(0)
      expect(parsed.problems).toEqual([])
      expect(parsed.page.file).toBe(file)

      // Records are consistent with each other.
      const ids = parsed.resources.map((r) => r.id)
      expect(new Set(ids).size).toBe(ids.length)
      expect(parsed.resources.map((r) => r.position)).toEqual(ids.map((_, index) => index + 1))
      expect(parsed.categories.reduce((sum, c) => sum + c.count, 0)).toBe(parsed.resources.length)
      const used = new Set(parsed.resources.flatMap((r) => r.tags))
      expect(parsed.tags.map((t) => t.slug).sort()).toEqual([...used].sort())
      for (const resource of parsed.resources) {
        expect(resource.host).not.toMatch(/fullstackpython\.com$/)
        expect(resource.tags).not.toContain(parsed.page.slug)
        expect(resource.description).not.toMatch(/\]\(|<a\s/)
      }
    })

    it.runIf(corpusPages.includes('flask.markdown'))(
      'flask.markdown: intro links are core, logo kept once',
      () => {
        const parsed = readPage(join(corpusDir, 'flask.markdown'))
        expect(parsed.page.slug).toBe('flask')
        const core = parsed.resources.filter((r) => r.category === 'core')
        expect(core.map((r) => r.url).slice(0, 2)).toEqual([
          'http://flask.pocoo.org/',
          'https://github.com/pallets/flask',
        ])
        expect(parsed.resources.filter((r) => r.url === 'http://flask.pocoo.org/')).toHaveLength(1)
        expect(parsed.resources.every((r) => !r.tags.includes('flask'))).toBe(true)
      },
    )

    it.runIf(corpusPages.includes('heroku.markdown'))(
      'heroku.markdown: an inline HTML link in the intro is core',
      () => {
        const parsed = readPage(join(corpusDir, 'heroku.markdown'))
        expect(parsed.resources[0]).toMatchObject({
          title: 'Heroku',
          url: 'https://www.heroku.com/',
          category: 'core',
        })
        expect(parsed.resources[0]?.description).toMatch(
          /^Heroku is an implementation of the platform-as-a-service/,
        )
      },
    )

    it.runIf(corpusPages.includes('flask-app-flask.markdown'))(
      'flask-app-flask.markdown: links in code examples are never read; the slug comes from the front matter',
      () => {
        const parsed = readPage(join(corpusDir, 'flask-app-flask.markdown'))
        expect(parsed.page.slug).toBe('flask-app-flask-examples')
        expect(parsed.resources.map((r) => r.url)).toEqual([
          'https://github.com/pallets/flask/blob/master/src/flask/app.py',
        ])
      },
    )
  },
)
