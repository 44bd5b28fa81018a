import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startTestApp, type TestApp } from '../helpers/app.js'

let t: TestApp
beforeAll(async () => {
  t = await startTestApp()
})
afterAll(async () => {
  await t.close()
})

const CATEGORIES = [
  { slug: 'core', name: 'Core', heading: null, position: 1, count: 2 },
  {
    slug: 'python-images',
    name: 'Python images',
    heading: 'Python projects within Docker images',
    position: 2,
    count: 2,
  },
  { slug: 'general', name: 'General', heading: 'Docker resources', position: 3, count: 13 },
  {
    slug: 'python-specific',
    name: 'Python-specific',
    heading: 'Python-specific Docker resources',
    position: 4,
    count: 16,
  },
]

describe('GET /v1/categories', () => {
  it('lists the four categories in page order with counts', async () => {
    const response = await t.http().get('/v1/categories').expect(200)
    expect(response.body).toEqual({ data: CATEGORIES })
  })

  it('refuses query parameters it does not take', async () => {
    const response = await t.http().get('/v1/categories?limit=2').expect(400)
    expect(response.body.errors[0]).toMatchObject({
      param: 'limit',
      message: 'this endpoint takes no parameters',
    })
  })
})

describe('GET /v1/categories/:slug', () => {
  it.each(CATEGORIES.map((category) => [category.slug, category]))('returns %s', async (slug, category) => {
    expect((await t.http().get(`/v1/categories/${slug}`).expect(200)).body).toEqual(category)
  })

  it.each([
    ['Python%20images', 'python-images'],
    ['PYTHON_IMAGES', 'python-images'],
    ['General', 'general'],
    ['Docker%20resources', 'general'],
  ])('forgives %s', async (given, slug) => {
    expect((await t.http().get(`/v1/categories/${given}`).expect(200)).body.slug).toBe(slug)
  })

  it('answers 404 listing the valid slugs for an unknown category', async () => {
    const response = await t.http().get('/v1/categories/kubernetes').expect(404)
    expect(response.headers['content-type']).toMatch(/^application\/problem\+json/)
    expect(response.body).toMatchObject({
      type: 'about:blank',
      title: 'Not Found',
      status: 404,
      code: 'unknown_category',
      detail: 'No category "kubernetes"; valid: core, python-images, general, python-specific.',
      errors: [{ param: 'slug', allowed: ['core', 'python-images', 'general', 'python-specific'] }],
    })
  })
})

describe('GET /v1/categories/:slug/resources', () => {
  it('lists the category with the same shape as /v1/resources?category=', async () => {
    const nested = await t.http().get('/v1/categories/general/resources').expect(200)
    const filtered = await t.http().get('/v1/resources?category=general').expect(200)
    expect(nested.body.data).toEqual(filtered.body.data)
    expect(nested.body.meta).toEqual(filtered.body.meta)
    expect(nested.body.data).toHaveLength(13)
    expect(nested.headers['x-total-count']).toBe('13')
    expect(nested.body.links.self).toBe('/v1/categories/general/resources')
  })

  it('takes every other list parameter', async () => {
    const response = await t
      .http()
      .get('/v1/categories/Python-specific/resources?q=flask&limit=2')
      .expect(200)
    expect(response.body.meta.total).toBeGreaterThan(2)
    expect(response.body.data).toHaveLength(2)
    for (const resource of response.body.data) expect(resource.category).toBe('python-specific')
    const next = await t.http().get(response.body.links.next).expect(200)
    expect(next.body.meta.offset).toBe(2)
  })

  it('refuses a category parameter (the path names it) and an unknown slug', async () => {
    const param = await t.http().get('/v1/categories/general/resources?category=core').expect(400)
    expect(param.body.errors[0]).toMatchObject({ param: 'category' })
    await t.http().get('/v1/categories/nope/resources').expect(404)
  })
})

describe('GET /v1/tags', () => {
  it('lists every tag with its count, most used first, agreeing with the resources', async () => {
    const tags = (await t.http().get('/v1/tags').expect(200)).body.data as {
      slug: string
      name: string
      count: number
    }[]
    expect(tags.length).toBeGreaterThan(5)
    expect(tags.slice(0, 2).map((tag) => tag.slug)).toEqual(['django', 'flask'])
    expect(tags.find((tag) => tag.slug === 'postgresql')).toEqual({
      slug: 'postgresql',
      name: 'PostgreSQL',
      count: 4,
    })
    const counts = tags.map((tag) => tag.count)
    expect(counts).toEqual([...counts].sort((a, b) => b - a))
    const resources = (await t.http().get('/v1/resources?limit=100').expect(200)).body.data as {
      tags: string[]
    }[]
    for (const tag of tags) {
      expect(resources.filter((resource) => resource.tags.includes(tag.slug)).length, tag.slug).toBe(
        tag.count,
      )
    }
  })
})
