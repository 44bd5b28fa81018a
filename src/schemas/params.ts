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
 */
export function listParam(maxLength: number) {
  return z.preprocess(
    (value) => (Array.isArray(value) ? value.join(',') : value),
    z
      .string({ error: 'must be text' })
      .max(maxLength, { error: `must be at most ${maxLength} characters` })
      .transform((value) =>
        value
          .split(',')
          .map((item) => item.trim())
          .filter((item) => item.length > 0),
      ),
  )
}
