import { copyFileSync, readdirSync, readFileSync } from 'node:fs'
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { join } from 'node:path'
import { gzipSync } from 'node:zlib'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { resourceId } from '../../src/ingest/normalize-url.js'
import { tempDir } from '../helpers/temp-dir.js'
import { runCli } from './helpers/cli.js'

// `npm run update-page` against a local stand-in for the upstream repository: it
// serves the real page with a few edits, an HTML page, another page of the site and
// a 404. The local page is always a copy in a temp folder.

let server: Server
let base: string
let dir: string
let cleanup: () => void
let copies = 0
const original = readFileSync('seed/docker.markdown', 'utf8')

const REMOVED = 'https://www.ctl.io/developers/blog/post/what-is-docker-and-when-to-use-it/'
const ADDED = 'https://docs.docker.com/get-started/'
const upstream = original
  // A title and a description edited, a resource dropped, one added, and a URL moved to https (same id).
  .replace('[Beginners guide to Docker]', '[A beginners guide to Docker]')
  .replace('repository and tutorial that shows', 'tutorial that shows')
  .replace(/\* \[What is Docker and When to Use It\][\s\S]*?conceptually\.\n\n/, '')
  .replace('http://prakhar.me/docker-curriculum/', 'https://prakhar.me/docker-curriculum/')
  .replace(
    '## Docker resources\n',
    `## Docker resources\n* [Get started](${ADDED}) is the official tutorial.\n\n`,
  )

beforeAll(async () => {
  ;({ dir, cleanup } = tempDir('links-update-'))
  server = createServer((request, response) => {
    if (request.url === '/docker.markdown') {
      response.writeHead(200, { 'content-type': 'text/plain; charset=utf-8', 'content-encoding': 'gzip' })
      response.end(gzipSync(upstream))
    } else if (request.url === '/moved') {
      response.writeHead(301, { location: '/docker.markdown' })
      response.end()
    } else if (request.url === '/bad-redirect') {
      response.writeHead(302, { location: 'http://[::1' })
      response.end()
    } else if (request.url === '/same.markdown') {
      response.writeHead(200, { 'content-type': 'text/plain; charset=utf-8' })
      response.end(original)
    } else if (request.url === '/html') {
      response.writeHead(200, { 'content-type': 'text/html' })
      response.end('<!DOCTYPE html>\n<html><body>Rate limit exceeded</body></html>\n')
    } else if (request.url === '/flask.markdown') {
      response.writeHead(200, { 'content-type': 'text/plain' })
      response.end(
        'title: Flask\nslug: flask\n\n* [Flask](https://flask.palletsprojects.com/) is a framework.\n',
      )
    } else {
      response.writeHead(404)
      response.end('404: Not Found')
    }
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
})

afterAll(async () => {
  await new Promise((resolve) => server.close(resolve))
  cleanup()
})

function localPage(): string {
  const file = join(dir, `docker-${++copies}.markdown`)
  copyFileSync('seed/docker.markdown', file)
  copyFileSync('seed/docker.categories.json', file.replace(/\.markdown$/, '.categories.json'))
  return file
}

function update(...args: string[]) {
  return runCli('seed/update-page.ts', args)
}

describe('npm run update-page', () => {
  it('prints the resource-level diff and writes nothing without --write', async () => {
    const page = localPage()
    const result = await update('--from', `${base}/moved`, '--page', page)
    expect(result.stderr).toBe('')
    expect(result.code).toBe(0)
    const prakhar = resourceId('http://prakhar.me/docker-curriculum/')
    expect(result.stdout.split('\n')).toEqual([
      `${base}/moved: 33 resources; ${page}: 33 resources`,
      'added (1):',
      `  + ${resourceId(ADDED)}  [general] "Get started"`,
      `      ${ADDED}`,
      'removed (1):',
      `  - ${resourceId(REMOVED)}  [general] "What is Docker and When to Use It"`,
      `      ${REMOVED}`,
      'changed (3):',
      `  ~ ${resourceId('https://www.learncloudnative.com/blog/2020-04-29-beginners-guide-to-docker/')}`,
      '      title: "Beginners guide to Docker" -> "A beginners guide to Docker"',
      // The description is the item's whole text, title included; long ones are cut at 100 characters.
      '      description: "Beginners guide to Docker explains what it is, the difference between containers and virtual machin…" -> "A beginners guide to Docker explains what it is, the difference between containers and virtual mach…"',
      `  ~ ${resourceId('https://github.com/Fewbytes/rubber-docker')}`,
      '      description: "rubber-docker is an open source repository and tutorial that shows you how to recreate a simplified…" -> "rubber-docker is an open source tutorial that shows you how to recreate a simplified version of Doc…"',
      `  ~ ${prakhar}`,
      '      url: "http://prakhar.me/docker-curriculum/" -> "https://prakhar.me/docker-curriculum/"',
      'unchanged: 29',
      `Nothing was written; run again with --write to replace ${page}.`,
      '',
    ])
    expect(readFileSync(page, 'utf8')).toBe(original)
  })

  it('--write replaces the page with the fetched text, atomically', async () => {
    const page = localPage()
    const result = await update('--from', `${base}/docker.markdown`, '--page', page, '--write')
    expect(result.code).toBe(0)
    expect(result.stdout).toContain(`Wrote ${page}. Next: npm run check-links, review, then npm run seed.\n`)
    expect(readFileSync(page, 'utf8')).toBe(upstream)
    expect(readdirSync(dir).filter((name) => name.includes('.writing-'))).toEqual([])
  })

  it('an unchanged upstream page: says so', async () => {
    const page = localPage()
    const result = await update('--from', `${base}/same.markdown`, '--page', page, '--write')
    expect(result.code).toBe(0)
    expect(result.stdout).toBe(
      `${base}/same.markdown: 33 resources; ${page}: 33 resources\nunchanged: 33\n${page} is already the same as the upstream page.\n`,
    )
  })

  it.each([
    [
      '/html',
      'is not a page of this format: line 1: not a page: missing front matter (expected "title: ..." lines at the top)',
    ],
    ['/flask.markdown', 'is the page "flask", not "docker"'],
  ])('refuses an answer that is not the page (%s), writing nothing', async (path, reason) => {
    const page = localPage()
    const result = await update('--from', `${base}${path}`, '--page', page, '--write')
    expect(result.code).toBe(1)
    expect(result.stdout).toBe('')
    expect(result.stderr).toBe(`update-page: refused: ${base}${path} ${reason}; nothing was written\n`)
    expect(readFileSync(page, 'utf8')).toBe(original)
  })

  it('a failed fetch: exit 1 with the status', async () => {
    const result = await update('--from', `${base}/nothing-here`, '--page', localPage())
    expect(result.code).toBe(1)
    expect(result.stderr).toBe(`update-page: cannot fetch ${base}/nothing-here: HTTP 404 Not Found\n`)
  })

  it('a redirect to a URL that cannot be parsed: exit 1 with one line', async () => {
    const result = await update('--from', `${base}/bad-redirect`, '--page', localPage())
    expect(result.code).toBe(1)
    expect(result.stderr).toBe(
      `update-page: cannot fetch ${base}/bad-redirect: redirected to an invalid URL (http://[::1)\n`,
    )
  })

  it('bad usage: exit 2', async () => {
    const result = await update('--from', 'ftp://example.invalid/page')
    expect(result.code).toBe(2)
    expect(result.stderr).toBe('update-page: --from must be an http(s) URL\n')
  })
})
