import { readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { runCheckLinks } from '../../seed/check-links.js'
import { type LinkStatusEntry, readLinkStatusFile, uncheckedEntry } from '../../src/ingest/link-status.js'
import { resourceId } from '../../src/ingest/normalize-url.js'
import { serializeEntries } from '../../src/links/status-file.js'
import { tempDir } from '../helpers/temp-dir.js'
import { runCli, startCli, waitForStderr } from './helpers/cli.js'
import { type Fixture, startFixture } from './helpers/fixture-server.js'

// `npm run check-links` as a real process against loopback sites: two hosts on
// 127.0.0.2 and 127.0.0.3, the archive on 127.0.0.4, and nothing listening on
// 127.0.0.5:1. Only IP addresses, so no name is ever looked up.

let siteA: Fixture
let siteB: Fixture
let archive: Fixture
let A: string
let B: string
let W: string
let dir: string
let cleanup: () => void
let count = 0
const REFUSED = 'http://127.0.0.5:1/nothing'

beforeAll(async () => {
  ;({ dir, cleanup } = tempDir('links-cli-'))
  siteA = await startFixture({ address: '127.0.0.2' })
  siteB = await startFixture({ address: '127.0.0.3' })
  archive = await startFixture({ address: '127.0.0.4' })
  A = `http://127.0.0.2:${siteA.httpPort}`
  B = `http://127.0.0.3:${siteB.httpPort}`
  W = `http://127.0.0.4:${archive.httpPort}`
  archive.archive.set(`${B}/missing`, [['20190101000000', `${B}/missing`]])
})

afterAll(async () => {
  await Promise.all([siteA.close(), siteB.close(), archive.close()])
  cleanup()
})

function page(items: string[], intro = `[Intro](${A}/ok) is fine.`): string {
  const file = join(dir, `page-${++count}.markdown`)
  writeFileSync(
    file,
    ['title: Fixture', 'slug: fixture', '', intro, '', '## Things', ...items, ''].join('\n'),
  )
  return file
}

function standardPage(): string {
  return page([
    `* [Moved for good](${A}/moved) has moved.`,
    `* [Moved for now](${A}/found) is elsewhere.`,
    `* [Missing](${B}/missing) is gone.`,
    `* [Forbidden](${B}/forbidden) refuses robots.`,
    `* [Refused](${REFUSED}) is down.`,
    `* [Slash](${A}/slash) wants a slash.`,
  ])
}

function check(file: string, out: string, ...args: string[]) {
  return runCli('seed/check-links.ts', ['--page', file, '--out', out, '--host-interval', '0', ...args], {
    WAYBACK_URL: W,
  })
}

/** The same entry point in this process, for the cases that end before any request. */
async function inProcess(args: string[], env: Record<string, string> = {}) {
  let stdout = ''
  let stderr = ''
  const code = await runCheckLinks(
    args,
    { WAYBACK_URL: 'http://127.0.0.1:9', ...env },
    {
      stdout: { write: (text: string) => (stdout += text) },
      stderr: { write: (text: string) => (stderr += text) },
    },
  )
  return { code, stdout, stderr }
}

const outFile = () => join(dir, `status-${++count}.json`)
const timing = (text: string) => text.replace(/ in \d+(\.\d+)? m?s/, ' in T')

describe('a run', () => {
  it('prints a line per link, the summary and the links to look at; writes the status file; exit 0', async () => {
    const file = standardPage()
    const out = outFile()
    const result = await check(file, out)
    expect(result.code).toBe(0)
    expect(timing(result.stdout)).toBe(
      [
        `Checked 7 links on ${file} in T: 7 asked.`,
        '  ok             2',
        '  redirected     2  (1 permanent: see --apply-redirects)',
        '  broken         1',
        '  blocked        1',
        '  unreachable    1  (may pass by itself: see consecutiveFailures)',
        '  unchecked      0',
        '',
        'Needs a look:',
        `  ${file}:7  redirected  ${A}/moved`,
        `      moved to ${A}/new-home (301, permanent)`,
        `  ${file}:8  redirected  ${A}/found`,
        `      moved to ${A}/new-home (302)`,
        `  ${file}:9  broken      ${B}/missing`,
        `      HTTP 404 Not Found; archived copy: ${W}/web/20190101000000/${B}/missing`,
        `  ${file}:10  blocked     ${B}/forbidden`,
        '      HTTP 403 Forbidden: the site refuses automated requests',
        `  ${file}:11  unreachable ${REFUSED}`,
        '      connection refused (ECONNREFUSED)',
        '',
      ].join('\n'),
    )
    // Plain lines when stderr is not a terminal; the order is the order links finish.
    const lines = result.stderr.trim().split('\n')
    expect(lines.at(-1)).toBe(`Wrote ${out} (7 entries).`)
    const progress = lines.slice(0, -1)
    expect(progress.map((line) => /^\[(\d)\/7\]/.exec(line)?.[1])).toEqual([
      '1',
      '2',
      '3',
      '4',
      '5',
      '6',
      '7',
    ])
    expect(progress.map((line) => line.replace(/^\[\d\/7\] /, '')).sort()).toEqual(
      [
        `200 ok          ${A}/ok`,
        `200 ok          ${A}/slash`,
        `200 redirected  ${A}/moved -> ${A}/new-home`,
        `200 redirected  ${A}/found -> ${A}/new-home`,
        `404 broken      ${B}/missing - HTTP 404 Not Found`,
        `403 blocked     ${B}/forbidden - HTTP 403 Forbidden: the site refuses automated requests`,
        `--- unreachable ${REFUSED} - connection refused (ECONNREFUSED)`,
      ].sort(),
    )
    const entries = readLinkStatusFile(out) ?? []
    expect(entries.map((entry) => [entry.url, entry.status, entry.consecutiveFailures])).toEqual(
      [
        [REFUSED, 'unreachable', 1],
        [`${A}/found`, 'redirected', 0],
        [`${A}/moved`, 'redirected', 0],
        [`${A}/ok`, 'ok', 0],
        [`${A}/slash`, 'ok', 0],
        [`${B}/forbidden`, 'blocked', 1],
        [`${B}/missing`, 'broken', 1],
      ].sort((a, b) => (String(a[0]) < String(b[0]) ? -1 : 1)),
    )
    expect(readFileSync(out, 'utf8')).toBe(serializeEntries(entries))
  })

  it('--report json prints the whole result on stdout, the summary on stderr', async () => {
    const file = standardPage()
    const result = await check(file, outFile(), '--report', 'json')
    expect(result.code).toBe(0)
    const report = JSON.parse(result.stdout)
    expect(report.summary).toEqual({
      ok: 2,
      redirected: 2,
      broken: 1,
      blocked: 1,
      unreachable: 1,
      unchecked: 0,
    })
    expect(report.links).toHaveLength(7)
    expect(report.links[3]).toMatchObject({
      page: file,
      line: 9,
      title: 'Missing',
      resourceId: resourceId(`${B}/missing`),
      asked: true,
      url: `${B}/missing`,
      status: 'broken',
      httpStatus: 404,
      archiveUrl: `${W}/web/20190101000000/${B}/missing`,
    })
    expect(result.stderr).toContain('  broken         1\n')
  })

  it('--report markdown prints a table of every link that is not ok', async () => {
    const file = standardPage()
    const result = await check(file, outFile(), '--report', 'markdown', '--no-archive')
    expect(result.code).toBe(0)
    const [heading, blank, ...table] = result.stdout.trimEnd().split('\n')
    expect(heading).toMatch(
      new RegExp(
        `^\\*\\*Link check\\*\\* of \`${file}\`, \\d{4}-.+Z: 7 links: 2 ok, 2 redirected, 1 broken, 1 blocked, 1 unreachable\\.$`,
      ),
    )
    expect(blank).toBe('')
    expect(table).toEqual([
      '| Line | Title | Status | HTTP | Final URL or archived copy |',
      '| --- | --- | --- | --- | --- |',
      `| ${file}:7 | [Moved for good](<${A}/moved>) | redirected (permanent) | 200 | moved to ${A}/new-home (301, permanent) |`,
      `| ${file}:8 | [Moved for now](<${A}/found>) | redirected | 200 | moved to ${A}/new-home (302) |`,
      `| ${file}:9 | [Missing](<${B}/missing>) | broken | 404 | HTTP 404 Not Found |`,
      `| ${file}:10 | [Forbidden](<${B}/forbidden>) | blocked | 403 | HTTP 403 Forbidden: the site refuses automated requests |`,
      `| ${file}:11 | [Refused](<${REFUSED}>) | unreachable |  | connection refused (ECONNREFUSED) |`,
    ])
  })

  it('--exclude leaves matching URLs unchecked and never asks them', async () => {
    const file = page([`* [Forbidden](${B}/forbidden?excluded) refuses robots.`])
    const out = outFile()
    const asked = siteB.requests.length
    const result = await check(file, out, '--exclude', 'excluded$', '--exclude', '^http://nothing')
    expect(result.code).toBe(0)
    expect(timing(result.stdout)).toContain(`Checked 2 links on ${file} in T: 1 asked, 1 excluded.`)
    expect(readLinkStatusFile(out)?.find((entry) => entry.url.endsWith('excluded'))).toEqual(
      uncheckedEntry(`${B}/forbidden?excluded`),
    )
    expect(siteB.requests.length).toBe(asked)
  })
})

describe('exit codes', () => {
  it('--fail-on: 1 when a named status was found, 0 when none was', async () => {
    const file = standardPage()
    const out = outFile()
    const failed = await check(file, out, '--fail-on', 'broken,blocked', '--fail-on', 'unchecked')
    expect(failed.code).toBe(1)
    expect(failed.stderr.trim().split('\n').at(-1)).toBe(
      'check-links: found 1 broken, 1 blocked (--fail-on broken,blocked,unchecked)',
    )
    const passed = await check(file, out, '--fail-on', 'unchecked')
    expect(passed.code).toBe(0)
  })

  it.each([
    [['--timeout', 'soon'], 'check-links: --timeout must be a number of seconds'],
    [['--concurrency', '0'], 'check-links: --concurrency must be from 1 to 64 requests'],
    [
      ['--max-age', '1 day'],
      'check-links: --max-age must be a duration such as 24h, 90m, 7d or 0 (got "1 day")',
    ],
    [['--report', 'html'], 'check-links: --report must be text, json or markdown'],
    [
      ['--exclude', '(unclosed'],
      'check-links: --exclude (unclosed: Invalid regular expression: /(unclosed/: Unterminated group',
    ],
    [
      ['--fail-on', 'dead'],
      'check-links: --fail-on: unknown status dead (one or more of ok, redirected, broken, blocked, unreachable, unchecked)',
    ],
  ])('bad usage %j: exit 2 with one line, nothing written', async (args, message) => {
    const out = outFile()
    const result = await inProcess(['--page', standardPage(), '--out', out, ...args])
    expect(result.code).toBe(2)
    expect(result.stdout).toBe('')
    expect(result.stderr).toBe(`${message}\n`)
    expect(readLinkStatusFile(out)).toBeUndefined()
  })

  it('an unknown option, as a real process: exit 2 with one line', async () => {
    const result = await check(standardPage(), outFile(), '--frobnicate')
    expect(result.code).toBe(2)
    expect(result.stdout).toBe('')
    expect(result.stderr).toBe("check-links: Unknown option '--frobnicate'\n")
  })

  it('a bad WAYBACK_URL: exit 2', async () => {
    const result = await inProcess(['--page', standardPage(), '--out', outFile()], {
      WAYBACK_URL: 'ftp://archive',
    })
    expect(result.code).toBe(2)
    expect(result.stderr).toBe('check-links: WAYBACK_URL must be an http(s) URL\n')
  })

  it('an unreadable page, a page that is not one, a malformed status file: exit 2, the file untouched', async () => {
    const missing = await inProcess(['--page', join(dir, 'nope.markdown'), '--out', outFile()])
    expect(missing.code).toBe(2)
    expect(missing.stderr).toMatch(/^check-links: .*nope\.markdown: cannot read page: ENOENT[^\n]*\n$/)
    const notAPage = join(dir, 'not-a-page.markdown')
    writeFileSync(notAPage, '<!doctype html>\n<p>hello</p>\n')
    const format = await inProcess(['--page', notAPage, '--out', outFile()])
    expect(format.code).toBe(2)
    expect(format.stderr).toBe(
      `check-links: ${notAPage}:1: not a page: missing front matter (expected "title: ..." lines at the top)\n`,
    )
    const out = outFile()
    writeFileSync(out, '[{"url": "http://x.example/", "status": "fine"}]\n')
    const malformed = await inProcess(['--page', standardPage(), '--out', out])
    expect(malformed.code).toBe(2)
    expect(malformed.stderr).toMatch(
      new RegExp(`^check-links: ${out}:1: invalid link status file: entry 1 \\(http://x.example/\\)`),
    )
    expect(readFileSync(out, 'utf8')).toBe('[{"url": "http://x.example/", "status": "fine"}]\n')
  })
})

describe('--apply-redirects', () => {
  it('rewrites each permanent redirect to where its permanent hops lead, changing no other byte', async () => {
    const file = page([
      `* [Moved for good](${A}/moved) has moved,\r`,
      `  and [is also linked](${A}/moved "twice") here.`,
      `* [Moved for now](${A}/found) stays.`,
      `* [Members](${A}/moved-then-login) moved, then asks for a login.`,
      `* [Temporarily moved](${A}/found-then-moved) keeps its address.`,
      `* [Deep](${A}/deep/article) went to the home page.`,
      `* <a href="${A}/slash">Slash</a> gains a slash.`,
      `* [Prefix](${A}/moved/too) is a longer URL that stays.`,
    ])
    const before = readFileSync(file, 'utf8')
    const out = outFile()
    const result = await check(file, out, '--apply-redirects')
    expect(result.code).toBe(0)
    const after = readFileSync(file, 'utf8')
    const expected = before
      .replace(`(${A}/moved) has`, `(${A}/new-home) has`)
      .replace(`(${A}/moved "twice")`, `(${A}/new-home "twice")`)
      .replace(`(${A}/moved-then-login)`, `(${A}/members)`)
      .replace(`"${A}/slash"`, `"${A}/slash/"`)
    expect(after).toBe(expected)
    expect(after).toContain('has moved,\r\n')
    const report = result.stdout.slice(result.stdout.indexOf('\nRewrote'))
    expect(report.slice(0, report.indexOf('Checked'))).toBe(
      [
        '',
        `Rewrote 4 line(s) of ${file}:`,
        `${file}:7: * [Moved for good](${A}/new-home) has moved,`,
        `    ${A}/moved -> ${A}/new-home`,
        `    new id ${resourceId(`${A}/new-home`)} (was ${resourceId(`${A}/moved`)}): ids come from URLs, so links to the old id break`,
        `${file}:8:   and [is also linked](${A}/new-home "twice") here.`,
        `    ${A}/moved -> ${A}/new-home`,
        `    new id ${resourceId(`${A}/new-home`)} (was ${resourceId(`${A}/moved`)}): ids come from URLs, so links to the old id break`,
        `${file}:10: * [Members](${A}/members) moved, then asks for a login.`,
        `    ${A}/moved-then-login -> ${A}/members`,
        `    new id ${resourceId(`${A}/members`)} (was ${resourceId(`${A}/moved-then-login`)}): ids come from URLs, so links to the old id break`,
        `${file}:13: * <a href="${A}/slash/">Slash</a> gains a slash.`,
        `    ${A}/slash -> ${A}/slash/`,
        `    id unchanged: ${resourceId(`${A}/slash`)}`,
        `Left as it is: ${A}/found-then-moved (its first hop is a temporary 302)`,
        `Left as it is: ${A}/deep/article (it looks like a soft 404: check it by hand)`,
        '',
      ].join('\n'),
    )
    // The status file follows the page: the new URLs carry what was seen of them.
    const entries = new Map((readLinkStatusFile(out) ?? []).map((entry) => [entry.url, entry]))
    expect(entries.has(`${A}/moved`)).toBe(false)
    expect(entries.get(`${A}/new-home`)).toMatchObject({ status: 'ok', redirects: [], finalUrl: null })
    expect(entries.get(`${A}/members`)).toMatchObject({
      status: 'redirected',
      redirects: [{ status: 302, url: `${A}/new-home` }],
      permanent: false,
    })
    expect(entries.get(`${A}/slash/`)).toMatchObject({ status: 'ok', redirects: [] })
    expect(entries.get(`${A}/found`)?.status).toBe('redirected')
  })
})

describe('a run that stops part-way', () => {
  function interruptedSetup() {
    const file = page([`* [Hangs](${B}/hang) never answers.`], `[Fine](${A}/ok) answers.`)
    const out = outFile()
    const old = (url: string): LinkStatusEntry => ({
      ...uncheckedEntry(url),
      status: 'ok',
      httpStatus: 200,
      checkedAt: '2020-01-01T00:00:00.000Z',
    })
    const previous = [old(`${A}/ok`), old(`${B}/hang`), old(`${A}/removed-from-page`)]
    writeFileSync(out, serializeEntries(previous))
    const cli = startCli('seed/check-links.ts', [
      '--page',
      file,
      '--out',
      out,
      '--timeout',
      '60',
      '--host-interval',
      '0',
    ])
    return { out, previous, cli }
  }

  it('killed outright: the file holds the previous entries and every result already reported, nothing half-written', async () => {
    const { out, previous, cli } = interruptedSetup()
    await waitForStderr(cli, /\[1\/2\] 200 ok/)
    cli.child.kill('SIGKILL')
    const result = await cli.done
    expect(result.signal).toBe('SIGKILL')
    const entries = readLinkStatusFile(out) ?? []
    expect(entries.map((entry) => entry.url)).toEqual([`${A}/ok`, `${B}/hang`])
    expect(entries[0]?.checkedAt).not.toBe(previous[0]?.checkedAt)
    expect(entries[1]).toEqual(previous[1])
    expect(readdirSync(dir).filter((name) => name.includes('.writing-'))).toEqual([])
  })

  it('SIGTERM: says so, keeps what it learnt, exit 143', async () => {
    const { out, previous, cli } = interruptedSetup()
    await waitForStderr(cli, /\[1\/2\] 200 ok/)
    cli.child.kill('SIGTERM')
    const result = await cli.done
    expect(result.code).toBe(143)
    expect(result.stderr).toContain(`check-links: interrupted; the 1 result(s) it had are in ${out}\n`)
    const entries = readLinkStatusFile(out) ?? []
    expect(entries[1]).toEqual(previous[1])
    expect(entries[0]).toMatchObject({ url: `${A}/ok`, status: 'ok' })
  })
})

describe('the default paths', () => {
  it('--help names them and the exit codes', async () => {
    const result = await inProcess(['--help'])
    expect(result.code).toBe(0)
    expect(result.stdout).toContain('default seed/docker.markdown')
    expect(result.stdout).toContain('default seed/link-status.json')
    expect(result.stdout).toContain('Exit: 0 when it ran, 1 when --fail-on matched, 2 on bad usage')
  })
})
