/**
 * cli-runs.ts - runs the interactive subcommands (`telepay ussd`, `call`, `wap`) as an operator
 * would script them: the real program in a child process with its stdin a pipe, or the
 * subcommand's function in-process on in-memory streams; and as a person runs them: the real
 * program on a pseudo-terminal (util-linux `script`), keys typed into it and its screen read
 * back; and any command run in a directory of its own (telepayIn). Exports CliRun, telepayChild,
 * telepayIn, envWith, inProcess, TerminalRun, telepayOnTerminal, terminalExitBoundMs and
 * endedByKeys.
 */
import type { ChildProcess } from 'node:child_process'
import { spawn } from 'node:child_process'
import { resolve } from 'node:path'
import { PassThrough, Readable } from 'node:stream'
import { logCopyDirVariable } from '../../src/service/log.js'
import type { TerminalIo } from '../../src/tools/cli/terminal-io.js'

export interface CliRun {
  readonly code: number | null
  readonly stdout: string
  readonly stderr: string
}

/** `node bin/telepay.js <subcommand> ...args` with `stdin` written to its pipe and closed. */
export function telepayChild(
  subcommand: string,
  args: readonly string[],
  stdin: string,
): Promise<CliRun> {
  const child = spawn(process.execPath, [resolve('bin/telepay.js'), subcommand, ...args], {
    stdio: ['pipe', 'pipe', 'pipe'],
  })
  child.stdin.end(stdin)
  return finished(child)
}

/**
 * `node bin/telepay.js ...args` in `cwd`, without the test run's TELEPAY_* settings (a developer's
 * own would change what the command reads) but with `env`'s, and no input.
 */
export function telepayIn(
  args: readonly string[],
  options: { readonly cwd: string; readonly env?: Record<string, string> },
): Promise<CliRun> {
  const child = spawn(process.execPath, [resolve('bin/telepay.js'), ...args], {
    cwd: options.cwd,
    env: envWith(options.env ?? {}),
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  return finished(child)
}

/** The environment of the test run without any TELEPAY_* setting, plus the given ones. */
export function envWith(extra: Record<string, string>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {}
  for (const [key, value] of Object.entries(process.env))
    if (!key.startsWith('TELEPAY_') || key === logCopyDirVariable) env[key] = value
  return { ...env, ...extra }
}

/** What a child printed, once it ended. */
function finished(child: ChildProcess): Promise<CliRun> {
  return new Promise((done, reject) => {
    let stdout = ''
    let stderr = ''
    child.stdout?.on('data', (chunk: Buffer) => {
      stdout += chunk.toString('utf8')
    })
    child.stderr?.on('data', (chunk: Buffer) => {
      stderr += chunk.toString('utf8')
    })
    child.once('error', reject)
    child.once('close', (code) => done({ code, stdout, stderr }))
  })
}

/** A subcommand's run function with `lines` as piped input (not a terminal). */
export async function inProcess(
  run: (args: string[], io: TerminalIo) => Promise<number>,
  args: string[],
  lines: readonly string[] = [],
): Promise<CliRun & { readonly code: number }> {
  const stdout = new PassThrough()
  const stderr = new PassThrough()
  let out = ''
  let err = ''
  stdout.on('data', (chunk: Buffer) => {
    out += chunk.toString('utf8')
  })
  stderr.on('data', (chunk: Buffer) => {
    err += chunk.toString('utf8')
  })
  const code = await run(args, {
    stdin: Readable.from(lines.map((line) => `${line}\n`)),
    stdout,
    stderr,
    interactive: false,
  })
  return { code, stdout: out, stderr: err }
}

/** How long a program on a terminal may take to exit by itself once its session is over. */
export const terminalExitBoundMs = 3_000

/**
 * The program on a pseudo-terminal: what it showed, the keys typed, and whether it exited by
 * itself.
 */
export interface TerminalRun {
  /**
   * Everything the terminal showed so far: the program's output and the terminal's own echo,
   * without CRs.
   */
  screen(): string
  /** Writes keys to the terminal as typed: `\r` is Enter, `\x03` Ctrl-C, `\x04` Ctrl-D. */
  type(keys: string): void
  /** Resolves once the screen matches; rejects with the screen after `withinMs`. */
  waitFor(pattern: RegExp, withinMs?: number): Promise<void>
  /**
   * The exit code once the program ended by itself within `withinMs`; else it is killed and this
   * rejects.
   */
  exit(withinMs: number): Promise<number | null>
}

const quote = (word: string): string => `'${word.replace(/'/g, `'\\''`)}'`

/**
 * `node bin/telepay.js <subcommand> ...args` on a pseudo-terminal of its own, as a person runs it
 * in a shell.
 */
export function telepayOnTerminal(subcommand: string, args: readonly string[]): TerminalRun {
  const command = [process.execPath, resolve('bin/telepay.js'), subcommand, ...args]
    .map(quote)
    .join(' ')
  // -e: script exits with the program's code; -f: output as it comes; -q: no banner.
  const child = spawn('script', ['-qfec', command, '/dev/null'], {
    stdio: ['pipe', 'pipe', 'pipe'],
  })
  let shown = ''
  const listeners = new Set<() => void>()
  const onOutput = (chunk: Buffer): void => {
    shown += chunk.toString('utf8').replace(/\r/g, '')
    for (const listener of listeners) listener()
  }
  child.stdout.on('data', onOutput)
  child.stderr.on('data', onOutput)
  const closed = new Promise<number | null>((done) => child.on('close', (code) => done(code)))
  return {
    screen: () => shown,
    type: (keys) => {
      child.stdin.write(keys)
    },
    waitFor: (pattern, withinMs = 10_000) =>
      new Promise((done, reject) => {
        const check = (): void => {
          if (!pattern.test(shown)) return
          clearTimeout(timer)
          listeners.delete(check)
          done()
        }
        const timer = setTimeout(() => {
          listeners.delete(check)
          reject(
            new Error(
              `the terminal never showed ${String(pattern)} in ${withinMs} ms; it shows:\n${shown}`,
            ),
          )
        }, withinMs)
        listeners.add(check)
        check()
      }),
    exit: async (withinMs) => {
      let timer: NodeJS.Timeout | undefined
      const late = new Promise<'late'>((done) => {
        timer = setTimeout(() => done('late'), withinMs)
      })
      const code = await Promise.race([closed, late])
      clearTimeout(timer)
      if (code !== 'late') return code
      child.kill('SIGKILL')
      await closed
      throw new Error(
        `the program did not exit by itself within ${withinMs} ms; the terminal shows:\n${shown}`,
      )
    },
  }
}

/**
 * One run of the program on a terminal per entry of `keys`, side by side: each waits for
 * `prompt`, is typed its keys, and must then exit by itself; each run with its exit code.
 */
export async function endedByKeys(
  subcommand: string,
  args: readonly string[],
  prompt: RegExp,
  keys: readonly string[],
): Promise<{ readonly run: TerminalRun; readonly code: number | null }[]> {
  const runs = keys.map(() => telepayOnTerminal(subcommand, args))
  await Promise.all(runs.map((run) => run.waitFor(prompt)))
  for (const [index, run] of runs.entries()) run.type(keys[index] ?? '')
  return Promise.all(runs.map(async (run) => ({ run, code: await run.exit(terminalExitBoundMs) })))
}
