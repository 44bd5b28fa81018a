import { type ChildProcess, spawn } from 'node:child_process'
import { projectRoot } from '../../../src/paths.js'

// The curator's commands as real processes (as `npm run` starts them), without
// blocking this process: the fixture servers the command talks to run in it.

export type CliResult = { code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string }
export type RunningCli = { child: ChildProcess; stderr: () => string; done: Promise<CliResult> }

export function startCli(script: string, args: string[], env: Record<string, string> = {}): RunningCli {
  const child = spawn(process.execPath, ['--import', 'tsx', `${projectRoot}/${script}`, ...args], {
    cwd: projectRoot,
    // Nothing listens on port 9 of loopback: a test that forgot its own archive gets a
    // refused connection, never the real Wayback Machine.
    env: { ...process.env, WAYBACK_URL: 'http://127.0.0.1:9', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let stdout = ''
  let stderr = ''
  child.stdout?.setEncoding('utf8').on('data', (chunk: string) => {
    stdout += chunk
  })
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
    stderr += chunk
  })
  const done = new Promise<CliResult>((resolve, reject) => {
    child.on('error', reject)
    child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr }))
  })
  return { child, stderr: () => stderr, done }
}

export function runCli(script: string, args: string[], env: Record<string, string> = {}): Promise<CliResult> {
  return startCli(script, args, env).done
}

/** Resolves once the process's stderr matches `pattern` (or rejects after `timeoutMs`). */
export async function waitForStderr(cli: RunningCli, pattern: RegExp, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (!pattern.test(cli.stderr())) {
    if (Date.now() > deadline) throw new Error(`stderr never matched ${pattern}: ${cli.stderr()}`)
    await new Promise((resolve) => setTimeout(resolve, 20))
  }
}
