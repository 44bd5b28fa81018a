import fc from 'fast-check'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startTestApp, type TestApp } from '../helpers/app.js'

let t: TestApp
beforeAll(async () => {
  t = await startTestApp()
})
afterAll(async () => {
  await t.close()
})

type Hit = { id: string; title: string; tags: string[]; match: { title: string; snippet: string } }
type List = {
  data: Hit[]
  meta: { total: number; correctedQuery: string | null; nextCursor: string | null }
  links: { next: string | null }
}

async function list(query: string): Promise<List> {
  return (await t.http().get(`/v1/resources?limit=100&${query}`).expect(200)).body
}

const ids = (answer: List) => answer.data.map((hit) => hit.id)

describe('typo-tolerant search', () => {
  it('finds the Docker resources for q=dokcer, and says which query it ran', async () => {
    const corrected = await list('q=dokcer')
    const exact = await list('q=docker')
    expect(corrected.meta.correctedQuery).toBe('docker')
    expect(corrected.meta.total).toBe(exact.meta.total)
    expect(ids(corrected)).toEqual(ids(exact))
    expect(corrected.data.map((hit) => hit.match)).toEqual(exact.data.map((hit) => hit.match))
  })

  it('finds the Django resources for q=djnago, marking the corrected word', async () => {
    const corrected = await list('q=djnago')
    expect(corrected.meta.correctedQuery).toBe('django')
    expect(ids(corrected)).toEqual(ids(await list('q=django')))
    expect(corrected.data.length).toBeGreaterThan(3)
    for (const hit of corrected.data) {
      expect(`${hit.match.title} ${hit.match.snippet}`).toMatch(/<mark>Django<\/mark>/i)
    }
  })

  it('leaves a four-letter word alone: q=flsk finds nothing and says no correction was made', async () => {
    const answer = await list('q=flsk')
    expect(answer.meta).toMatchObject({ total: 0, correctedQuery: null })
    expect(answer.data).toEqual([])
  })

  it('corrects every word of a query, keeping the right ones', async () => {
    const answer = await list('q=Djnago%20postgers')
    expect(answer.meta.correctedQuery).toBe('django postgres')
    expect(ids(answer)).toEqual(ids(await list('q=django%20postgres')))
    const kept = await list('q=docker%20djnago')
    expect(kept.meta.correctedQuery).toBe('docker django')
  })

  it('finds nothing, uncorrected, when one word has no correction (words combine with AND)', async () => {
    expect((await list('q=djnago%20kubernetes')).meta).toMatchObject({ total: 0, correctedQuery: null })
    expect((await list('q=djnago%20py3k')).meta).toMatchObject({ total: 0, correctedQuery: null })
  })

  it('never corrects a search that finds something: correctedQuery is null and the answer unchanged', async () => {
    for (const q of ['docker', 'dock', 'flask%20gunicorn', 'djan']) {
      const on = await t.http().get(`/v1/resources?q=${q}`).expect(200)
      const off = await t.http().get(`/v1/resources?q=${q}&typos=false`).expect(200)
      expect(on.body.meta.correctedQuery).toBeNull()
      expect(on.body.data).toEqual(off.body.data)
      expect({ ...on.body.meta }).toEqual({ ...off.body.meta, nextCursor: on.body.meta.nextCursor })
    }
  })

  it('has correctedQuery null on every list that is not a corrected search', async () => {
    for (const url of [
      '/v1/resources',
      '/v1/resources?category=general',
      '/v1/categories/general/resources',
    ]) {
      const answer = await t.http().get(url).expect(200)
      expect(answer.body.meta).toHaveProperty('correctedQuery', null)
    }
  })

  it('corrects within the other filters, and only when the filtered search finds nothing', async () => {
    const answer = await list('q=djnago&category=python-specific')
    expect(answer.meta.correctedQuery).toBe('django')
    expect(answer.data.length).toBeGreaterThan(0)
    const elsewhere = await list('q=djnago&category=core')
    expect(elsewhere.meta).toMatchObject({ total: 0, correctedQuery: null })
  })

  it('turns off with typos=false, and refuses any other value', async () => {
    expect((await list('q=dokcer&typos=false')).meta).toMatchObject({ total: 0, correctedQuery: null })
    expect((await list('q=dokcer&typos=true')).meta.correctedQuery).toBe('docker')
    const bad = await t.http().get('/v1/resources?q=dokcer&typos=maybe').expect(400)
    expect(bad.body.errors).toEqual([{ param: 'typos', message: 'must be true or false' }])
  })

  it('pages a corrected search with cursors, like the search it ran', async () => {
    const walk = async (start: string) => {
      const seen: string[] = []
      let next: string | null = start
      while (next) {
        const page: List = (await t.http().get(next).expect(200)).body
        seen.push(...ids(page))
        next = page.links.next
      }
      return seen
    }
    const corrected = await walk('/v1/resources?q=dokcer&limit=4')
    expect(corrected).toEqual(ids(await list('q=docker')))
    expect(new Set(corrected).size).toBe(corrected.length)
    // The cursor belongs to the search that ran: without correction it is refused.
    const first: List = (await t.http().get('/v1/resources?q=dokcer&limit=4').expect(200)).body
    const cursor = first.meta.nextCursor as string
    await t.http().get(`/v1/resources?q=dokcer&limit=4&cursor=${cursor}`).expect(200)
    const refused = await t
      .http()
      .get(`/v1/resources?q=dokcer&typos=false&limit=4&cursor=${cursor}`)
      .expect(400)
    expect(refused.body.errors[0].param).toBe('cursor')
  })

  it('runs correctedQuery as a query of its own to the same answer, whatever the typo (property)', async () => {
    const words = [
      ...new Set(
        (await list('')).data
          .flatMap((hit) => hit.title.toLowerCase().match(/\p{L}{5,}/gu) ?? [])
          .slice(0, 80),
      ),
    ]
    const typo = fc
      .tuple(fc.constantFrom(...words), fc.nat(), fc.constantFrom('swap', 'drop', 'double', 'change'))
      .map(([word, at, kind]) => {
        const i = 1 + (at % (word.length - 1))
        const chars = [...word]
        if (kind === 'swap' && i + 1 < chars.length)
          [chars[i], chars[i + 1]] = [chars[i + 1] as string, chars[i] as string]
        else if (kind === 'drop') chars.splice(i, 1)
        else if (kind === 'double') chars.splice(i, 0, chars[i] as string)
        else chars[i] = 'q'
        return chars.join('')
      })
    await fc.assert(
      fc.asyncProperty(fc.array(typo, { minLength: 1, maxLength: 3 }), async (query) => {
        const q = encodeURIComponent(query.join(' '))
        const response = await t.http().get(`/v1/resources?limit=100&q=${q}`)
        expect(response.status).toBe(200)
        const answer: List = response.body
        if (answer.meta.correctedQuery === null) return
        expect(answer.meta.total).toBeGreaterThan(0)
        const rerun = await list(`q=${encodeURIComponent(answer.meta.correctedQuery)}&typos=false`)
        expect(ids(answer)).toEqual(ids(rerun))
      }),
      { numRuns: 150 },
    )
  })
})
