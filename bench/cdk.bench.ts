// CDK synth speed: how long `bin/app.ts` takes to synthesize one environment (what `cdk synth -c env=<name>` runs,
// with the real esbuild bundling and the policy plugins), prod with the Control Tower rules on top, the CDK CLI end
// to end, and all infrastructure tests (test/lib) together. Each run is its own child process; the machine is
// shared, so CPU (user + sys of the child) is printed next to wall time.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { fmt, median } from './lib.js';

const root = fileURLToPath(new URL('../', import.meta.url));
const context = (JSON.parse(readFileSync(join(root, 'cdk.json'), 'utf8')) as { context: Record<string, unknown> })
  .context;
const RUNS = Number(process.env.SHOPLAKE_BENCH_RUNS ?? 3);

interface Timing {
  wall: number;
  cpu: number;
}

/** Runs a shell command under bash's `time`; returns wall and CPU seconds of the whole process tree. */
function timed(cmd: string, env: Record<string, string> = {}): Timing {
  const r = spawnSync('bash', ['-c', `TIMEFORMAT='%R %U %S'; time (${cmd} >/dev/null 2>/tmp/shoplake-bench-cdk.err)`], {
    cwd: root,
    env: { ...process.env, ...env },
    encoding: 'utf8',
  });
  if (r.status !== 0) {
    throw new Error(`${cmd} failed (${r.status}): ${readFileSync('/tmp/shoplake-bench-cdk.err', 'utf8').slice(-2000)}`);
  }
  const [wall, user, sys] = r.stderr.trim().split('\n').at(-1)!.split(' ').map(Number);
  return { wall: wall!, cpu: user! + sys! };
}

function synthApp(env: string, extra: Record<string, unknown> = {}): Timing {
  const out = mkdtempSync(join(tmpdir(), 'shoplake-bench-cdk-'));
  try {
    return timed(`node --import tsx bin/app.ts`, {
      CDK_OUTDIR: out,
      CDK_CONTEXT_JSON: JSON.stringify({ ...context, env, ...extra }),
    });
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
}

function report(label: string, runs: Timing[]): { wall: number; cpu: number } {
  const wall = median(runs.map((r) => r.wall));
  const cpu = median(runs.map((r) => r.cpu));
  console.log(`| ${label} | ${runs.length} | ${fmt(wall, 1)} | ${fmt(cpu, 1)} |`);
  return { wall, cpu };
}

console.log('| what | runs | median wall s | median CPU s |');
console.log('|---|---|---|---|');
const results: Record<string, { wall: number; cpu: number }> = {};
for (const env of ['dev', 'staging', 'prod']) {
  results[env] = report(
    `synth ${env} (bin/app.ts, esbuild bundling, cdk-nag, CloudFormation validator)`,
    Array.from({ length: RUNS }, () => synthApp(env)),
  );
}
results.prodCt = report(
  'synth prod + Control Tower rules (cfn-guard)',
  Array.from({ length: RUNS }, () => synthApp('prod', { controlTower: 'true' })),
);
const cliOut = mkdtempSync(join(tmpdir(), 'shoplake-bench-cli-'));
results.cli = report('`npx cdk synth -c env=prod` (CLI end to end, no credentials)', [
  timed(`npx cdk synth -c env=prod -o ${cliOut} --quiet`),
]);
rmSync(cliOut, { recursive: true, force: true });
results.tests = report('all infrastructure tests: `npx vitest run test/lib`', [timed('npx vitest run test/lib')]);

console.log(
  `\nControl Tower rules cost ${fmt(results.prodCt!.cpu / results.prod!.cpu, 2)}x the CPU of a plain prod synth (same run).`,
);
console.log(
  `Targets: one environment < 15 s (slowest median wall ${fmt(Math.max(results.dev!.wall, results.staging!.wall, results.prod!.wall), 1)} s); all infrastructure tests < 60 s (${fmt(results.tests!.wall, 1)} s).`,
);
