import { spawnSync } from 'node:child_process'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { runParse } from '../../seed/parse.js'
import { type ParsedPage, ParsedPageSchema } from '../../src/ingest/record.js'
import { corpusDir, corpusPages, lineOf, repoRoot } from './helpers.js'

function parseCli(...files: string[]) {
  const result = spawnSync(process.execPath, ['--import', 'tsx', 'seed/parse.ts', ...files], {
    cwd: repoRoot,
    encoding: 'utf8',
    timeout: 30_000,
  })
  return { status: result.status, stdout: result.stdout, stderr: result.stderr }
}

function pages(stdout: string): ParsedPage[] {
  const json: unknown = JSON.parse(stdout)
  expect(Array.isArray(json)).toBe(true)
  return (json as unknown[]).map((page) => ParsedPageSchema.parse(page))
}

describe('seed/parse.ts', () => {
  it('parses the Docker page by default: exit 0, pretty JSON with 33 resources', () => {
    const { status, stdout, stderr } = parseCli()
    expect(stderr).toBe('')
    expect(status).toBe(0)
    expect(stdout).toMatch(/^\[\n {2}\{\n {4}"page": \{/)
    const [docker, ...rest] = pages(stdout)
    expect(rest).toEqual([])
    expect(docker?.page).toEqual({ file: 'seed/docker.markdown', slug: 'docker', title: 'Docker' })
    expect(docker?.resources).toHaveLength(33)
    expect(docker?.categories.map((c) => [c.slug, c.count])).toEqual([
      ['core', 2],
      ['python-images', 2],
      ['general', 13],
      ['python-specific', 16],
    ])
    expect(Object.keys(docker ?? {})).toEqual(['page', 'categories', 'resources', 'tags', 'problems'])
  })

  it('prints pages with invalid items and their problems, and still exits 0', () => {
    const file = 'test/fixtures/awkward.markdown'
    const { status, stdout } = parseCli('seed/docker.markdown', file, 'test/fixtures/no-resources.markdown')
    expect(status).toBe(0)
    const [docker, awkward, empty] = pages(stdout)
    expect(docker?.problems).toEqual([])
    expect(awkward?.resources).toHaveLength(14)
    expect(awkward?.problems.map((p) => [p.file, p.line])).toEqual([
      [file, lineOf(file, '[Missing host]')],
      [file, lineOf(file, '[Typo scheme]')],
      [file, lineOf(file, 'empty-title.example.com')],
    ])
    expect(empty?.problems).toEqual([
      { file: 'test/fixtures/no-resources.markdown', line: 0, message: 'no resources found' },
    ])
  })

  it('fails on a file without front matter: stderr names file and line, stdout stays empty', () => {
    const { status, stdout, stderr } = parseCli(
      'seed/docker.markdown',
      'test/fixtures/no-front-matter.markdown',
    )
    expect(status).not.toBe(0)
    expect(stdout).toBe('')
    expect(stderr).toContain('test/fixtures/no-front-matter.markdown:2: not a page: missing front matter')
  })

  it('fails on a missing file, naming it', () => {
    const { status, stdout, stderr } = parseCli('test/fixtures/missing.markdown')
    expect(status).not.toBe(0)
    expect(stdout).toBe('')
    expect(stderr).toContain('test/fixtures/missing.markdown: cannot read page')
  })

  it('is importable without running: runParse returns the exit code', () => {
    let out = ''
    let err = ''
    const io = { stdout: (text: string) => (out += text), stderr: (text: string) => (err += text) }
    expect(runParse(['test/fixtures/mapped.markdown'], io)).toBe(0)
    expect(pages(out)[0]?.resources).toHaveLength(3)
    expect(err).toBe('')
  })

  it.skipIf(corpusPages.length === 0)(
    'parses every corpus page (skipped when the corpus folder is missing)',
    () => {
      const files = corpusPages.map((name) => join(corpusDir, name))
      const { status, stdout, stderr } = parseCli(...files)
      expect(stderr).toBe('')
      expect(status).toBe(0)
      const parsed = pages(stdout)
      expect(parsed.map((page) => page.page.file)).toEqual(files)
      for (const page of parsed) expect(page.resources.length).toBeGreaterThan(0)
    },
  )
})
