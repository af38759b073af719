// Node 22 beside the Node 20 that runs the tests: the binary comes from scripts/node22.sh (npm registry package
// node-linux-<arch>, integrity-checked, cached outside the repo), so the tests here always run and fail loudly
// when it cannot be fetched. AWS Lambda's nodejs22.x and the ECS image run Node 22, whose node:zlib has zstd.
import { execFile, execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));

let binary: string | undefined;

/** Absolute path of the Node 22 binary (fetched on first use; about 50 MB, then cached). */
export function node22(): string {
  binary ??= execFileSync('bash', [`${REPO_ROOT}scripts/node22.sh`], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
  }).trim();
  return binary;
}

export interface RunResult {
  stdout: string;
  stderr: string;
}

/** Runs Node 22 with `args`; rejects with its exit status and stderr when it fails. */
export function runNode22(
  args: string[],
  options: { cwd?: string; env?: Record<string, string | undefined> } = {},
): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    execFile(
      node22(),
      args,
      { cwd: options.cwd ?? REPO_ROOT, env: options.env ?? process.env, maxBuffer: 256 * 1024 * 1024 },
      (error, stdout, stderr) => {
        if (error) reject(new Error(`node 22 ${args.join(' ')} failed (${error.message.split('\n')[0]}):\n${stderr}`));
        else resolve({ stdout, stderr });
      },
    );
  });
}
