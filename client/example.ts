import { type Client, createClient, type Problem, type Query, type ResourceList } from './index.js'

// The example of docs/typed-client.md, type-checked by `npm test` and run by
// test/client/example.test.ts, which also checks that the docs show this file and
// its output as they are.

/** One page of a resource search: the page, or the problem that explains why not. */
export async function loadPage(
  api: Client,
  filters: Query<'listResources'>,
  cursor?: string,
): Promise<{ page: ResourceList } | { problem: Problem }> {
  const { data, error } = await api.GET('/v1/resources', { params: { query: { ...filters, cursor } } })
  return error ? { problem: error } : { page: data }
}

export async function example(baseUrl: string, print: (line: string) => void) {
  const api = createClient(baseUrl)

  // Filters that take several values are arrays: sent as tag=django&tag=flask.
  const filters: Query<'listResources'> = { tag: ['django', 'flask'], sort: 'title', limit: 5 }
  let cursor: string | undefined
  do {
    const result = await loadPage(api, filters, cursor)
    if ('problem' in result) throw new Error(result.problem.detail)
    const { data, meta } = result.page
    print(`${meta.offset + 1}-${meta.offset + data.length} of ${meta.total}: ${data[0]?.title} …`)
    cursor = meta.nextCursor ?? undefined
  } while (cursor)

  // A mistake comes back as an RFC 9457 problem, typed like any answer.
  const result = await loadPage(api, { category: ['kubernetes'] })
  if ('problem' in result) {
    const { status, title, errors = [] } = result.problem
    print(`${status} ${title}`)
    for (const error of errors) print(`${error.param}: ${error.message}`)
  }
}
