// The seed names the file and line of what it refuses. JSON.parse and zod report
// a character position and an array index; these turn either into a line.

/** The 1-based line of a character offset in text. */
export function lineAt(text: string, offset: number): number {
  let line = 1
  const end = Math.min(offset, text.length)
  for (let i = 0; i < end; i++) if (text.charCodeAt(i) === 10) line++
  return line
}

/** The line JSON.parse's error points at ("... at position 42"), if it says. */
export function syntaxErrorLine(text: string, error: Error): number | undefined {
  const position = /at position (\d+)/.exec(error.message)?.[1]
  return position === undefined ? undefined : lineAt(text, Number(position))
}

/**
 * The line each element of a top-level JSON array starts on, for text that
 * JSON.parse accepted: one pass that skips strings and counts nesting.
 */
export function arrayElementLines(text: string): number[] {
  const lines: number[] = []
  let line = 1
  let depth = 0
  let inString = false
  let expectElement = false
  for (let i = 0; i < text.length; i++) {
    const char = text[i]
    if (char === '\n') line++
    if (inString) {
      if (char === '\\') i++
      else if (char === '"') inString = false
      continue
    }
    if (char === ' ' || char === '\t' || char === '\r' || char === '\n') continue
    if (depth === 1 && expectElement && char !== ']') {
      lines.push(line)
      expectElement = false
    }
    if (char === '"') inString = true
    else if (char === '[' || char === '{') {
      depth++
      if (depth === 1) expectElement = char === '['
    } else if (char === ']' || char === '}') depth--
    else if (char === ',' && depth === 1) expectElement = true
  }
  return lines
}
