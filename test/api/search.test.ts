import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { markedToHtml, toMatchExpression } from '../../src/queries/search-text.js'
import { startTestApp, type TestApp } from '../helpers/app.js'

let t: TestApp
beforeAll(async () => {
  t = await startTestApp()
})
afterAll(async () => {
  await t.close()
})

type Hit = {
  id: string
  title: string
  description: string
  tags: string[]
  match: { score: number; title: string; snippet: string }
}

async function search(query: string) {
  const response = await t.http().get(`/v1/resources?limit=100&${query}`).expect(200)
  return response.body as { data: Hit[]; meta: { total: number } }
}

const mentions = (hit: Hit, word: string) =>
  `${hit.title} ${hit.description} ${hit.tags.join(' ')}`.toLowerCase().includes(word)

describe('full-text search (q)', () => {
  it('finds exactly the resources that mention the word, best first', async () => {
    const { data, meta } = await search('q=django')
    const all = (await search('')).data
    const expected = all.filter((hit) => mentions(hit, 'django')).map((hit) => hit.id)
    expect(expected.length).toBeGreaterThan(3)
    expect(meta.total).toBe(expected.length)
    expect(data.map((hit) => hit.id).sort()).toEqual(expected.sort())
    const scores = data.map((hit) => hit.match.score)
    expect(scores).toEqual([...scores].sort((a, b) => b - a))
    for (const score of scores) expect(score).toBeGreaterThan(0)
  })

  it('ranks a title hit above a description-only hit', async () => {
    const { data } = await search('q=flask')
    const inTitle = data.map((hit) => hit.title.toLowerCase().includes('flask'))
    expect(inTitle).toContain(true)
    expect(inTitle).toContain(false)
    const lastTitleHit = inTitle.lastIndexOf(true)
    const firstOther = inTitle.indexOf(false)
    expect(lastTitleHit).toBeLessThan(firstOther)
  })

  it('matches the last word as a prefix, for search-as-you-type', async () => {
    const full = (await search('q=django')).data.map((hit) => hit.id)
    for (const prefix of ['dj', 'djan', 'Djang', 'DJANGO']) {
      expect((await search(`q=${prefix}`)).data.map((hit) => hit.id).sort()).toEqual([...full].sort())
    }
    const dock = await search('q=dock')
    expect(dock.meta.total).toBeGreaterThan(20)
    // Earlier words are whole words: "docker compo" needs "docker" and a word starting "compo".
    const compose = await search('q=docker%20compo')
    expect(compose.data.map((hit) => hit.title)).toEqual([
      'Using Docker and Docker Compose to replace virtualenv',
    ])
  })

  it('combines words with AND and ignores case and diacritics', async () => {
    const both = await search('q=flask%20gunicorn')
    expect(both.data.map((hit) => hit.title)).toEqual([
      'Dockerizing Flask with Postgres, Gunicorn, and Nginx',
    ])
    expect((await search('q=D%C3%A9ploying')).data.map((hit) => hit.title)).toContain(
      'Deploying Django Applications in Docker',
    )
  })

  it('searches tags too', async () => {
    const { data } = await search('q=circleci')
    expect(data.map((hit) => hit.title)).toEqual(['Docker in Action - Fitter, Happier, More Productive'])
  })

  it('highlights matched words with <mark> in the title and a description snippet', async () => {
    const { data } = await search('q=djan')
    const top = data[0] as Hit
    expect(top.match.title).toMatch(/<mark>Django<\/mark>/)
    expect(top.match.title.replaceAll(/<\/?mark>/g, '')).toBe(top.title)
    const withSnippet = data.find((hit) => hit.match.snippet.includes('<mark>'))
    expect(withSnippet?.match.snippet).toMatch(/<mark>Django<\/mark>/)
  })

  it('escapes HTML around the marks, so a snippet is safe to insert as HTML', () => {
    expect(markedToHtml('a <b> & "c" \u0002d\u0003')).toBe('a &lt;b&gt; &amp; &quot;c&quot; <mark>d</mark>')
  })

  it('sorts search results by another order on request, keeping the match', async () => {
    const { data } = await search('q=django&sort=title')
    const titles = data.map((hit) => hit.title)
    expect(titles).toEqual([...titles].sort((a, b) => a.toLowerCase().localeCompare(b.toLowerCase())))
    for (const hit of data) expect(hit.match.title).toBeTypeOf('string')
  })

  it('pages through ranked results with cursors in the same order as one big page', async () => {
    const all = (await search('q=docker')).data.map((hit) => hit.id)
    const walked: string[] = []
    let next: string | null = '/v1/resources?q=docker&limit=3'
    while (next) {
      const body = (await t.http().get(next).expect(200)).body as {
        data: Hit[]
        links: { next: string | null }
      }
      walked.push(...body.data.map((hit) => hit.id))
      next = body.links.next
    }
    expect(walked).toEqual(all)
  })

  it('ignores an empty q', async () => {
    expect((await search('q=')).meta.total).toBe(33)
    expect((await search('q=%20%20')).meta.total).toBe(33)
  })

  // Whatever a person types, the answer is a 200 or a clear 400, never a 500:
  // user text is never passed to MATCH as FTS5 syntax.
  const HOSTILE = [
    '"',
    '""',
    '"unterminated',
    '*',
    'docker*',
    '*docker',
    'NEAR(docker flask)',
    'NEAR(',
    'docker AND',
    'AND',
    'OR OR',
    'NOT docker',
    '-docker',
    'docker -flask',
    '^docker',
    'title:docker',
    '{title}: docker',
    'docker + flask',
    '(docker',
    ')',
    ':',
    '.',
    "'; DROP TABLE resources; --",
    "' OR 1=1 --",
    '%',
    '\\',
    '🐳',
    '🐳 docker',
    'docker 🐳',
    'ﾄﾞｯｶｰ',
    'e\u0301',
    'مرحبا',
    '\u202edocker',
    'a\u0000b',
    'docker\u0000',
    'x'.repeat(500),
    'docker '.repeat(32),
  ]
  it.each(HOSTILE)('q=%j answers 200 or a clear 400', async (q) => {
    const response = await t.http().get('/v1/resources').query({ q })
    expect([200, 400]).toContain(response.status)
    if (response.status === 400) {
      expect(response.headers['content-type']).toMatch(/^application\/problem\+json/)
      expect(response.body.errors[0].param).toBe('q')
    } else {
      expect(Array.isArray(response.body.data)).toBe(true)
    }
  })

  it.each([
    ['x'.repeat(5000), 'at most 500 characters'],
    ['docker '.repeat(40), 'at most 32 are searched'],
    ['!!! ???', 'at least one letter or digit'],
  ])('refuses q=%j… with a message', async (q, message) => {
    const response = await t.http().get('/v1/resources').query({ q }).expect(400)
    expect(response.body.errors[0].message).toContain(message)
  })

  it('refuses a repeated q', async () => {
    const response = await t.http().get('/v1/resources?q=docker&q=flask').expect(400)
    expect(response.body.errors[0]).toMatchObject({ param: 'q' })
  })
})

describe('toMatchExpression', () => {
  it('quotes every word and makes only the last a prefix', () => {
    expect(toMatchExpression('Django AND "nginx" NEAR(x*')).toEqual({
      ok: true,
      match: '"django" "and" "nginx" "near" "x"*',
      words: ['django', 'and', 'nginx', 'near', 'x'],
    })
  })
})
