import { z } from 'zod'
import type { Resource } from '../queries/resources.js'
import { type ResourceField, ResourceSchema } from '../schemas/resources.js'

// CSV as RFC 4180 writes it: CRLF line ends, a header row, and a field quoted
// (its quotes doubled) when it holds a comma, a quote, CR or LF. One column per
// selected field, flattened so that every cell is text a spreadsheet can show:
//   - an object (source, match) gives one column per property: source.page, …;
//   - a list of texts (tags) is joined with |;
//   - a list of objects (links) is written as its JSON;
//   - null and absent are empty cells.
// The columns follow the zod schema of a resource, so a field added there (the
// link health object, say) is exported without a change here.
//
// Spreadsheets run a cell that starts with =, +, -, @, a tab or a carriage return
// as a formula. As OWASP's CSV injection advice says, such a cell gets a leading
// apostrophe, which spreadsheets take as "this is text". To keep that reversible,
// a cell whose apostrophes are followed by one of those characters gets one more:
// removing one leading apostrophe from any cell matching FORMULA_ESCAPED gives
// the value back exactly.

export const DEFAULT_CSV_FIELDS: readonly ResourceField[] = [
  'id',
  'title',
  'url',
  'description',
  'category',
  'tags',
  'host',
  'position',
]

const FORMULA_START = /^'*[=+\-@\t\r]/
/** A cell as exported: the export added one leading apostrophe to it. */
export const FORMULA_ESCAPED = /^'+[=+\-@\t\r]/
const NEEDS_QUOTES = /[",\r\n]/

export const CRLF = '\r\n'

/** One cell of text, neutralised and quoted as needed. */
export function csvCell(text: string): string {
  const safe = FORMULA_START.test(text) ? `'${text}` : text
  return NEEDS_QUOTES.test(safe) ? `"${safe.replaceAll('"', '""')}"` : safe
}

function text(value: unknown): string {
  if (value === undefined || value === null) return ''
  if (typeof value === 'string') return value
  if (typeof value === 'number' || typeof value === 'boolean') return String(value)
  return JSON.stringify(value)
}

export type CsvColumn = { name: string; cell: (resource: Resource) => string }

function unwrap(schema: z.ZodType): z.ZodType {
  let inner = schema
  while (inner instanceof z.ZodOptional || inner instanceof z.ZodNullable || inner instanceof z.ZodDefault) {
    inner = inner.unwrap() as z.ZodType
  }
  return inner
}

/** The columns of the fields, in the order given. */
export function csvColumns(fields: readonly ResourceField[]): CsvColumn[] {
  return fields.flatMap((field): CsvColumn[] => {
    const schema = unwrap(ResourceSchema.shape[field] as z.ZodType)
    const value = (resource: Resource) => (resource as Record<string, unknown>)[field]
    if (schema instanceof z.ZodObject) {
      return Object.keys(schema.shape).map((key) => ({
        name: `${field}.${key}`,
        cell: (resource) => text((value(resource) as Record<string, unknown> | undefined)?.[key]),
      }))
    }
    if (schema instanceof z.ZodArray && unwrap(schema.element as z.ZodType) instanceof z.ZodString) {
      return [
        { name: field, cell: (resource) => ((value(resource) as string[] | undefined) ?? []).join('|') },
      ]
    }
    return [{ name: field, cell: (resource) => text(value(resource)) }]
  })
}

export function csvHeader(columns: readonly CsvColumn[]): string {
  return columns.map((column) => csvCell(column.name)).join(',') + CRLF
}

export function csvRow(resource: Resource, columns: readonly CsvColumn[]): string {
  let line = ''
  for (let i = 0; i < columns.length; i++) {
    if (i > 0) line += ','
    line += csvCell((columns[i] as CsvColumn).cell(resource))
  }
  return line + CRLF
}
