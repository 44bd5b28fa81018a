import { z } from 'zod'

// Query strings arrive as text. These accept exactly the spellings a person would
// type (no " 5", "1e1" or "0x10") and document the parameter as the type it means.

export function integerParam(min: number, max: number) {
  return z.preprocess(
    (value) => (typeof value === 'string' && /^\d{1,15}$/.test(value) ? Number(value) : value),
    z
      .number({ error: `must be a whole number from ${min} to ${max}` })
      .int({ error: `must be a whole number from ${min} to ${max}` })
      .min(min, { error: `must be a whole number from ${min} to ${max}` })
      .max(max, { error: `must be a whole number from ${min} to ${max}` }),
  )
}

/** One text value; a repeated parameter (?tag=a&tag=b) arrives as an array and is refused. */
export function textParam(maxLength: number) {
  return z
    .string({ error: 'must be given once, as text (use commas for several values)' })
    .max(maxLength, { error: `must be at most ${maxLength} characters` })
}

/**
 * Several values, comma-separated; a repeated parameter (?tag=a&tag=b) means the
 * same as ?tag=a,b. Returns the trimmed, non-empty values.
 *
 * The input side is an array of strings (a lone value is wrapped), so the OpenAPI
 * document declares the parameter as an array and typed clients pass arrays; the
 * meta declares how such an array is written in a URL (repeated, `tag=a&tag=b`),
 * and docs.ts moves it from the schema onto the parameter. The length limit is on
 * the values joined, as before.
 */
export function listParam(maxLength: number) {
  const tooLong = { error: `must be at most ${maxLength} characters` }
  return z
    .preprocess(
      (value) => (typeof value === 'string' ? [value] : value),
      z
        .array(z.string({ error: 'must be text' }).max(maxLength, tooLong), { error: 'must be text' })
        .transform((values) => values.join(','))
        .pipe(
          z
            .string()
            .max(maxLength, tooLong)
            .transform((value) =>
              value
                .split(',')
                .map((item) => item.trim())
                .filter((item) => item.length > 0),
            ),
        ),
    )
    .meta({ style: 'form', explode: true })
}
