import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startTestApp, type TestApp } from '../helpers/app.js'
import { type OpenApiDocument, ResponseValidator } from '../property/openapi-validator.js'

let t: TestApp
let validator: ResponseValidator
beforeAll(async () => {
  t = await startTestApp()
  validator = new ResponseValidator((await t.app.inject('/openapi.json')).json() as OpenApiDocument)
})
afterAll(async () => {
  await t.close()
})

const ALL = [
  'id',
  'title',
  'url',
  'description',
  'category',
  'tags',
  'host',
  'links',
  'position',
  'source',
  'link',
]
const ALLOWED = [...ALL, 'match']

async function data(url: string): Promise<Record<string, unknown>[]> {
  const response = await t.http().get(url).expect(200)
  expect(
    validator.check(
      url.split('?')[0]?.startsWith('/v1/categories/') ? '/v1/categories/{slug}/resources' : '/v1/resources',
      200,
      response.body,
    ),
  ).toEqual([])
  return response.body.data
}

describe('field selection (fields=)', () => {
  it('gives only the named fields, id always first, in the usual order whatever the order asked', async () => {
    for (const fields of ['id,title,url', 'url,title', 'url,id,title,url']) {
      const resources = await data(`/v1/resources?limit=100&fields=${fields}`)
      expect(resources).toHaveLength(33)
      for (const resource of resources) expect(Object.keys(resource)).toEqual(['id', 'title', 'url'])
    }
    const title = await data('/v1/resources?fields=title&limit=3')
    expect(title.map((resource) => Object.keys(resource))).toEqual([
      ['id', 'title'],
      ['id', 'title'],
      ['id', 'title'],
    ])
  })

  it('gives the same values as the full resource', async () => {
    const full = await data('/v1/resources?limit=100')
    const some = await data('/v1/resources?limit=100&fields=links,source,tags')
    expect(some).toEqual(full.map(({ id, tags, links, source }) => ({ id, tags, links, source })))
  })

  it('naming every field gives the full resource', async () => {
    const full = await data('/v1/resources?limit=100')
    expect(await data(`/v1/resources?limit=100&fields=${ALL.join(',')}`)).toEqual(full)
  })

  it('keeps the search match only when asked, and only on search hits', async () => {
    const hits = await data('/v1/resources?q=django&fields=title,match')
    for (const hit of hits) {
      expect(Object.keys(hit)).toEqual(['id', 'title', 'match'])
      expect((hit.match as { title: string }).title).toContain('<mark>')
    }
    const noMatch = await data('/v1/resources?q=django&fields=title')
    for (const hit of noMatch) expect(Object.keys(hit)).toEqual(['id', 'title'])
    const unsearched = await data('/v1/resources?fields=title,match&limit=2')
    for (const resource of unsearched) expect(Object.keys(resource)).toEqual(['id', 'title'])
  })

  it('works on the category form and on one resource', async () => {
    const resources = await data('/v1/categories/general/resources?fields=url')
    expect(resources).toHaveLength(13)
    for (const resource of resources) expect(Object.keys(resource)).toEqual(['id', 'url'])
    const [first] = await data('/v1/resources?limit=1')
    const one = await t.http().get(`/v1/resources/${first?.id}?fields=title,position`).expect(200)
    expect(one.body).toEqual({ id: first?.id, title: first?.title, position: first?.position })
    expect(validator.check('/v1/resources/{id}', 200, one.body)).toEqual([])
  })

  it('refuses an unknown field, listing the allowed names', async () => {
    for (const url of [
      '/v1/resources?fields=id,titel',
      '/v1/categories/general/resources?fields=titel',
      '/v1/resources/docs-docker-com-37e989a6?fields=titel',
    ]) {
      const response = await t.http().get(url).expect(400)
      expect(response.headers['content-type']).toMatch(/^application\/problem\+json/)
      expect(response.body.code).toBe('invalid_parameter')
      expect(response.body.errors).toEqual([
        {
          param: 'fields',
          message: `unknown field "titel"; allowed: ${ALLOWED.join(', ')}`,
          allowed: ALLOWED,
        },
      ])
    }
  })

  it('names each unknown field once, and refuses fields naming none', async () => {
    const several = await t.http().get('/v1/resources?fields=a,b,a,title').expect(400)
    expect(several.body.errors.map((error: { message: string }) => error.message.split(';')[0])).toEqual([
      'unknown field "a"',
      'unknown field "b"',
    ])
    for (const empty of ['fields=', 'fields=,', 'fields=%20']) {
      const response = await t.http().get(`/v1/resources?${empty}`).expect(400)
      expect(response.body.errors[0]).toMatchObject({ param: 'fields', allowed: ALLOWED })
      expect(response.body.errors[0].message).toMatch(/^must name at least one field/)
    }
  })

  it('refuses nested names and other spellings: fields are top-level, as written in the JSON', async () => {
    for (const name of ['source.line', 'Title', 'ID', '*']) {
      const response = await t
        .http()
        .get(`/v1/resources?fields=${encodeURIComponent(name)}`)
        .expect(400)
      expect(response.body.errors[0].param).toBe('fields')
    }
  })

  it('takes repeated fields parameters like a comma-separated list', async () => {
    const resources = await data('/v1/resources?fields=title&fields=url&limit=2')
    for (const resource of resources) expect(Object.keys(resource)).toEqual(['id', 'title', 'url'])
  })

  it('gives each selection its own ETag', async () => {
    const a = await t.http().get('/v1/resources?fields=title').expect(200)
    const b = await t.http().get('/v1/resources?fields=url').expect(200)
    const c = await t.http().get('/v1/resources').expect(200)
    expect(new Set([a.headers.etag, b.headers.etag, c.headers.etag]).size).toBe(3)
    await t.http().get('/v1/resources?fields=url').set('If-None-Match', String(a.headers.etag)).expect(200)
    await t.http().get('/v1/resources?fields=title').set('If-None-Match', String(a.headers.etag)).expect(304)
  })
})
