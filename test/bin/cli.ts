// Two ways to run the `shoplake` commands in tests:
// - shoplake(args): the real CLI (bin/shoplake.ts through tsx) in a child process: exit code, stdout, stderr;
// - inProcess(args): the same command objects parsed in this process (commander's exitOverride instead of exit,
//   stdout/stderr captured), for the many cases where a process start per case would only cost seconds.
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { Command } from 'commander';
import { localCommand } from '../../bin/commands/local.js';
import { tablesCommand } from '../../bin/commands/tables.js';
import { queryCommand } from '../../bin/commands/query.js';

export const REPO = fileURLToPath(new URL('../..', import.meta.url));

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

export function shoplake(args: string[], env: Record<string, string> = {}): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    execFile(
      process.execPath,
      ['--import', 'tsx', 'bin/shoplake.ts', ...args],
      { cwd: REPO, env: { ...process.env, ...env }, maxBuffer: 64 * 1024 * 1024 },
      (err, stdout, stderr) => {
        if (err && typeof err.code !== 'number') reject(err);
        else resolve({ code: err ? (err.code as number) : 0, stdout, stderr });
      },
    );
  });
}

export interface InProcessResult {
  /** What parseAsync threw (a CommanderError for bad arguments, the action's error otherwise). */
  error: Error | undefined;
  /** process.exitCode as the command left it (undefined: success). */
  exitCode: number | string | undefined;
  stdout: string;
  stderr: string;
}

/** Runs `shoplake <args>` on the local, tables and query commands in this process. Not concurrency-safe. */
export async function inProcess(args: string[]): Promise<InProcessResult> {
  let stdout = '';
  let stderr = '';
  const program = new Command('shoplake')
    .addCommand(localCommand())
    .addCommand(tablesCommand())
    .addCommand(queryCommand());
  const configure = (c: Command): void => {
    c.exitOverride().configureOutput({ writeOut: (s) => (stdout += s), writeErr: (s) => (stderr += s) });
    c.commands.forEach(configure);
  };
  configure(program);
  const out = process.stdout.write.bind(process.stdout);
  const err = process.stderr.write.bind(process.stderr);
  process.stdout.write = ((s: string | Uint8Array) => ((stdout += String(s)), true)) as typeof process.stdout.write;
  process.stderr.write = ((s: string | Uint8Array) => ((stderr += String(s)), true)) as typeof process.stderr.write;
  const before = process.exitCode;
  process.exitCode = undefined;
  try {
    await program.parseAsync(['node', 'shoplake', ...args]);
    return { error: undefined, exitCode: process.exitCode, stdout, stderr };
  } catch (e) {
    return { error: e as Error, exitCode: process.exitCode, stdout, stderr };
  } finally {
    process.stdout.write = out;
    process.stderr.write = err;
    process.exitCode = before;
  }
}
