import { Parser } from 'htmlparser2'
import { decodeBody } from './content-encoding.js'

// A "soft 404" answers 200 for a page that is gone: the site's home page after a
// redirect, or an error page with a success status. Only a hint for the curator (the
// status stays what HTTP said), drawn from the first 64 KiB of the body.

const NOT_FOUND_TITLE = /\b404\b|not\s+found/i

/** The text of the page's first `<title>`, whitespace collapsed; undefined when there is none. */
export function pageTitle(body: Buffer, contentEncoding?: string): string | undefined {
  const html = decodeBody(body, contentEncoding, { partial: true }).toString('utf8')
  let inTitle = false
  let title: string | undefined
  const parser = new Parser(
    {
      onopentag(name) {
        if (name === 'title' && title === undefined) {
          inTitle = true
          title = ''
        }
      },
      ontext(text) {
        if (inTitle) title += text
      },
      onclosetag(name) {
        if (name === 'title') inTitle = false
      },
    },
    { decodeEntities: true },
  )
  parser.write(html)
  parser.end()
  return title?.replace(/\s+/g, ' ').trim()
}

export function titleSaysNotFound(title: string | undefined): boolean {
  return title !== undefined && NOT_FOUND_TITLE.test(title)
}

/** A link below the root of its site that ended on a site's root after redirects. */
export function deepLinkEndedOnRoot(url: string, finalUrl: string | null): boolean {
  if (finalUrl === null) return false
  try {
    const from = new URL(url)
    const to = new URL(finalUrl)
    const deep = from.pathname.replace(/\/+$/, '') !== '' || from.search !== ''
    return deep && to.pathname === '/' && to.search === ''
  } catch {
    return false
  }
}
