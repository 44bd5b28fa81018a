import Database from 'better-sqlite3'
import { describe, expect, it } from 'vitest'
import { connectionMemo } from '../../src/queries/statements.js'

describe('connectionMemo', () => {
  it('computes once per connection and key, and evicts the oldest entry not used since', () => {
    const [one, two] = [new Database(':memory:'), new Database(':memory:')]
    const memo = connectionMemo<string>(2)
    const computed: string[] = []
    const get = (db: Database.Database, key: string) =>
      memo(db, key, () => {
        computed.push(key)
        return key.toUpperCase()
      })
    try {
      expect([get(one, 'a'), get(one, 'b'), get(one, 'a')]).toEqual(['A', 'B', 'A'])
      expect(get(two, 'a')).toBe('A') // another connection has its own entries
      expect(computed).toEqual(['a', 'b', 'a'])
      get(one, 'c') // b goes: a was used since it was stored
      get(one, 'a')
      expect(computed).toEqual(['a', 'b', 'a', 'c'])
      get(one, 'b') // c goes, the oldest unused; a is kept, passed over once
      get(one, 'c') // a goes now: unmarked when passed over, not used since
      expect(computed).toEqual(['a', 'b', 'a', 'c', 'b', 'c'])
      get(one, 'b')
      expect(computed).toHaveLength(6)
    } finally {
      one.close()
      two.close()
    }
  })
})
