import { z } from 'zod'

export const PageLinksSchema = z
  .object({
    self: z.string(),
    first: z.string(),
    last: z.string(),
    next: z.string().nullable(),
    prev: z.string().nullable(),
  })
  .meta({
    id: 'PageLinks',
    description: 'Relative URLs of this and neighbouring pages (on resource lists, next carries a cursor)',
  })
