import { mkdirSync } from 'node:fs'
import { join } from 'node:path'
import { AxeBuilder } from '@axe-core/playwright'
import type { Browser, BrowserContext, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { defaultSeedPage, projectRoot } from '../../src/paths.js'
import { CHROMIUM, hasChromium, JS_OFF, launchChromium, watchedPage } from '../helpers/chromium.js'
import { HOSTILE_PAGE, QUOTES_TITLE, SCRIPT_TITLE } from './pages.js'
import { type CatalogServer, startCatalogServer } from './server.js'

// The catalog page in a real headless Chromium, over a real listening server: with
// JavaScript off (everything works: search, chips, paging, exports) and on (search
// as you type renders what the server renders), under the page's CSP with no
// violation and no console error, clean for axe-core, usable at 375 px and from
// the keyboard. The run writes the screenshots docs/catalog-page.md shows.

if (!hasChromium)
  console.warn(`catalog browser tests skipped: ${CHROMIUM} not found (apt-get install -y chromium)`)

const IMAGES = join(projectRoot, 'docs', 'images')
const PHONE = { viewport: { width: 375, height: 812 }, isMobile: true, hasTouch: true }
/** For tests that run axe-core or many page loads: minutes on a busy 2-core machine. */
const SLOW = 120_000
const REGIONS = ['result-count', 'notice', 'active-filters', 'facets', 'result-list', 'pager', 'exports']

type ApiList = { data: { title: string }[]; meta: { total: number } }

let server: CatalogServer
let hostile: CatalogServer
/** The Docker page with test/fixtures/link-status.json: links of every status. */
let checked: CatalogServer
let browser: Browser
let jsOff: BrowserContext
let jsOn: BrowserContext

beforeAll(async () => {
  if (!hasChromium) return
  ;[server, hostile, checked, browser] = await Promise.all([
    startCatalogServer([defaultSeedPage]),
    startCatalogServer([defaultSeedPage, HOSTILE_PAGE]),
    startCatalogServer([defaultSeedPage], join(projectRoot, 'test', 'fixtures', 'link-status.json')),
    launchChromium(),
  ])
  jsOff = await browser.newContext({ ...JS_OFF, colorScheme: 'light' })
  jsOn = await browser.newContext({ colorScheme: 'light' })
})

afterAll(async () => {
  await browser?.close()
  await server?.close()
  await hostile?.close()
  await checked?.close()
})

async function api(query: string): Promise<ApiList> {
  const response = await fetch(`${server.origin}/v1/resources${query}`)
  expect(response.status).toBe(200)
  return (await response.json()) as ApiList
}

async function open(context: BrowserContext, path: string, origin = server.origin) {
  const watched = await watchedPage(context)
  const response = await watched.page.goto(`${origin}${path}`)
  return { ...watched, response }
}

/** Clicks a link and waits for the page it names. */
async function follow(page: Page, selector: string): Promise<void> {
  const link = page.locator(selector).first()
  const href = await link.getAttribute('href')
  await Promise.all([page.waitForURL(new URL(href ?? '', page.url()).href), link.click()])
}

function path(page: Page): string {
  const url = new URL(page.url())
  return url.pathname + url.search
}

/** The text of each match as a person reads it (a chip's parts are flex items, on lines of their own). */
async function texts(page: Page, selector: string): Promise<string[]> {
  return (await page.locator(selector).allInnerTexts()).map((text) => text.replace(/\s+/g, ' ').trim())
}

/** Waits for the count the script announces for a search. (The page's CSP forbids eval, so no waitForFunction.) */
async function countFor(page: Page, quoted: string): Promise<void> {
  await page.locator('#result-count', { hasText: quoted }).waitFor()
  await settled(page)
}

/** Waits until no search is in flight. */
async function settled(page: Page): Promise<void> {
  await page.locator('#results:not([aria-busy])').waitFor()
}

/** What a person sees and can follow in each region that the script re-renders. */
async function regions(page: Page): Promise<Record<string, { text: string; hrefs: string[] }>> {
  return page.evaluate(`Object.fromEntries(${JSON.stringify(REGIONS)}.map((id) => {
    const node = document.getElementById(id)
    return [id, {
      text: node && !node.hidden ? node.innerText.replace(/\\s+/g, ' ').trim() : '',
      hrefs: node ? [...node.querySelectorAll('a')].map((a) => a.getAttribute('href')) : [],
    }]
  }))`)
}

describe.skipIf(!hasChromium)('the catalog page in Chromium, JavaScript off', () => {
  it('searches with the form, and the result is a URL without the empty fields', async () => {
    const { page, problems } = await open(jsOff, '/')
    await page.fill('#q', 'django')
    await Promise.all([page.waitForURL(/\?q=django$/), page.press('#q', 'Enter')])
    const json = await api('?q=django')
    expect(await page.textContent('#result-count')).toBe(`${json.meta.total} resources found for “django”`)
    expect(await texts(page, '.card-title')).toEqual(json.data.map((resource) => resource.title))
    expect(await page.inputValue('#q')).toBe('django')
    expect(problems).toEqual([])
    await page.close()
  })

  it('toggles a category chip on and off, and removes a filter from the current filters', async () => {
    const { page, problems } = await open(jsOff, '/')
    await follow(page, '#facets a:has-text("Python-specific")')
    expect(path(page)).toBe('/?category=python-specific')
    expect(await page.textContent('#result-count')).toBe('16 resources match')
    expect(await texts(page, '#facets .selected')).toEqual(['✓ Python-specific 16 resources, selected'])
    await follow(page, '#facets a:has-text("Django")')
    expect(path(page)).toBe('/?category=python-specific&tag=django')
    await follow(page, '#active-filters a:has-text("Category: Python-specific")')
    expect(path(page)).toBe('/?tag=django')
    await follow(page, '#facets .selected')
    expect(path(page)).toBe('/')
    expect(await page.textContent('#result-count')).toBe('33 resources match')
    expect(problems).toEqual([])
    await page.close()
  })

  it('pages forward with the cursor and back again', async () => {
    const { page, problems } = await open(jsOff, '/?limit=10')
    const pager = () => page.textContent('#pager p')
    expect(await pager()).toBe('Showing 1–10 of 33')
    await follow(page, 'a[rel="next"]')
    expect(path(page)).toMatch(/^\/\?limit=10&cursor=/)
    expect(await pager()).toBe('Showing 11–20 of 33')
    await follow(page, 'a[rel="next"]')
    expect(await pager()).toBe('Showing 21–30 of 33')
    expect((await api('?limit=1&offset=20')).data[0]?.title).toBe((await texts(page, '.card-title'))[0])
    expect(await page.isVisible('a.first')).toBe(true)
    await follow(page, 'a[rel="prev"]')
    expect(await pager()).toBe('Showing 11–20 of 33')
    await follow(page, 'a[rel="prev"]')
    expect(path(page)).toBe('/?limit=10')
    expect(await pager()).toBe('Showing 1–10 of 33')
    expect(problems).toEqual([])
    await page.close()
  })

  it('links this view as JSON, CSV, NDJSON and Markdown, on every page of it', async () => {
    const { page, problems } = await open(jsOff, '/?q=docker&category=general&limit=5')
    await follow(page, 'a[rel="next"]')
    const links = await page.$$eval('#exports a', (anchors) =>
      anchors.map((a) => [a.textContent, a.getAttribute('href')]),
    )
    expect(links).toEqual([
      ['JSON', '/v1/resources?q=docker&category=general'],
      ['CSV', '/v1/resources?q=docker&category=general&format=csv'],
      ['NDJSON', '/v1/resources?q=docker&category=general&format=ndjson'],
      ['Markdown', '/v1/resources?q=docker&category=general&format=markdown'],
    ])
    // The JSON link answers this view's list.
    const json = await page.request.get(`${server.origin}${links[0]?.[1]}`)
    expect(((await json.json()) as ApiList).meta.total).toBe(
      (await api('?q=docker&category=general')).meta.total,
    )
    expect(problems).toEqual([])
    await page.close()
  })

  it('shows a refused view as a 400 page with the API message, and the form to fix it', async () => {
    const { page, problems, response } = await open(jsOff, '/?category=nope')
    expect(response?.status()).toBe(400)
    expect(await page.textContent('.problem-detail')).toBe(
      'category: unknown category "nope"; valid: core, python-images, general, python-specific',
    )
    await follow(page, '.problem a:has-text("general")')
    expect(await page.textContent('#result-count')).toBe('13 resources match')
    expect(problems).toEqual([
      `HTTP 400: ${server.origin}/?category=nope`,
      'console: Failed to load resource: the server responded with a status of 400 (Bad Request)',
    ])
    await page.close()
  })
})

describe.skipIf(!hasChromium)('the catalog page in Chromium, JavaScript on', () => {
  it('searches as you type from the JSON API, without reloading, keeping the URL shareable', async () => {
    const { page, problems } = await open(jsOn, '/')
    await page.waitForSelector('html[data-enhanced="true"]')
    await page.evaluate('window.stillHere = true')
    const fetched: string[] = []
    page.on('request', (request) => {
      if (request.resourceType() === 'fetch')
        fetched.push(new URL(request.url()).pathname + new URL(request.url()).search)
    })
    await page.locator('#q').pressSequentially('djan', { delay: 30 })
    const json = await api('?q=djan')
    await countFor(page, '“djan”')
    expect(await page.textContent('#result-count')).toBe(`${json.meta.total} resources found for “djan”`)
    expect(await texts(page, '.card-title')).toEqual(json.data.map((resource) => resource.title))
    expect(path(page)).toBe('/?q=djan')
    expect(await page.evaluate('window.stillHere')).toBe(true)
    expect(await page.title()).toBe('“djan” · Docker resources')
    // The last request asked for the whole word.
    expect(fetched.at(-1)).toBe('/v1/resources?q=djan')
    // Debounced: a burst of input (five events in one task) is one request.
    const before = fetched.length
    await page.evaluate(`(() => {
      const box = document.getElementById('q')
      for (const value of ['f', 'fl', 'fla', 'flas', 'flask']) {
        box.value = value
        box.dispatchEvent(new Event('input', { bubbles: true }))
      }
    })()`)
    await countFor(page, '“flask”')
    expect(fetched.slice(before)).toEqual(['/v1/resources?q=flask'])
    expect(await page.textContent('#q-hint')).toMatch(/last word/)
    expect(problems).toEqual([])
    await page.close()
  })

  it(
    'renders exactly what the server renders for the same URL',
    async () => {
      const { page, problems } = await open(jsOn, '/?category=general,python-specific&limit=5')
      await page.waitForSelector('html[data-enhanced="true"]')
      const server = await open(jsOff, '/')
      // Each step, and the search it must end on: on a busy machine a pause
      // between keys can outlast the debounce, so a shorter search may come first.
      const steps: [() => Promise<unknown>, string | null, string | null][] = [
        [() => page.locator('#q').pressSequentially('docker', { delay: 20 }), 'docker', null],
        [() => page.selectOption('#sort', '-title'), 'docker', '-title'],
        [() => page.locator('#q').fill('zzzz'), 'zzzz', '-title'],
        [() => page.locator('#q').fill('compose flask'), 'compose flask', '-title'],
        [() => page.locator('#q').fill(''), null, '-title'],
      ]
      for (const [step, q, sort] of steps) {
        await step()
        // The URL changes as a search starts, and it marks the results busy in the same step.
        await page.waitForURL(
          (url) => url.searchParams.get('q') === q && url.searchParams.get('sort') === sort,
        )
        await settled(page)
        await server.page.goto(page.url())
        expect(await regions(page), path(page)).toEqual(await regions(server.page))
        expect(await page.title()).toBe(await server.page.title())
      }
      expect(problems).toEqual([])
      expect(server.problems).toEqual([])
      await page.close()
      await server.page.close()
    },
    SLOW,
  )

  it(
    'shows link health once links were checked: badges, and chips that filter, alike with and without script',
    async () => {
      const { page, problems } = await open(jsOff, '/', checked.origin)
      expect(await texts(page, '#facets h2')).toContain('Link health')
      await follow(page, '#facets a[href="/?link=broken"]')
      expect(path(page)).toBe('/?link=broken')
      const badges = await texts(page, '#result-list .badge')
      expect(badges.length).toBeGreaterThan(0)
      expect(badges.every((badge) => badge.startsWith('Broken link'))).toBe(true)
      const scripted = await open(jsOn, '/?q=docker', checked.origin)
      await scripted.page.waitForSelector('html[data-enhanced="true"]')
      await scripted.page.locator('#q').fill('docker compose')
      await scripted.page.waitForURL((url) => url.searchParams.get('q') === 'docker compose')
      await settled(scripted.page)
      await page.goto(scripted.page.url())
      expect(await regions(scripted.page)).toEqual(await regions(page))
      expect(problems).toEqual([])
      expect(scripted.problems).toEqual([])
      await page.close()
      await scripted.page.close()
    },
    SLOW,
  )

  it('submitting the form searches at once, and the sort order applies without a reload', async () => {
    const { page, problems } = await open(jsOn, '/')
    await page.waitForSelector('html[data-enhanced="true"]')
    await page.evaluate('window.stillHere = true')
    await page.fill('#q', 'nginx')
    await page.press('#q', 'Enter')
    await countFor(page, '“nginx”')
    await page.selectOption('#sort', 'title')
    await page.waitForURL(/sort=title/)
    await settled(page)
    expect(await texts(page, '.card-title')).toEqual(
      (await api('?q=nginx&sort=title')).data.map((r) => r.title),
    )
    expect(await page.evaluate('window.stillHere')).toBe(true)
    expect(problems).toEqual([])
    await page.close()
  })

  it('says what the API says of a search it refuses, and recovers', async () => {
    const { page, problems } = await open(jsOn, '/')
    await page.waitForSelector('html[data-enhanced="true"]')
    await page.fill('#q', '!!!')
    await page.locator('#q[aria-invalid="true"]').waitFor()
    expect(await page.textContent('#result-count')).toBe('q: must contain at least one letter or digit')
    await page.fill('#q', 'flask')
    await countFor(page, '“flask”')
    expect(await page.getAttribute('#q', 'aria-invalid')).toBeNull()
    expect(problems).toEqual([
      `HTTP 400: ${server.origin}/v1/resources?q=%21%21%21`,
      'console: Failed to load resource: the server responded with a status of 400 (Bad Request)',
    ])
    await page.close()
  })
})

describe.skipIf(!hasChromium)('hostile titles and descriptions in Chromium', () => {
  it.each([
    ['off', () => jsOff],
    ['on', () => jsOn],
  ])('run nothing and show as written, JavaScript %s', async (_mode, context) => {
    const { page, problems } = await open(context(), '/?host=hostile.example.com', hostile.origin)
    expect((await texts(page, '.card-title')).slice(0, 2)).toEqual([SCRIPT_TITLE, QUOTES_TITLE])
    expect(await page.locator('.card-text').first().textContent()).toContain(
      '<img src=x onerror="window.pwned=2">',
    )
    expect(await page.locator('main img, main svg, main b, main textarea').count()).toBe(0)
    if (_mode === 'on') {
      // The script's own rendering of the same text, through a search.
      await page.waitForSelector('html[data-enhanced="true"]')
      await page.fill('#q', 'apostrophes')
      await countFor(page, '“apostrophes”')
      expect(await texts(page, '.card-title')).toEqual([SCRIPT_TITLE])
      expect(await texts(page, '.card-text mark')).toEqual(['apostrophes'])
      expect(await page.locator('main img, main svg, main b, main textarea, main script').count()).toBe(0)
    }
    expect(await page.evaluate('typeof window.pwned')).toBe('undefined')
    expect(problems).toEqual([])
    await page.close()
  })
})

describe.skipIf(!hasChromium)('accessibility', () => {
  it.each([
    ['/', 'light', 'desktop'],
    ['/?q=docker&category=general,python-specific&limit=5&offset=10', 'light', 'desktop'],
    ['/?q=zzzz', 'light', 'desktop'],
    ['/?category=nope', 'light', 'desktop'],
    ['/?q=docker&tag=django', 'dark', 'desktop'],
    ['/?q=docker', 'light', 'phone'],
  ] as const)(
    'axe-core finds no violation on %s (%s, %s)',
    async (url, colorScheme, device) => {
      const context = await browser.newContext({ colorScheme, ...(device === 'phone' ? PHONE : {}) })
      const { page } = await open(context, url)
      await page.waitForSelector('html[data-enhanced="true"], .problem')
      // On a phone the chips start folded: checked folded, then open. Every
      // disclosure is opened, so what it hides is checked too.
      const folded = device === 'phone' ? (await new AxeBuilder({ page }).analyze()).violations : []
      await page.evaluate(`document.querySelectorAll('details').forEach((d) => { d.open = true })`)
      const results = await new AxeBuilder({ page }).analyze()
      const violations = [...folded, ...results.violations].map(
        (v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`,
      )
      expect(violations).toEqual([])
      expect(results.passes.length).toBeGreaterThan(20)
      await context.close()
    },
    SLOW,
  )

  it.each(['/', '/?q=docker&category=general,python-specific&tag=django,flask', '/?category=nope'])(
    'needs no horizontal scrolling at 375 px: %s',
    async (url) => {
      const context = await browser.newContext(PHONE)
      const { page } = await open(context, url)
      await page.evaluate(`document.querySelectorAll('details').forEach((d) => { d.open = true })`)
      expect(await page.evaluate('document.documentElement.scrollWidth')).toBeLessThanOrEqual(375)
      const hostilePage = await context.newPage()
      await hostilePage.goto(`${hostile.origin}/?host=hostile.example.com`)
      expect(await hostilePage.evaluate('document.documentElement.scrollWidth')).toBeLessThanOrEqual(375)
      await context.close()
    },
  )

  it('works from the keyboard: skip link, search, chips and paging, each with a visible focus', async () => {
    const { page, problems } = await open(jsOff, '/?limit=5')
    const focused = () =>
      page.evaluate(`(() => {
        const el = document.activeElement
        return { id: el.id, text: el.textContent.trim(), outline: getComputedStyle(el).outlineStyle }
      })()`) as Promise<{ id: string; text: string; outline: string }>
    await page.keyboard.press('Tab')
    expect(await focused()).toEqual({ id: '', text: 'Skip to results', outline: 'solid' })
    expect(await page.isVisible('.skip-link')).toBe(true)
    await page.keyboard.press('Enter')
    expect(await page.evaluate('location.hash')).toBe('#results')
    // From the top: the brand link, then the search box.
    await page.goto(`${server.origin}/?limit=5`)
    await page.keyboard.press('Tab')
    await page.keyboard.press('Tab')
    await page.keyboard.press('Tab')
    expect((await focused()).id).toBe('q')
    await page.keyboard.type('docker')
    await Promise.all([page.waitForURL(/q=docker/), page.keyboard.press('Enter')])
    expect(path(page)).toBe('/?q=docker&limit=5')
    // Tab to the first category chip and follow it.
    let chip = await focused()
    for (let i = 0; i < 30 && !chip.text.startsWith('Core'); i++) {
      await page.keyboard.press('Tab')
      chip = await focused()
    }
    expect(chip.text).toMatch(/^Core \d+/)
    expect(chip.outline).toBe('solid')
    await Promise.all([page.waitForURL(/category=core/), page.keyboard.press('Enter')])
    expect(path(page)).toBe('/?q=docker&limit=5&category=core')
    // And on to the next page, by keyboard alone.
    await page.goto(`${server.origin}/?limit=5`)
    await page.focus('a[rel="next"]')
    expect((await focused()).outline).toBe('solid')
    const next = await page.getAttribute('a[rel="next"]', 'href')
    await Promise.all([page.waitForURL(`${server.origin}${next}`), page.keyboard.press('Enter')])
    expect(await page.textContent('#pager p')).toBe('Showing 6–10 of 33')
    expect(problems).toEqual([])
    await page.close()
  })
})

describe.skipIf(!hasChromium)('screenshots for docs/catalog-page.md', () => {
  it(
    'writes the page on a desktop, on a phone, and a search',
    async () => {
      mkdirSync(IMAGES, { recursive: true })
      const shots: [string, object, string, ((page: Page) => Promise<void>) | null][] = [
        ['catalog-desktop.png', { viewport: { width: 1280, height: 900 } }, '/', null],
        ['catalog-phone.png', PHONE, '/', null],
        [
          'catalog-search.png',
          { viewport: { width: 1280, height: 900 } },
          '/?tag=django',
          async (page) => {
            await page.waitForSelector('html[data-enhanced="true"]')
            await page.locator('#q').pressSequentially('postgres', { delay: 20 })
            await countFor(page, '“postgres”')
          },
        ],
      ]
      for (const [file, options, url, act] of shots) {
        const context = await browser.newContext({ ...options, colorScheme: 'light', deviceScaleFactor: 1 })
        const { page, problems } = await open(context, url)
        if (act) await act(page)
        await page.screenshot({ path: join(IMAGES, file), animations: 'disabled', caret: 'hide' })
        expect(problems).toEqual([])
        await context.close()
      }
    },
    SLOW,
  )
})
