import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { arrayElementLines, lineAt, syntaxErrorLine } from '../../src/ingest/json-lines.js'
import { LinkStatusFileError, readLinkStatusFile, uncheckedEntry } from '../../src/ingest/link-status.js'
import { tempDir } from '../helpers/database.js'

let dir: string
let cleanup: () => void
beforeAll(() => {
  ;({ dir, cleanup } = tempDir('dra-link-status-'))
})
afterAll(() => cleanup())

describe('json-lines', () => {
  it('finds the line each array element starts on, whatever its strings hold', () => {
    const text = [
      '[',
      '  { "a": "[not, an] {element}", "b": [1, 2] },',
      '  { "a": "a \\" quote, and a \\\\" ,',
      '    "b": { "c": [] } },',
      '',
      '  3, "four",',
      '  [5]',
      ']',
    ].join('\n')
    expect(JSON.parse(text)).toHaveLength(5)
    expect(arrayElementLines(text)).toEqual([2, 3, 6, 6, 7])
    expect(arrayElementLines('[{"a":1},{"a":2}]')).toEqual([1, 1])
    expect(arrayElementLines('\r\n[\r\n {},\r\n {}\r\n]')).toEqual([3, 4])
    expect(arrayElementLines('[]')).toEqual([])
    expect(arrayElementLines('{"a": [1, 2]}')).toEqual([])
  })

  it('turns a JSON.parse position into a line', () => {
    const text = '[\n  {"a": 1,}\n]'
    let error: Error | undefined
    try {
      JSON.parse(text)
    } catch (caught) {
      error = caught as Error
    }
    expect(error).toBeDefined()
    expect(syntaxErrorLine(text, error as Error)).toBe(2)
    expect(syntaxErrorLine(text, new Error('no position here'))).toBeUndefined()
    expect(lineAt('a\nb\nc', 4)).toBe(3)
  })
})

describe('readLinkStatusFile', () => {
  const write = (name: string, text: string) => {
    const file = join(dir, name)
    writeFileSync(file, text)
    return file
  }

  it('reads a valid file, and says undefined for a file that is not there', () => {
    const entry = { ...uncheckedEntry('https://example.com/'), status: 'ok', httpStatus: 200 }
    expect(readLinkStatusFile(write('good.json', JSON.stringify([entry])))).toEqual([entry])
    expect(readLinkStatusFile(join(dir, 'absent.json'))).toBeUndefined()
  })

  it('names the line of the entry at fault, in any layout', () => {
    const good = JSON.stringify(uncheckedEntry('https://example.com/a'))
    const bad = JSON.stringify({ ...uncheckedEntry('https://example.com/b'), status: 'dead' })
    const file = write('layout.json', `[${good},\n\n  ${good.replace('/a', '/c')}, ${bad}]`)
    expect(() => readLinkStatusFile(file)).toThrow(LinkStatusFileError)
    try {
      readLinkStatusFile(file)
    } catch (error) {
      expect(error).toMatchObject({ file, line: 3 })
      expect((error as Error).message).toMatch(
        new RegExp(`^${file}:3: invalid link status file: entry 3 \\(https://example\\.com/b\\): status: `),
      )
    }
  })

  it('refuses a file that cannot be read as one', () => {
    expect(() => readLinkStatusFile(dir)).toThrow(/invalid link status file: EISDIR/)
    expect(() => readLinkStatusFile(write('empty.json', ''))).toThrow(
      /empty\.json: invalid link status file: not JSON/,
    )
  })
})
