/** A file that is not a page of the site (no Pelican front matter). Names the file and line. */
export class PageFormatError extends Error {
  readonly file: string
  readonly line: number

  constructor(file: string, line: number, reason: string) {
    super(`${file}:${line}: not a page: ${reason}`)
    this.name = 'PageFormatError'
    this.file = file
    this.line = line
  }
}

export type FrontMatter = {
  fields: Record<string, string>
  /** The page text with the front-matter lines blanked, so Markdown line numbers stay true. */
  body: string
}

const FIELD = /^([A-Za-z][A-Za-z0-9_-]*):(?:\s+(.*))?$/
const MISSING = 'missing front matter (expected "title: ..." lines at the top)'

/**
 * Pelican-style front matter: `key: value` lines from the first non-empty line up to the
 * first blank line (no `---` fences). Keys are lowercased; an indented line continues the
 * previous value. The first line that is neither ends the block.
 */
export function parseFrontMatter(text: string, file: string): FrontMatter {
  const lines = text.split(/\r?\n/)
  let index = lines.findIndex((line) => line.trim() !== '')
  if (index === -1) throw new PageFormatError(file, 1, MISSING)
  const firstLine = index + 1
  const fields: Record<string, string> = {}
  let lastKey: string | undefined
  for (; index < lines.length; index++) {
    const line = lines[index] ?? ''
    if (line.trim() === '') break
    const field = FIELD.exec(line)
    if (field?.[1]) {
      lastKey = field[1].toLowerCase()
      fields[lastKey] = (field[2] ?? '').trim()
    } else if (lastKey && /^\s/.test(line)) {
      fields[lastKey] = `${fields[lastKey]} ${line.trim()}`.trim()
    } else {
      break
    }
  }
  if (lastKey === undefined) throw new PageFormatError(file, firstLine, MISSING)
  if (!fields.title) throw new PageFormatError(file, firstLine, 'front matter has no "title: ..." line')
  const body = lines.map((line, i) => (i < index ? '' : line)).join('\n')
  return { fields, body }
}
