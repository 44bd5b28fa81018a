import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startTestApp, type TestApp } from '../helpers/app.js'

let t: TestApp
beforeAll(async () => {
  t = await startTestApp()
})
afterAll(async () => {
  await t.close()
})

type List = {
  data: { id: string }[]
  meta: { total: number; offset: number; nextCursor: string | null }
  links: { next: string | null }
}

async function list(url: string): Promise<List> {
  return (await t.http().get(url).expect(200)).body as List
}

/** Follows links.next from the first page to the end, returning every id in order. */
async function walk(first: string): Promise<{ ids: string[]; total: number; pages: number }> {
  const ids: string[] = []
  let url: string | null = first
  let pages = 0
  let total = 0
  while (url !== null) {
    const page: List = await list(url)
    total = page.meta.total
    expect(page.meta.offset).toBe(ids.length)
    ids.push(...page.data.map((resource) => resource.id))
    if (page.links.next !== null) {
      expect(page.links.next).toContain(`cursor=${page.meta.nextCursor}`)
      expect(page.links.next).not.toContain('offset=')
    } else expect(page.meta.nextCursor).toBeNull()
    url = page.links.next
    pages++
    expect(pages).toBeLessThan(100)
  }
  return { ids, total, pages }
}

describe('cursor pagination', () => {
  it.each([
    ['position', '', 33],
    ['-position', '&sort=-position', 33],
    ['title', '&sort=title', 33],
    ['-title', '&sort=-title', 33],
    ['relevance', '&q=docker', 0],
  ])('walks every resource sorted by %s with no duplicate and no gap', async (_sort, query, expected) => {
    for (const limit of [1, 4, 7, 33]) {
      const { ids, total, pages } = await walk(`/v1/resources?limit=${limit}${query}`)
      if (expected > 0) expect(total).toBe(expected)
      expect(total).toBeGreaterThan(10)
      expect(ids).toHaveLength(total)
      expect(new Set(ids).size).toBe(total)
      expect(pages).toBe(Math.ceil(total / limit))
      // The same order as one page holding everything, and as offset pages.
      const all = await list(`/v1/resources?limit=100${query}`)
      expect(ids).toEqual(all.data.map((resource) => resource.id))
      const byOffset: string[] = []
      for (let offset = 0; offset < total; offset += limit) {
        const page = await list(`/v1/resources?limit=${limit}&offset=${offset}${query}`)
        byOffset.push(...page.data.map((resource) => resource.id))
      }
      expect(byOffset).toEqual(ids)
    }
  })

  it('covers all 33 resources with every sort, each the same set', async () => {
    const sets = []
    for (const sort of ['position', '-position', 'title', '-title']) {
      sets.push([...(await walk(`/v1/resources?limit=10&sort=${sort}`)).ids].sort())
    }
    for (const set of sets) expect(set).toEqual(sets[0])
    expect(sets[0]).toHaveLength(33)
  })

  it('walks a filtered list and a category route too', async () => {
    const general = await walk('/v1/resources?category=general&limit=4')
    expect(general.ids).toHaveLength(13)
    const route = await walk('/v1/categories/general/resources?limit=4')
    expect(route.ids).toEqual(general.ids)
  })
})
