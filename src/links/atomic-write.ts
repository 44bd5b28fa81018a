import { closeSync, fsyncSync, openSync, readdirSync, renameSync, rmSync, writeSync } from 'node:fs'
import { basename, dirname, join } from 'node:path'

// Files that are reviewed and committed (the status file, the page) are replaced
// whole or not at all: written beside the target, flushed, then renamed over it, so
// a run killed at any moment leaves either the old file or the new one.

const TEMP_MARK = '.writing-'

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM'
  }
}

/** Removes temp files that killed writers left beside `path`. */
export function removeStaleTempFiles(path: string): void {
  const prefix = `${basename(path)}${TEMP_MARK}`
  let names: string[]
  try {
    names = readdirSync(dirname(path))
  } catch {
    return
  }
  for (const name of names) {
    if (!name.startsWith(prefix)) continue
    const pid = Number(name.slice(prefix.length))
    if (!Number.isInteger(pid) || (pid !== process.pid && !isAlive(pid)))
      rmSync(join(dirname(path), name), { force: true })
  }
}

export function writeFileAtomic(path: string, content: string): void {
  const temp = `${path}${TEMP_MARK}${process.pid}`
  try {
    const fd = openSync(temp, 'w')
    try {
      writeSync(fd, content)
      fsyncSync(fd)
    } finally {
      closeSync(fd)
    }
    renameSync(temp, path)
  } catch (error) {
    rmSync(temp, { force: true })
    throw error
  }
  // The rename itself is durable only once the directory is flushed.
  const dir = openSync(dirname(path), 'r')
  try {
    fsyncSync(dir)
  } finally {
    closeSync(dir)
  }
}
