import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { type Correction, typoBudget, typoCount, Vocabulary } from '../../src/queries/typo-tolerance.js'

const vocabulary = (entries: Record<string, number>) =>
  new Vocabulary(Object.entries(entries).map(([term, docs]) => ({ term, docs })))

describe('typo budget: how many typos a word may have (Meilisearch defaults)', () => {
  it.each([
    ['', 0],
    ['dock', 0],
    ['flsk', 0],
    ['flask', 1],
    ['docker', 1],
    ['postgres', 1],
    ['container', 2],
    ['kubernetes', 2],
    ['elasticsearch', 2],
    ['python3', 0],
    ['h264codec', 0],
    ['2fa', 0],
    ['ñandúes', 1],
    ['日本語のテキスト', 1],
  ])('%j may have %i', (word, budget) => {
    expect(typoBudget(word)).toBe(budget)
  })
})

describe('typo count: optimal string alignment, a changed first letter counting twice', () => {
  it.each([
    ['docker', 'docker', 0],
    ['dokcer', 'docker', 1], // two adjacent letters swapped: one typo
    ['djnago', 'django', 1],
    ['dockre', 'docker', 1],
    ['docer', 'docker', 1], // a letter missing
    ['dockker', 'docker', 1], // a letter too many
    ['dicker', 'docker', 1], // a letter changed
    ['odcker', 'docker', 2], // the swap moves the first letter: two
    ['pocker', 'docker', 2], // the first letter changed: two
    ['ocker', 'docker', 2], // the first letter missing: two
    ['ddocker', 'docker', 1], // a letter inserted after the first: one
    ['xdocker', 'docker', 2], // a letter inserted before the first: two
    ['dcokre', 'docker', 2],
    ['kubrenetes', 'kubernetes', 1],
    ['kubrenetse', 'kubernetes', 2],
  ])('%j to %j is %i', (word, term, typos) => {
    expect(typoCount(word, term)).toBe(typos)
  })

  it.each([
    ['kubrenet', 'kubernetes', 1],
    ['djan', 'django', 0],
    ['dajn', 'django', 1],
    ['contanier', 'containers', 1],
  ])('%j to a prefix of %j is %i', (word, term, typos) => {
    expect(typoCount(word, term, true)).toBe(typos)
  })
})

describe('correcting a word to the vocabulary', () => {
  const words = vocabulary({
    docker: 31,
    dockerfile: 2,
    django: 6,
    flask: 6,
    container: 3,
    containers: 5,
    containerize: 1,
    kubernetes: 2,
    documentation: 4,
    deploying: 3,
    deploy: 2,
    python3: 1,
    brick: 2,
    trick: 2,
    crick: 1,
  })

  it.each<[string, boolean, Correction | null]>([
    // Lengths: 1 to 4 letters never, 5 to 8 one typo, 9 and more two.
    ['flsk', false, null],
    ['dokc', true, null],
    ['flaks', false, { term: 'flask', typos: 1 }],
    ['dokcer', false, { term: 'docker', typos: 1 }],
    ['djnago', false, { term: 'django', typos: 1 }],
    ['dckr', false, null],
    ['dcokre', false, null], // two typos in six letters: too many
    ['kubrenetse', false, { term: 'kubernetes', typos: 2 }],
    ['documantatoin', false, { term: 'documentation', typos: 2 }],
    // The first letter: never changed within 5 to 8 letters, counted twice from 9.
    ['odcker', false, null],
    ['pocker', false, null],
    ['xocumentation', false, { term: 'documentation', typos: 2 }],
    ['ocumentation', false, { term: 'documentation', typos: 2 }],
    ['odcumentation', false, { term: 'documentation', typos: 2 }],
    ['xocumentatoin', false, null],
    // Digits: a word holding one is never corrected.
    ['python4', false, null],
    ['pyth0n', false, null],
    ['deploiing', false, { term: 'deploying', typos: 1 }],
    ['bricks', false, { term: 'brick', typos: 1 }],
    ['xrick', false, null],
    ['arick', false, null],
    ['brickk', false, { term: 'brick', typos: 1 }],
    // As the last word (a prefix): through a prefix of the term.
    ['kubrenet', true, { term: 'kubernetes', typos: 1 }],
    ['dokcerf', true, { term: 'dockerfile', typos: 1 }],
    ['contanier', true, { term: 'container', typos: 1 }],
    ['contanie', true, { term: 'container', typos: 1 }],
  ])('%j (prefix: %s) becomes %j', (word, prefix, expected) => {
    expect(words.correct(word, prefix)).toEqual(expected)
  })

  it('prefers fewer typos to more resources', () => {
    const words = vocabulary({ container: 50, containers: 5 })
    expect(words.correct('contaimers')).toEqual({ term: 'containers', typos: 1 })
  })

  it('breaks a tie of typos by the number of resources, then alphabetically', () => {
    // "crump" is one substitution from both.
    expect(vocabulary({ cramp: 5, crimp: 9 }).correct('crump')).toEqual({ term: 'crimp', typos: 1 })
    expect(vocabulary({ cramp: 9, crimp: 5 }).correct('crump')).toEqual({ term: 'cramp', typos: 1 })
    expect(vocabulary({ crimp: 5, cramp: 5 }).correct('crump')).toEqual({ term: 'cramp', typos: 1 })
  })

  it('never corrects a word the vocabulary holds (or, as a prefix, starts)', () => {
    expect(words.correct('docker')).toBeNull()
    expect(words.correct('docke', true)).toBeNull()
    expect(words.correct('contai', true)).toBeNull()
  })
})

// ---- properties --------------------------------------------------------------

/** The rules applied to every term, one by one: what the pruned walk must agree with. */
function bruteForce(
  entries: { term: string; docs: number }[],
  word: string,
  prefix: boolean,
): Correction | null {
  const budget = typoBudget(word)
  const known = prefix ? entries.some((e) => e.term.startsWith(word)) : entries.some((e) => e.term === word)
  if (budget === 0 || known) return null
  let best: { term: string; docs: number; typos: number } | null = null
  for (const { term, docs } of entries) {
    const typos = typoCount(word, term, prefix)
    if (typos > budget) continue
    if (
      best === null ||
      typos < best.typos ||
      (typos === best.typos && (docs > best.docs || (docs === best.docs && term < best.term)))
    ) {
      best = { term, docs, typos }
    }
  }
  if (best === null) return null
  if (prefix) {
    // Of equally close terms, one that starts the winner finds it too.
    for (let length = 1; length < best.term.length; length++) {
      const shorter = best.term.slice(0, length)
      if (entries.some((e) => e.term === shorter) && typoCount(word, shorter, true) === best.typos) {
        return { term: shorter, typos: best.typos }
      }
    }
  }
  return { term: best.term, typos: best.typos }
}

const letter = fc.constantFrom(...'abcdeklmnorst')
const term = fc.array(letter, { minLength: 1, maxLength: 12 }).map((letters) => letters.join(''))
const entries = fc
  .uniqueArray(fc.record({ term, docs: fc.integer({ min: 1, max: 5 }) }), {
    selector: (entry) => entry.term,
    minLength: 1,
    maxLength: 60,
  })
  .map((list) => list)

/** A word a few random edits away from a term of the vocabulary, or any word at all. */
const nearWord = (list: { term: string }[]) =>
  fc.oneof(
    term,
    fc
      .tuple(
        fc.constantFrom(...list.map((entry) => entry.term)),
        fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 3 }), letter), { maxLength: 3 }),
      )
      .map(([base, edits]) => {
        const chars = [...base]
        for (const [at, kind, char] of edits) {
          const i = at % (chars.length + 1)
          if (kind === 0) chars.splice(i, 0, char)
          else if (kind === 1) chars.splice(i, 1)
          else if (kind === 2) chars[i] = char
          else if (i + 1 < chars.length)
            [chars[i], chars[i + 1]] = [chars[i + 1] as string, chars[i] as string]
        }
        return chars.join('')
      }),
  )

describe('typo correction properties', () => {
  it('never corrects a word that is in the vocabulary, or a prefix of one as the last word', () => {
    fc.assert(
      fc.property(entries, fc.nat(), fc.nat(), (list, pick, cut) => {
        const words = new Vocabulary(list)
        const known = (list[pick % list.length] as { term: string }).term
        expect(words.correct(known, false)).toBeNull()
        expect(words.correct(known, true)).toBeNull()
        expect(words.correct(known.slice(0, 1 + (cut % known.length)), true)).toBeNull()
      }),
      { numRuns: 300 },
    )
  })

  it('finds exactly what checking every term by the rules finds', () => {
    fc.assert(
      fc.property(
        entries.chain((list) => fc.tuple(fc.constant(list), nearWord(list), fc.boolean())),
        ([list, word, prefix]) => {
          expect(new Vocabulary(list).correct(word, prefix)).toEqual(bruteForce(list, word, prefix))
        },
      ),
      { numRuns: 1500 },
    )
  })

  it('only ever answers a vocabulary term within the word’s budget', () => {
    fc.assert(
      fc.property(
        entries.chain((list) => fc.tuple(fc.constant(list), nearWord(list), fc.boolean())),
        ([list, word, prefix]) => {
          const correction = new Vocabulary(list).correct(word, prefix)
          if (correction === null) return
          expect(list.map((entry) => entry.term)).toContain(correction.term)
          expect(correction.typos).toBeGreaterThan(0)
          expect(correction.typos).toBeLessThanOrEqual(typoBudget(word))
          expect(typoCount(word, correction.term, prefix)).toBe(correction.typos)
        },
      ),
      { numRuns: 800 },
    )
  })
})
