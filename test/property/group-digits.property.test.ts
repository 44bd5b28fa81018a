import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { groupDigits } from '../../src/group-digits.js'

// groupDigits stands in for toLocaleString('en-US') on the counts the schemas and
// the catalog page print (it spares the server ICU's locale data): for any
// integer, the two write the same text.

describe('groupDigits', () => {
  it('writes every integer as toLocaleString("en-US") does', () => {
    fc.assert(
      fc.property(fc.maxSafeInteger(), (value) => {
        expect(groupDigits(value)).toBe(value.toLocaleString('en-US'))
      }),
      { numRuns: 5000 },
    )
  })

  it('groups the edges of each group of three', () => {
    for (const value of [0, 7, 999, 1000, 12_000, 100_000, 999_999, 1_000_000, -1234]) {
      expect(groupDigits(value)).toBe(value.toLocaleString('en-US'))
    }
    expect(groupDigits(12_000)).toBe('12,000')
  })
})
