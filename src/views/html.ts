// HTML built by a tagged template whose interpolations are escaped unless they are
// already Html: the safe way is the default one, and the only ways to make markup
// from text are `html` itself and `trustedHtml`, which names why at each call.
// No template engine is needed for one page and its error form, and this way
// TypeScript checks every value a template uses.
//
// Every attribute in a template is written in double quotes; escaping " and '
// keeps an interpolated value inside them.

const ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
}

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (char) => ESCAPES[char] ?? char)
}

const brand = Symbol('html')

/** Markup safe to put in a page as it is. Made only by html`` and trustedHtml(). */
export type Html = { readonly [brand]: string; toString(): string }

function make(text: string): Html {
  return { [brand]: text, toString: () => text }
}

/** What a template accepts: nothing (null, undefined, false) renders as nothing. */
export type Interpolation = Html | string | number | null | undefined | false | readonly Interpolation[]

function isHtml(value: unknown): value is Html {
  return typeof value === 'object' && value !== null && brand in value
}

function render(value: Interpolation): string {
  if (value === null || value === undefined || value === false) return ''
  if (isHtml(value)) return value[brand]
  if (Array.isArray(value)) return value.map(render).join('')
  return escapeHtml(String(value))
}

/** html`<p>${text}</p>`: text is escaped; Html values and arrays of them are kept. */
export function html(strings: TemplateStringsArray, ...values: Interpolation[]): Html {
  let out = strings[0] ?? ''
  for (let i = 0; i < values.length; i++) out += render(values[i] as Interpolation) + (strings[i + 1] ?? '')
  return make(out)
}

/**
 * Text that is already HTML, used as it is. The one caller is the search match:
 * the API escapes the title and snippet itself and adds only <mark> elements.
 */
export function trustedHtml(markup: string, _why: 'escaped by the API around <mark>'): Html {
  return make(markup)
}

/**
 * An http(s) URL for an href, as the API gives it (the page's script renders the
 * same), or null: a javascript: or data: URL never becomes a link.
 */
export function httpUrl(url: string | null | undefined): string | null {
  if (!url) return null
  try {
    const parsed = new URL(url)
    return parsed.protocol === 'http:' || parsed.protocol === 'https:' ? url : null
  } catch {
    return null
  }
}
