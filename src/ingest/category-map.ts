import { readFileSync } from 'node:fs'
import { z } from 'zod'
import { SlugSchema } from './record.js'

// Short category slugs and names for a page's headings, kept as data beside the page
// (`docker.markdown` -> `docker.categories.json`). Headings not listed fall back to
// slug = slugified heading, name = heading text.
const CategoryNameSchema = z.object({ slug: SlugSchema, name: z.string().trim().min(1) }).strict()

export const CategoryMapSchema = z
  .object({
    intro: z
      .object({ slug: SlugSchema.default('core'), name: z.string().trim().min(1).default('Core') })
      .strict()
      .default({ slug: 'core', name: 'Core' }),
    headings: z.record(z.string().min(1), CategoryNameSchema).default({}),
  })
  .strict()
export type CategoryMap = z.infer<typeof CategoryMapSchema>

/** The conventional mapping file of a page: the page's path with `.categories.json` for its extension. */
export function categoryMapPath(pagePath: string): string {
  return `${pagePath.replace(/\.(markdown|md)$/i, '')}.categories.json`
}

/** Reads the page's mapping file when there is one; a malformed file is an error naming it. */
export function loadCategoryMap(pagePath: string): CategoryMap | undefined {
  const file = categoryMapPath(pagePath)
  let text: string
  try {
    text = readFileSync(file, 'utf8')
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined
    throw new Error(`${file}: cannot read category mapping: ${(error as Error).message}`)
  }
  let json: unknown
  try {
    json = JSON.parse(text)
  } catch (error) {
    throw new Error(`${file}: invalid category mapping: ${(error as Error).message}`)
  }
  const result = CategoryMapSchema.safeParse(json)
  if (!result.success) {
    const issues = result.error.issues.map((issue) => `${issue.path.join('.') || '(root)'}: ${issue.message}`)
    throw new Error(`${file}: invalid category mapping: ${issues.join('; ')}`)
  }
  return result.data
}
