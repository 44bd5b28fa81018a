import { DomUtils, parseDocument } from 'htmlparser2'

// The served HTML read the way a browser would (entities decoded), for assertions
// on what a person sees and where each link goes, rather than on the markup's text.

export type Element = ReturnType<typeof DomUtils.getElementsByTagName>[number]
export type Document = ReturnType<typeof parseDocument>

export function parseHtml(text: string): Document {
  return parseDocument(text, { decodeEntities: true })
}

export function byId(root: Document | Element, id: string): Element {
  const element = DomUtils.getElementById(id, root.children)
  if (!element) throw new Error(`no element #${id}`)
  return element
}

export function byTag(root: Document | Element, tag: string): Element[] {
  return DomUtils.getElementsByTagName(tag, root.children, true)
}

export function byClass(root: Document | Element, name: string): Element[] {
  return DomUtils.findAll(
    (element) => (DomUtils.getAttributeValue(element, 'class') ?? '').split(/\s+/).includes(name),
    root.children,
  )
}

/** The text as written, whitespace collapsed. */
export function text(node: Document | Element): string {
  return DomUtils.textContent(node).replace(/\s+/g, ' ').trim()
}

export function attr(element: Element, name: string): string | undefined {
  return DomUtils.getAttributeValue(element, name)
}

/** Every link's href under a node, in document order. */
export function hrefs(root: Document | Element): string[] {
  return byTag(root, 'a').map((a) => attr(a, 'href') ?? '')
}

export function link(root: Document | Element, rel: string): string | undefined {
  const found = byTag(root, 'a').find((a) => attr(a, 'rel') === rel)
  return found ? attr(found, 'href') : undefined
}
