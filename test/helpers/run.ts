import { type SpawnSyncReturns, spawnSync } from 'node:child_process'
import { projectRoot } from '../../src/paths.js'

/** Runs one of the project's TypeScript entry points as a real process, as npm scripts do. */
export function runScript(
  script: string,
  args: string[],
  env: Record<string, string>,
  cwd = projectRoot,
): SpawnSyncReturns<string> {
  return spawnSync(process.execPath, ['--import', 'tsx', `${projectRoot}/${script}`, ...args], {
    cwd,
    env: { ...process.env, LOG_LEVEL: 'silent', ...env },
    encoding: 'utf8',
    timeout: 60_000,
  })
}
