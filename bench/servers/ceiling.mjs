// The ceiling: a bare Fastify app that answers each benchmark scenario with the
// exact status, headers and body bytes the API produced, looked up by URL and
// If-None-Match. Nothing in Node answers an HTTP request with less work, so the
// API's throughput is reported as a fraction of this one's. Started with no
// fixture file, it is also the "bare Fastify app" of the start-up comparison.
import { readFileSync } from 'node:fs'
import Fastify from 'fastify'

const fixturePath = process.argv[2]
const answers = new Map()
for (const answer of fixturePath ? JSON.parse(readFileSync(fixturePath, 'utf8')) : []) {
  answers.set(`${answer.url}\n${answer.ifNoneMatch ?? ''}`, {
    status: answer.status,
    headers: answer.headers,
    body: answer.status === 304 ? undefined : Buffer.from(answer.body, 'base64'),
  })
}

const app = Fastify()
app.get('*', (request, reply) => {
  const answer = answers.get(`${request.url}\n${request.headers['if-none-match'] ?? ''}`)
  if (answer === undefined) return reply.send({ hello: 'world' })
  return reply.code(answer.status).headers(answer.headers).send(answer.body)
})
await app.listen({ port: Number(process.env.PORT ?? 3000), host: process.env.HOST ?? '127.0.0.1' })
// A normal exit on SIGTERM, so `node --cpu-prof` writes its profile (the bench
// itself ends servers with SIGKILL).
process.once('SIGTERM', () => app.close().then(() => process.exit(0)))
