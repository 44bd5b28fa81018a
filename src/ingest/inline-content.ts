import { Parser } from 'htmlparser2'
import type { Nodes } from 'mdast'

/** A link as written: target not yet resolved, with the line it starts on. */
export type RawLink = { href: string; text: string; line: number }

export type InlineContent = {
  /** Plain text: no Markdown or HTML syntax, whitespace collapsed. */
  text: string
  links: RawLink[]
}

const LINE_ATTRIBUTE = 'data-fsp-source-line'
// Tags that separate words when their text is flattened.
const BREAKING_TAGS = new Set([
  'br',
  'p',
  'div',
  'li',
  'ul',
  'ol',
  'tr',
  'td',
  'th',
  'table',
  'h1',
  'h2',
  'h3',
  'h4',
  'h5',
  'h6',
])
const HIDDEN_TAGS = new Set(['script', 'style'])

export function collapseWhitespace(text: string): string {
  return text.replace(/\s+/g, ' ').trim()
}

function escapeText(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;')
}

function escapeAttribute(text: string): string {
  return escapeText(text).replace(/"/g, '&quot;')
}

/**
 * Flattens Markdown nodes into plain text and the links they contain, in order.
 *
 * Markdown and raw HTML are mixed freely on the site's pages (`<a href="...">Heroku</a>`
 * inside a paragraph arrives as separate html and text nodes), so the nodes are
 * re-serialized into one HTML stream and read by a single htmlparser2 parser: one code
 * path gives link text, image alt text and plain text for both syntaxes. An image counts
 * as text only inside a link (it is the link's text). Code blocks are
 * skipped (their content is never parsed for links); with `skipLists`, nested lists are
 * left out (they are items of their own).
 */
export function inlineContent(
  nodes: readonly Nodes[],
  options: { definitions?: ReadonlyMap<string, string>; skipLists?: boolean } = {},
): InlineContent {
  const textParts: string[] = []
  const links: RawLink[] = []
  // Raw HTML fragments with their start offset in the stream, to find a tag's line.
  const htmlSegments: Array<{ offset: number; raw: string; line: number }> = []
  let written = 0
  let hiddenDepth = 0
  let open: { href: string; text: string; alt: string; line: number } | undefined

  const lineAt = (offset: number): number => {
    const segment = htmlSegments.findLast((candidate) => candidate.offset <= offset)
    if (!segment) return 0
    const before = segment.raw.slice(0, offset - segment.offset)
    return segment.line + (before.match(/\n/g)?.length ?? 0)
  }
  const closeLink = () => {
    if (!open) return
    links.push({
      href: open.href,
      text: collapseWhitespace(open.text) || collapseWhitespace(open.alt),
      line: open.line,
    })
    open = undefined
  }

  const parser = new Parser(
    {
      onopentag(name, attributes) {
        if (HIDDEN_TAGS.has(name)) hiddenDepth++
        if (BREAKING_TAGS.has(name)) textParts.push(' ')
        if (name === 'a' && attributes.href !== undefined) {
          closeLink()
          const markdownLine = Number(attributes[LINE_ATTRIBUTE])
          open = {
            href: attributes.href,
            text: '',
            alt: '',
            line: markdownLine > 0 ? markdownLine : lineAt(parser.startIndex),
          }
        } else if (name === 'img' && open) {
          // An image inside a link is that link's text (the logo links): its alt counts as text.
          const alt = attributes.alt ?? ''
          textParts.push(` ${alt} `)
          if (!open.alt) open.alt = alt
        }
      },
      ontext(text) {
        if (hiddenDepth > 0) return
        textParts.push(text)
        if (open) open.text += text
      },
      onclosetag(name) {
        if (HIDDEN_TAGS.has(name) && hiddenDepth > 0) hiddenDepth--
        if (BREAKING_TAGS.has(name)) textParts.push(' ')
        if (name === 'a') closeLink()
      },
    },
    { decodeEntities: true },
  )
  const write = (chunk: string) => {
    parser.write(chunk)
    written += chunk.length
  }

  const visit = (node: Nodes): void => {
    switch (node.type) {
      case 'text':
      case 'inlineCode':
        write(escapeText(node.value))
        return
      case 'break':
      case 'thematicBreak':
        write('<br>')
        return
      case 'html':
        htmlSegments.push({ offset: written, raw: node.value, line: node.position?.start.line ?? 0 })
        write(node.value)
        // Keep words of the next node apart from an unterminated tag's text.
        write(' ')
        return
      case 'link':
      case 'linkReference': {
        const href = node.type === 'link' ? node.url : options.definitions?.get(node.identifier)
        if (href === undefined) break
        write(`<a href="${escapeAttribute(href)}" ${LINE_ATTRIBUTE}="${node.position?.start.line ?? 0}">`)
        for (const child of node.children) visit(child)
        write('</a>')
        return
      }
      case 'image':
      case 'imageReference':
        write(`<img alt="${escapeAttribute(node.alt ?? '')}">`)
        return
      case 'code':
      case 'definition':
      case 'yaml':
        return
      case 'list':
        if (options.skipLists) return
        break
      default:
        break
    }
    if ('children' in node) {
      for (const child of node.children) visit(child as Nodes)
      // Block boundaries separate words.
      if (node.type !== 'emphasis' && node.type !== 'strong' && node.type !== 'delete') write('<br>')
    }
  }

  for (const node of nodes) visit(node)
  parser.end()
  closeLink()
  return { text: collapseWhitespace(textParts.join('')), links }
}
