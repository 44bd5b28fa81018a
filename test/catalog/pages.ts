import { join } from 'node:path'
import { projectRoot } from '../../src/paths.js'

/** Titles, descriptions and a heading that hold <script>, markup, quotes and ampersands. */
export const HOSTILE_PAGE = join(projectRoot, 'test', 'fixtures', 'hostile.markdown')
export const SCRIPT_TITLE = '<script>window.pwned = 1</script> Docker & "Compose" tips'
export const QUOTES_TITLE = 'Tom & Jerry\'s "Docker" guide'
export const HOSTILE_HEADING = 'Hostile & "quoted" <b>text</b>'
