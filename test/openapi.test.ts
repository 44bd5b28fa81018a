import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { compileErrors, validate } from '@readme/openapi-parser'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { parse } from 'yaml'
import { projectRoot } from '../src/paths.js'
import { startTestApp, type TestApp } from './helpers/app.js'

let t: TestApp
// Asked for before anything else (the document is generated on its first request,
// docs.ts): the first requests, arriving together, all get the whole document.
let firstAnswers: { statusCode: number; body: string; type: string | undefined }[]
beforeAll(async () => {
  t = await startTestApp()
  firstAnswers = (
    await Promise.all(
      ['/openapi.json', '/openapi.yaml', '/openapi.json', '/openapi.yaml'].map((url) => t.app.inject(url)),
    )
  ).map((answer) => ({
    statusCode: answer.statusCode,
    body: answer.body,
    type: answer.headers['content-type']?.toString(),
  }))
})
afterAll(async () => {
  await t.close()
})

const committed = () => readFileSync(join(projectRoot, 'openapi.yaml'), 'utf8')

describe('openapi.yaml', () => {
  it('is exactly what the server serves (run `npm run openapi` after changing a route or schema)', async () => {
    const served = await t.http().get('/openapi.yaml').expect(200)
    expect(served.headers['content-type']).toMatch(/^application\/yaml/)
    expect(committed()).toBe(served.text)
  })

  it('is a valid OpenAPI 3.1 document', async () => {
    const document = parse(committed())
    expect(document.openapi).toBe('3.1.0')
    const result = await validate(document)
    expect(result.valid, compileErrors(result)).toBe(true)
  })

  it('documents every route the API answers, and the error shape', () => {
    const document = parse(committed())
    expect(Object.keys(document.paths).sort()).toEqual([
      '/healthz',
      '/readyz',
      '/v1',
      '/v1/categories',
      '/v1/categories/{slug}',
      '/v1/categories/{slug}/resources',
      '/v1/links',
      '/v1/resources',
      '/v1/resources/{id}',
      '/v1/tags',
    ])
    for (const [path, item] of Object.entries(
      document.paths as Record<string, { get: { responses: object } }>,
    )) {
      expect(Object.keys(item.get.responses), path).toContain('200')
    }
    expect(document.components.schemas.Problem.required).toEqual(['type', 'title', 'status', 'detail'])
    const limit = document.paths['/v1/resources'].get.parameters.find(
      (p: { name: string }) => p.name === 'limit',
    )
    expect(limit.schema).toEqual({ type: 'integer', minimum: 1, maximum: 100 })
  })

  it('is served whole to the first requests, which arrive while it is being generated', () => {
    const [json, yaml] = firstAnswers
    expect(firstAnswers.map((answer) => answer.statusCode)).toEqual([200, 200, 200, 200])
    expect(json?.type).toBe('application/json; charset=utf-8')
    expect(JSON.parse(json?.body ?? '')).toEqual(parse(committed()))
    expect(yaml?.body).toBe(committed())
    expect(firstAnswers[2]?.body).toBe(json?.body)
    expect(firstAnswers[3]?.body).toBe(yaml?.body)
  })

  it('is also served as JSON, and /docs serves the interactive page', async () => {
    const json = await t.http().get('/openapi.json').expect(200)
    expect(json.body).toEqual(parse(committed()))
    const docs = await t.http().get('/docs/').expect(200)
    expect(docs.text).toContain('swagger')
  })
})
