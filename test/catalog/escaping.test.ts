import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { defaultSeedPage } from '../../src/paths.js'
import { startTestApp, type TestApp } from '../helpers/app.js'
import { attr, byClass, byId, byTag, parseHtml, text } from './dom.js'
import { HOSTILE_HEADING as HEADING, HOSTILE_PAGE, QUOTES_TITLE, SCRIPT_TITLE } from './pages.js'
import { QUIET } from './server.js'

// A page whose titles, descriptions and section heading hold <script>, markup,
// quotes and ampersands (test/fixtures/hostile.markdown), seeded beside the Docker
// page: on the catalog every one of them is text, shown as written. The browser
// test (browser.test.ts) checks the same page in Chromium: nothing runs.

let t: TestApp
beforeAll(async () => {
  t = await startTestApp(QUIET, [defaultSeedPage, HOSTILE_PAGE])
})
afterAll(async () => {
  await t.close()
})

describe('titles, descriptions and names are text, never markup', () => {
  it('shows each hostile title and description as written, with no element made from it', async () => {
    const response = await t.http().get('/?host=hostile.example.com').expect(200)
    const doc = parseHtml(response.text)
    expect(byClass(doc, 'card-title').map(text)).toEqual([SCRIPT_TITLE, QUOTES_TITLE, 'Plain title'])
    expect(byClass(doc, 'card-text').map(text)).toEqual([
      `${SCRIPT_TITLE} shows <img src=x onerror="window.pwned=2"> and "quotes" & 'apostrophes' & ampersands.`,
      `${QUOTES_TITLE} covers </textarea><svg onload=window.pwned=3> and a closing </mark> tag.`,
      'Plain title has a description with javascript:alert(1) and "><script>window.pwned=4</script> in it.',
    ])
    // The one script element is the page's own; no img, svg, b or textarea came in.
    expect(byTag(doc, 'script')).toHaveLength(1)
    for (const tag of ['img', 'svg', 'b', 'textarea', 'mark']) expect(byTag(doc, tag), tag).toHaveLength(0)
    expect(response.text).toContain(
      '&lt;script&gt;window.pwned = 1&lt;/script&gt; Docker &amp; &quot;Compose&quot; tips',
    )
  })

  it('escapes a category name in its chip, in the card and in the current filter', async () => {
    const response = await t.http().get('/?category=hostile-quoted-b-text-b').expect(200)
    const doc = parseHtml(response.text)
    expect(text(byId(doc, 'active-filters'))).toContain(`Category: ${HEADING}`)
    const chip = byClass(doc, 'selected')[0]
    expect(chip && text(chip)).toBe(`✓ ${HEADING} 3 resources, selected`)
    expect(byClass(doc, 'card-meta').map(text)).toEqual(Array(3).fill(`hostile.example.com · ${HEADING}`))
    expect(byTag(doc, 'b')).toHaveLength(0)
    const hidden = byTag(byId(doc, 'search'), 'input').find((input) => attr(input, 'name') === 'category')
    expect(hidden && attr(hidden, 'value')).toBe('hostile-quoted-b-text-b')
  })

  it('marks search matches inside escaped text, and only the marks are markup', async () => {
    const response = await t.http().get('/?q=apostrophes').expect(200)
    const doc = parseHtml(response.text)
    expect(byClass(doc, 'card-title').map(text)).toEqual([SCRIPT_TITLE])
    const marks = byTag(doc, 'mark').map(text)
    expect(marks).toEqual(['apostrophes'])
    expect(response.text).toContain('&#39;<mark>apostrophes</mark>&#39;')
    expect(byTag(doc, 'script')).toHaveLength(1)
  })

  it('escapes the search itself wherever it is shown: box, count, chip and title', async () => {
    const q = '"><script>window.pwned=5</script>&amp;'
    const response = await t
      .http()
      .get(`/?q=${encodeURIComponent(q)}`)
      .expect(200)
    const doc = parseHtml(response.text)
    expect(attr(byId(doc, 'q'), 'value')).toBe(q)
    expect(text(byId(doc, 'result-count'))).toMatch(/found for “"><script>window\.pwned=5<\/script>&amp;”$/)
    expect(text(byTag(doc, 'title')[0] ?? doc)).toContain(`“${q}”`)
    expect(byTag(doc, 'script')).toHaveLength(1)
  })
})
