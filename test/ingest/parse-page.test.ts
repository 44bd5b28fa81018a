import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { beforeAll, describe, expect, it } from 'vitest'
import { categoryMapPath, loadCategoryMap } from '../../src/ingest/category-map.js'
import { classifyHref, normalizeUrl, resourceId } from '../../src/ingest/normalize-url.js'
import { PageFormatError, parsePage } from '../../src/ingest/parse-page.js'
import { PageReadError, readPage } from '../../src/ingest/read-page.js'
import { type ParsedPage, ParsedPageSchema, ResourceRecordSchema } from '../../src/ingest/record.js'
import { vocabularyTags } from '../../src/ingest/tags.js'
import { lineOf } from './helpers.js'

const AWKWARD = 'test/fixtures/awkward.markdown'
const at = (needle: string) => lineOf(AWKWARD, needle)

function page(body: string, frontMatter = 'title: Test\nslug: test\n'): ParsedPage {
  return parsePage(`${frontMatter}\n${body}`, { file: 'test.markdown' })
}

describe('parsePage on test/fixtures/awkward.markdown', () => {
  let parsed: ParsedPage
  const resource = (title: string) => {
    const found = parsed.resources.find((r) => r.title === title)
    if (!found) throw new Error(`no resource titled ${title}`)
    return found
  }

  beforeAll(() => {
    parsed = readPage(AWKWARD)
  })

  it('reads the front matter, continuation lines included', () => {
    expect(parsed.page).toEqual({ file: AWKWARD, slug: 'awkward', title: 'Awkward Page' })
    expect(ParsedPageSchema.parse(parsed)).toEqual(parsed)
    for (const r of parsed.resources) expect(ResourceRecordSchema.safeParse(r).success).toBe(true)
  })

  it('finds the resources in page order with 1-based positions', () => {
    expect(parsed.resources.map((r) => [r.position, r.category, r.title])).toEqual([
      [1, 'core', 'Awkward project'],
      [2, 'core', 'source code'],
      [3, 'core', 'the guide'],
      [4, 'core', 'Logo only link'],
      [5, 'tutorials-guides', 'First tutorial'],
      [6, 'tutorials-guides', 'the parent link'],
      [7, 'tutorials-guides', 'Nested child'],
      [8, 'tutorials-guides', 'Several links'],
      [9, 'deeper-section', 'Image link alt text'],
      [10, 'deeper-section', 'Pipelines explained'],
      [11, 'deeper-section', 'Inline HTML link'],
      [12, 'deeper-section', 'Under an h4'],
      [13, 'broken-items', 'Good after broken'],
      [14, 'reference-links', 'reference-style link'],
    ])
  })

  it('makes every external link of the introduction a core resource, paragraphs and HTML blocks alike', () => {
    const intro = 'The Awkward project (source code) is a made-up tool built on Django and Redis.'
    expect(resource('Awkward project')).toMatchObject({
      url: 'https://awkward.example.org/',
      description: intro,
      source: { page: 'awkward', section: null, line: at('[Awkward project]') },
    })
    expect(resource('source code')).toMatchObject({
      url: 'https://github.com/example/awkward',
      description: intro,
      source: { line: at('[Awkward project]') },
    })
    expect(resource('the guide')).toMatchObject({
      url: 'https://docs.example.org/guide',
      description: 'Also see the guide.',
      source: { line: at('<p>Also see') },
    })
  })

  it('titles a link without text after its image alt text', () => {
    expect(resource('Logo only link')).toMatchObject({
      url: 'https://logo-only.example.net/',
      source: { line: at('logo-only.example.net') },
    })
    expect(resource('Image link alt text')).toMatchObject({
      url: 'https://badge.example.com/',
      description: 'Image link alt text has an image instead of link text.',
      source: { line: at('badge.example.com') },
    })
  })

  it('keeps a URL once: the logo repeating an intro link, and an http/www/fragment variant of a later item', () => {
    expect(parsed.resources.filter((r) => r.host === 'awkward.example.org')).toHaveLength(1)
    expect(parsed.resources.some((r) => r.title === 'Awkward logo.')).toBe(false)
    expect(parsed.resources.filter((r) => r.host === 'tutorials.example.com')).toHaveLength(1)
    expect(resource('First tutorial').source.line).toBe(at('[First tutorial]'))
    expect(parsed.resources.some((r) => r.title === 'HTTP duplicate')).toBe(false)
  })

  it('ignores links outside lists under headings and links inside fenced code', () => {
    const urls = parsed.resources.flatMap((r) => r.links.map((l) => l.url))
    expect(urls.some((u) => u.includes('ignored.example.com'))).toBe(false)
    expect(urls.some((u) => u.includes('code.example.com'))).toBe(false)
    expect(urls.some((u) => u.includes('code-item.example.com'))).toBe(false)
    expect(parsed.categories.map((c) => c.heading)).not.toContain('Why is it awkward?')
  })

  it('flattens multi-line items to plain text: escapes, inline code and emphasis removed', () => {
    expect(resource('First tutorial')).toMatchObject({
      url: 'https://tutorials.example.com/first/',
      description:
        'First tutorial spans several lines and mentions mod_wsgi, inline code, strong and emphasis with Flask and Docker Compose on Mac OS X.',
      tags: ['docker-compose', 'flask', 'macos', 'mod-wsgi'],
      source: { section: 'Tutorials & Guides', line: at('[First tutorial]') },
    })
    for (const r of parsed.resources) expect(r.description).not.toMatch(/[[\]`*\\]|\]\(|<\/?[a-z]/)
  })

  it('makes nested items resources of their own, without their text in the parent', () => {
    expect(resource('the parent link')).toMatchObject({
      description: 'A parent item with the parent link and pip.',
      tags: ['pip'],
      source: { line: at('A parent item') },
    })
    expect(resource('Nested child')).toMatchObject({
      url: 'https://child.example.com/',
      description: 'Nested child about PostgreSQL.',
      tags: ['postgresql'],
      source: { line: at('[Nested child]') },
    })
    // The nested item with only an internal link is neither a resource nor a problem.
    expect(parsed.resources.some((r) => r.description.includes('only internal'))).toBe(false)
    expect(parsed.problems.map((p) => p.line)).not.toContain(at('A nested item with only'))
  })

  it('keeps every link in order, internal ones absolute and turned into tags', () => {
    expect(resource('Several links')).toMatchObject({
      url: 'https://several.example.com/',
      host: 'several.example.com',
      description: 'Several links by the author with Nginx and task queues and mail.',
      links: [
        { title: 'Several links', url: 'https://several.example.com/' },
        { title: 'the author', url: 'https://author.example.com/' },
        { title: 'Nginx', url: 'https://www.fullstackpython.com/nginx.html' },
        { title: 'task queues', url: 'https://www.fullstackpython.com/task-queues.html' },
      ],
      tags: ['nginx', 'task-queues'],
    })
    expect(resource('Awkward project').tags).toEqual(['django', 'redis'])
    expect(parsed.tags).toEqual([
      { slug: 'django', name: 'Django' },
      { slug: 'docker-compose', name: 'Docker Compose' },
      { slug: 'flask', name: 'Flask' },
      { slug: 'macos', name: 'macOS' },
      { slug: 'mod-wsgi', name: 'mod_wsgi' },
      { slug: 'nginx', name: 'Nginx' },
      { slug: 'pip', name: 'pip' },
      { slug: 'postgresql', name: 'PostgreSQL' },
      { slug: 'redis', name: 'Redis' },
      { slug: 'task-queues', name: 'Task Queues' },
    ])
  })

  it('reads links written as inline HTML and reference-style links', () => {
    expect(resource('Inline HTML link')).toMatchObject({
      url: 'https://inline-html.example.com/',
      description: 'Inline HTML link in an item.',
      source: { line: at('Inline HTML link') },
    })
    expect(resource('reference-style link')).toMatchObject({
      url: 'https://reference.example.com/',
      description: 'A reference-style link resolves through its definition.',
    })
  })

  it('does not tag "pip" inside other words', () => {
    expect(resource('Pipelines explained').tags).toEqual([])
  })

  it('uses the nearest ## or ### heading; #### does not start a category', () => {
    expect(resource('Under an h4')).toMatchObject({
      category: 'deeper-section',
      source: { section: 'Deeper section' },
    })
    expect(parsed.categories).toEqual([
      { slug: 'core', name: 'Core', heading: null, position: 1, count: 4 },
      {
        slug: 'tutorials-guides',
        name: 'Tutorials & Guides',
        heading: 'Tutorials & Guides',
        position: 2,
        count: 4,
      },
      { slug: 'deeper-section', name: 'Deeper section', heading: 'Deeper section', position: 3, count: 4 },
      { slug: 'broken-items', name: 'Broken items', heading: 'Broken items', position: 4, count: 1 },
      { slug: 'reference-links', name: 'Reference links', heading: 'Reference links', position: 5, count: 1 },
    ])
  })

  it('reports invalid items as problems with their line and leaves them out', () => {
    expect(parsed.problems).toEqual([
      {
        file: AWKWARD,
        line: at('[Missing host]'),
        message: 'invalid resource "Missing host" (http://): url: must be an absolute http(s) URL',
      },
      {
        file: AWKWARD,
        line: at('[Typo scheme]'),
        message:
          'invalid resource "Typo scheme" (htp//bad.example.com): url: must be an absolute http(s) URL',
      },
      {
        file: AWKWARD,
        line: at('empty-title.example.com'),
        message: 'invalid resource "" (https://empty-title.example.com/): title: title is empty',
      },
    ])
    const hosts = parsed.resources.map((r) => r.host)
    expect(hosts).not.toContain('empty-title.example.com')
    expect(resource('Good after broken').position).toBe(13)
  })
})

describe('front matter', () => {
  it('throws PageFormatError naming the file and the first non-empty line when there is none', () => {
    expect(() => readPage('test/fixtures/no-front-matter.markdown')).toThrow(PageFormatError)
    try {
      readPage('test/fixtures/no-front-matter.markdown')
    } catch (error) {
      expect(error).toBeInstanceOf(PageFormatError)
      expect(error).toMatchObject({ file: 'test/fixtures/no-front-matter.markdown', line: 2 })
      expect((error as Error).message).toBe(
        'test/fixtures/no-front-matter.markdown:2: not a page: missing front matter (expected "title: ..." lines at the top)',
      )
    }
  })

  it('rejects YAML-style --- front matter, an empty file and front matter without a title', () => {
    const error = (text: string) => {
      try {
        parsePage(text, { file: 'seed/x.markdown' })
      } catch (caught) {
        return caught
      }
      return undefined
    }
    expect(error('---\ntitle: X\n---\n')).toMatchObject({ file: 'seed/x.markdown', line: 1 })
    expect(error('')).toMatchObject({ line: 1 })
    expect(error('\n\n\n[x](https://x.example.com)\n')).toMatchObject({ line: 4 })
    const noTitle = error('\nslug: x\ncategory: page\n\n* [a](https://a.example.com/)\n')
    expect(noTitle).toBeInstanceOf(PageFormatError)
    expect(noTitle).toMatchObject({
      line: 2,
      message: 'seed/x.markdown:2: not a page: front matter has no "title: ..." line',
    })
  })

  it('keeps Markdown line numbers true after the front matter', () => {
    const parsed = page('\n\n## Section\n* [A](https://a.example.com/)\n', 'title: T\nslug: t\nmeta: m\n')
    // 3 front matter lines, 1 blank, then 2 blank, heading on 7, item on 8.
    expect(parsed.resources[0]?.source).toEqual({ page: 't', section: 'Section', line: 8 })
  })

  it('derives the page slug from the title when the front matter has none', () => {
    const parsed = page('* [A](https://a.example.com/)\n', 'title: My Great Page\n')
    expect(parsed.page.slug).toBe('my-great-page')
    expect(parsed.resources[0]?.source.page).toBe('my-great-page')
  })
})

describe('pages with nothing to offer', () => {
  it('reports a page with no resources as a problem, without throwing', () => {
    const parsed = readPage('test/fixtures/no-resources.markdown')
    expect(parsed.resources).toEqual([])
    expect(parsed.categories).toEqual([])
    expect(parsed.tags).toEqual([])
    expect(parsed.problems).toEqual([
      { file: 'test/fixtures/no-resources.markdown', line: 0, message: 'no resources found' },
    ])
  })

  it('ignores mailto and fragment links, and does not tag the page topic', () => {
    const parsed = page(
      '* [Mail](mailto:a@example.com) and [top](#top)\n* [Docker thing](https://d.example.com/) on Docker\n',
      'title: Docker\nslug: docker\n',
    )
    expect(parsed.resources.map((r) => [r.title, r.tags])).toEqual([['Docker thing', []]])
  })
})

describe('categories: mapping file beside the page vs generic slugs', () => {
  it('uses the mapping for listed headings and the generic rule for the rest', () => {
    const parsed = readPage('test/fixtures/mapped.markdown')
    expect(parsed.categories).toEqual([
      { slug: 'introduction', name: 'Introduction', heading: null, position: 1, count: 1 },
      {
        slug: 'short',
        name: 'Short',
        heading: 'A Long Heading That Needs A Short Slug',
        position: 2,
        count: 1,
      },
      {
        slug: 'unmapped-heading',
        name: 'Unmapped Heading!',
        heading: 'Unmapped Heading!',
        position: 3,
        count: 1,
      },
    ])
    expect(parsed.resources.map((r) => r.category)).toEqual(['introduction', 'short', 'unmapped-heading'])
    // A mapped heading the page no longer has is reported, so a renamed heading is noticed.
    expect(parsed.problems).toEqual([
      {
        file: 'test/fixtures/mapped.markdown',
        line: 0,
        message:
          'category mapping names heading "A Heading The Page No Longer Has", which is not on the page',
      },
    ])
  })

  it('finds the mapping by convention and returns undefined when there is none', () => {
    expect(categoryMapPath('seed/docker.markdown')).toBe('seed/docker.categories.json')
    expect(loadCategoryMap('test/fixtures/awkward.markdown')).toBeUndefined()
    expect(loadCategoryMap('test/fixtures/mapped.markdown')?.intro).toEqual({
      slug: 'introduction',
      name: 'Introduction',
    })
  })

  it('rejects a malformed mapping file, naming it', () => {
    const dir = mkdtempSync(join(tmpdir(), 'category-map-'))
    const pagePath = join(dir, 'bad.markdown')
    writeFileSync(pagePath, 'title: Bad\n\n* [A](https://a.example.com/)\n')
    writeFileSync(
      join(dir, 'bad.categories.json'),
      '{ "headings": { "X": { "slug": "Not A Slug", "name": "X" } } }',
    )
    expect(() => loadCategoryMap(pagePath)).toThrow(
      `${join(dir, 'bad.categories.json')}: invalid category mapping`,
    )
    expect(() => readPage(pagePath)).toThrow(/headings\.X\.slug/)
    writeFileSync(join(dir, 'bad.categories.json'), '{ not json')
    expect(() => readPage(pagePath)).toThrow(`${join(dir, 'bad.categories.json')}: invalid category mapping`)
  })
})

describe('readPage', () => {
  it('names the path of a file it cannot read', () => {
    expect(() => readPage('test/fixtures/does-not-exist.markdown')).toThrow(PageReadError)
    expect(() => readPage('test/fixtures/does-not-exist.markdown')).toThrow(
      /^test\/fixtures\/does-not-exist\.markdown: cannot read page: ENOENT/,
    )
  })
})

describe('URLs', () => {
  it('normalizes scheme, host, www, default port, fragment and trailing slash', () => {
    expect(normalizeUrl('HTTP://WWW.Example.COM:80/Path/?q=1#frag')).toBe('https://example.com/Path?q=1')
    expect(normalizeUrl('https://example.com')).toBe('https://example.com')
    expect(normalizeUrl('https://example.com:8443/a/')).toBe('https://example.com:8443/a')
    expect(() => normalizeUrl('ftp://example.com/')).toThrow(TypeError)
    expect(() => normalizeUrl('/django.html')).toThrow(TypeError)
  })

  it('builds short, URL-safe ids even for very long URLs', () => {
    const id = resourceId(`https://example.com/${'very-long-segment/'.repeat(20)}`)
    expect(id.length).toBeLessThanOrEqual(64)
    expect(id).toMatch(/^example-com-very-long-segment-[a-z0-9-]*-[0-9a-f]{8}$/)
    expect(resourceId('https://example.com/a?x=1')).not.toBe(resourceId('https://example.com/a?x=2'))
  })

  it('classifies link targets', () => {
    expect(classifyHref('/django.html', 'docker')).toEqual({
      kind: 'internal',
      url: 'https://www.fullstackpython.com/django.html',
      path: '/django.html',
    })
    expect(classifyHref('flask-helpers.html', 'flask')).toMatchObject({
      url: 'https://www.fullstackpython.com/flask-helpers.html',
    })
    expect(classifyHref('https://www.fullstackpython.com/vuejs.html', 'docker').kind).toBe('internal')
    expect(classifyHref('https://example.com/', 'docker').kind).toBe('external')
    expect(classifyHref('http://', 'docker').kind).toBe('invalid')
    expect(classifyHref('htp//bad', 'docker').kind).toBe('invalid')
    expect(classifyHref('github.com/x/y', 'docker').kind).toBe('invalid')
    expect(classifyHref('mailto:a@example.com', 'docker').kind).toBe('ignored')
    expect(classifyHref('#anchor', 'docker').kind).toBe('ignored')
  })
})

describe('tag vocabulary', () => {
  it('matches on word boundaries, longest phrase first', () => {
    expect([...vocabularyTags('Docker Compose and docker-compose')]).toEqual(['docker-compose'])
    expect([...vocabularyTags('Docker and Docker Compose')].sort()).toEqual(['docker', 'docker-compose'])
    expect([...vocabularyTags('pipelines, pipenv, pipx')]).toEqual([])
    expect([...vocabularyTags('use pip here')]).toEqual(['pip'])
    expect([...vocabularyTags('Mac OS X, OS X and macOS')]).toEqual(['macos'])
    expect([...vocabularyTags('postgres and POSTGRESQL')]).toEqual(['postgresql'])
    expect([...vocabularyTags('mod_wsgi but not mod_wsgi_express_thing')]).toEqual(['mod-wsgi'])
  })
})
