import { describe, expect, it } from 'vitest'
import { escapeHtml, html, httpUrl, trustedHtml } from '../../src/views/html.js'

// The page's one defence against markup injection: a template's interpolations are
// escaped unless they are Html already. Each case is something a title, a
// description, a category name or a query could hold.

describe('html``: escaped by construction', () => {
  it.each([
    ['<script>alert(1)</script>', '&lt;script&gt;alert(1)&lt;/script&gt;'],
    ['Tom & Jerry', 'Tom &amp; Jerry'],
    ['"quoted" and \'single\'', '&quot;quoted&quot; and &#39;single&#39;'],
    ['&amp; already', '&amp;amp; already'],
    ['"><img src=x onerror=alert(1)>', '&quot;&gt;&lt;img src=x onerror=alert(1)&gt;'],
  ])('escapes %j in text and in a double-quoted attribute', (value, escaped) => {
    expect(String(html`<p title="${value}">${value}</p>`)).toBe(`<p title="${escaped}">${escaped}</p>`)
  })

  it('keeps Html as it is, escapes each item of an array, and renders nothing for null, undefined and false', () => {
    const inner = html`<b>${'<i>'}</b>`
    expect(String(html`<p>${inner}</p>`)).toBe('<p><b>&lt;i&gt;</b></p>')
    expect(String(html`<ul>${['<a>', html`<li>ok</li>`, 3]}</ul>`)).toBe('<ul>&lt;a&gt;<li>ok</li>3</ul>')
    expect(String(html`<p>${null}${undefined}${false}${0}</p>`)).toBe('<p>0</p>')
  })

  it('treats a string that looks like Html as text: only html`` and trustedHtml() make markup', () => {
    const forged = { toString: () => '<script>' } as unknown as string
    expect(String(html`${forged}`)).toBe('&lt;script&gt;')
    expect(String(html`${trustedHtml('a <mark>b</mark>', 'escaped by the API around <mark>')}`)).toBe(
      'a <mark>b</mark>',
    )
  })

  it('escapeHtml leaves plain text alone', () => {
    expect(escapeHtml('Docker Compose 2.0 — tips')).toBe('Docker Compose 2.0 — tips')
  })
})

describe('httpUrl: only http(s) becomes a link', () => {
  it.each([
    ['https://docs.docker.com/', 'https://docs.docker.com/'],
    ['http://example.com/a?b=c', 'http://example.com/a?b=c'],
    ['javascript:alert(1)', null],
    ['JaVaScRiPt:alert(1)', null],
    ['data:text/html,<script>alert(1)</script>', null],
    ['/relative', null],
    ['', null],
    [null, null],
  ])('%j -> %j', (url, expected) => {
    expect(httpUrl(url)).toBe(expected)
  })
})
