import { closeSync, fsyncSync, openSync, readdirSync, renameSync, rmSync, writeSync } from 'node:fs'
import { basename, dirname, join } from 'node:path'

// Files are replaced whole or not at all: written beside the target, flushed, then
// renamed over it, so a process killed at any moment leaves either the old file or
// the new one (the database, the status file, the page). A temp file is named after
// its writer's pid, so leftovers of killed writers can be told from live ones.

const TEMP_MARK = '.writing-'

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM'
  }
}

/** The temp file this process writes `path` through. */
export function tempPathFor(path: string, mark = TEMP_MARK): string {
  return `${path}${mark}${process.pid}`
}

/** Removes temp files that killed writers left beside `path`. */
export function removeStaleTempFiles(path: string, mark = TEMP_MARK): void {
  const prefix = `${basename(path)}${mark}`
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

/** Flushes a file or directory to disk. */
export function fsyncPath(path: string): void {
  const fd = openSync(path, 'r')
  try {
    fsyncSync(fd)
  } finally {
    closeSync(fd)
  }
}

export function writeFileAtomic(path: string, content: string): void {
  const temp = tempPathFor(path)
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
  fsyncPath(dirname(path))
}
