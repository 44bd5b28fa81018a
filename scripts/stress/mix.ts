import autocannonUntyped from 'autocannon'
import { get } from './lib.js'

// The stress run's request mix: every route, every filter, the errors, and
// cache-busting searches. The load phase of npm run test:stress, the container's
// memory check (load.ts) and the scale test all send this mix.

// autocannon ships no types, and bench/ declares only the part it uses.
export type CannonRequest = {
  method?: string
  path: string
  setupRequest?: (request: CannonRequest) => CannonRequest
}
export type CannonResult = {
  requests: { total: number; average: number }
  latency: { p50: number; p99: number; max: number }
  errors: number
  timeouts: number
  non2xx: number
  statusCodeStats: Record<string, { count: number }>
}
export const autocannon = autocannonUntyped as unknown as (options: {
  url: string
  connections: number
  duration: number
  timeout?: number
  requests: CannonRequest[]
}) => Promise<CannonResult>

/** The mix, built from what the server at origin holds (its ids and title words). */
export async function scenarios(origin: string): Promise<CannonRequest[]> {
  const list = JSON.parse((await get(`${origin}/v1/resources?limit=100`)).body)
  const ids: string[] = list.data.map((resource: { id: string }) => resource.id)
  const words: string[] = list.data.flatMap((resource: { title: string }) =>
    resource.title.toLowerCase().match(/[a-z]{3,}/g),
  )
  const next = JSON.parse((await get(`${origin}/v1/resources?limit=5&sort=title`)).body).links.next
  const pick = <T>(items: T[]): T => items[Math.floor(Math.random() * items.length)] as T
  const paths = [
    '/v1',
    '/v1/resources',
    '/v1/resources?category=general',
    '/v1/resources?category=Python%20images,core',
    '/v1/resources?tag=django',
    '/v1/resources?tag=flask,nginx&sort=-title',
    '/v1/resources?host=github.com',
    '/v1/resources?q=docker',
    '/v1/resources?q=djan',
    '/v1/resources?q=python%20docker&sort=relevance&limit=5',
    '/v1/resources?limit=100',
    '/v1/resources?limit=5&offset=10',
    next,
    `/v1/resources/${ids[0]}`,
    '/v1/categories',
    '/v1/categories/general',
    '/v1/categories/python-specific/resources?q=flask',
    '/v1/tags',
    '/healthz',
    '/readyz',
    '/openapi.json',
    '/docs/',
    // Expected 4xx: a load of mistakes must not cost more than a load of hits.
    '/v1/resources?limit=1000',
    '/v1/resources?nope=1',
    '/v1/resources/no-such-id',
    '/v1/categories/nothing',
    '/nothing/here',
  ]
  const requests: CannonRequest[] = paths.map((path) => ({ method: 'GET', path }))
  // Cache-busting variety: searches and pages the response cache has not seen.
  requests.push(
    { method: 'GET', path: '/', setupRequest: (r) => ({ ...r, path: `/v1/resources/${pick(ids)}` }) },
    {
      method: 'GET',
      path: '/',
      setupRequest: (r) => ({
        ...r,
        path: `/v1/resources?q=${pick(words)}%20${pick(words)}&limit=${1 + Math.floor(Math.random() * 100)}`,
      }),
    },
    // (No HEAD: autocannon waits for a body a HEAD answer never has.)
    { method: 'DELETE', path: '/v1/resources' },
  )
  return requests
}

/** How many answers had a 5xx status. */
export function countFiveHundreds(result: CannonResult): number {
  return Object.entries(result.statusCodeStats)
    .filter(([code]) => Number(code) >= 500)
    .reduce((sum, [, stats]) => sum + stats.count, 0)
}
