import { existsSync, readFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

// The same modules run from src/ (tsx, vitest) and from dist/src/ (production), so
// files shipped beside the code (migrations/, seed/) are found from the package root.
function findProjectRoot(start: string): string {
  let dir = start
  while (!existsSync(join(dir, 'package.json'))) {
    const parent = dirname(dir)
    if (parent === dir) throw new Error(`package.json not found above ${start}`)
    dir = parent
  }
  return dir
}

export const projectRoot = findProjectRoot(dirname(fileURLToPath(import.meta.url)))
export const migrationsFolder = join(projectRoot, 'migrations')
export const defaultSeedPage = join(projectRoot, 'seed', 'docker.markdown')
/** Written by npm run check-links; the seed reads it when it is there. */
export const defaultLinkStatusFile = join(projectRoot, 'seed', 'link-status.json')
export const defaultDatabasePath = join(projectRoot, 'data', 'resources.db')
/** The production server, bundled by npm run build; npm start, the image, the bench and the stress run start it. */
export const serverBundle = join(projectRoot, 'dist', 'server.mjs')

export const packageInfo = JSON.parse(readFileSync(join(projectRoot, 'package.json'), 'utf8')) as {
  name: string
  version: string
  description: string
}
