// CDK synth speed: how long `bin/app.ts` takes to synthesize one environment (what `cdk synth -c env=<name>` runs,
// with the real esbuild bundling and the policy plugins), prod with the Control Tower rules on top, the CDK CLI end
// to end, all infrastructure tests (test/lib) together, and cfn-guard over the prod templates with the full Control
// Tower rule set against the rules lib/compliance/plugins.ts selects. Each run is its own child process; the machine
// is shared, so CPU (user + sys of the process tree) is printed next to wall time.
//   SHOPLAKE_BENCH_CDK_SECTIONS=synth,cli,tests,guard (default: all)   SHOPLAKE_BENCH_RUNS=3
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { controlTowerRules } from '../lib/compliance/plugins.js';
import { fmt, median } from './lib.js';

const root = fileURLToPath(new URL('../', import.meta.url));
const context = (JSON.parse(readFileSync(join(root, 'cdk.json'), 'utf8')) as { context: Record<string, unknown> })
  .context;
const RUNS = Number(process.env.SHOPLAKE_BENCH_RUNS ?? 3);
const SECTIONS = (process.env.SHOPLAKE_BENCH_CDK_SECTIONS ?? 'synth,cli,tests,guard').split(',');

interface Timing {
  wall: number;
  cpu: number;
}

/** Runs a shell command under bash's `time`; returns wall and CPU seconds of the whole process tree. */
function timed(cmd: string, env: Record<string, string> = {}): Timing {
  const r = spawnSync(
    'bash',
    ['-c', `TIMEFORMAT='%R %U %S'; time ({ ${cmd}; } >/dev/null 2>/tmp/shoplake-bench-cdk.err)`],
    {
      cwd: root,
      env: { ...process.env, ...env },
      encoding: 'utf8',
    },
  );
  if (r.status !== 0) {
    throw new Error(`${cmd} failed (${r.status}): ${readFileSync('/tmp/shoplake-bench-cdk.err', 'utf8').slice(-2000)}`);
  }
  const [wall, user, sys] = r.stderr.trim().split('\n').at(-1)!.split(' ').map(Number);
  return { wall: wall!, cpu: user! + sys! };
}

function synthApp(env: string, extra: Record<string, unknown> = {}, keep?: string): Timing {
  const out = keep ?? mkdtempSync(join(tmpdir(), 'shoplake-bench-cdk-'));
  try {
    return timed(`node --import tsx bin/app.ts`, {
      CDK_OUTDIR: out,
      CDK_CONTEXT_JSON: JSON.stringify({ ...context, env, ...extra }),
    });
  } finally {
    if (!keep) rmSync(out, { recursive: true, force: true });
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
if (SECTIONS.includes('synth')) {
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
}
if (SECTIONS.includes('cli')) {
  const cliOut = mkdtempSync(join(tmpdir(), 'shoplake-bench-cli-'));
  results.cli = report('`npx cdk synth -c env=prod` (CLI end to end, no credentials)', [
    timed(`npx cdk synth -c env=prod -o ${cliOut} --quiet`),
  ]);
  rmSync(cliOut, { recursive: true, force: true });
}
if (SECTIONS.includes('tests')) {
  results.tests = report('all infrastructure tests: `npx vitest run test/lib`', [timed('npx vitest run test/lib')]);
}
if (SECTIONS.includes('guard')) {
  // cfn-guard over the seven prod templates: the package's full Control Tower rule set, then the rules naming a
  // resource type the templates hold (what ControlTowerChecks runs). Same run, same templates.
  const out = mkdtempSync(join(tmpdir(), 'shoplake-bench-guard-'));
  try {
    synthApp('prod', {}, out);
    const templates = readdirSync(out)
      .filter((f) => f.endsWith('.template.json'))
      .map((f) => join(out, f));
    const present = new Set(
      templates.flatMap((t) =>
        Object.values(
          (JSON.parse(readFileSync(t, 'utf8')) as { Resources: Record<string, { Type: string }> }).Resources,
        ).map((r) => r.Type),
      ),
    );
    const pkg = join(createRequire(import.meta.url).resolve('@cdklabs/cdk-validator-cfnguard'), '../..');
    const arch = process.arch === 'arm64' ? 'aarch64' : 'x86_64';
    const guard = join(pkg, 'bin', process.platform === 'darwin' ? 'macos' : 'ubuntu', arch, 'cfn-guard');
    const rulesDir = join(pkg, 'rules/control-tower/cfn-guard');
    const all = controlTowerRules();
    const selected = all.filter((r) => r.types.length === 0 || r.types.some((t) => present.has(t)));
    const files = (names: Set<string>) =>
      readdirSync(rulesDir, { recursive: true, encoding: 'utf8' })
        .filter((f) => f.endsWith('.guard') && names.has(f.replace(/^.*\//, '').replace(/\.guard$/, '')))
        .map((f) => `--rules ${join(rulesDir, f)}`)
        .join(' ');
    // cfn-guard exits 19 when a rule fails (the acknowledged findings): `|| true`, the output is not checked here.
    const run = (rules: string) =>
      timed(
        `${guard} validate ${rules} ${templates.map((t) => `--data ${t}`).join(' ')} --output-format json --show-summary none --structured || true`,
      );
    results.guardAll = report(
      `cfn-guard, prod templates, all ${all.length} Control Tower rules`,
      Array.from({ length: RUNS }, () => run(files(new Set(all.map((r) => r.name))))),
    );
    results.guardSelected = report(
      `cfn-guard, prod templates, the ${selected.length} rules naming a resource type present`,
      Array.from({ length: RUNS }, () => run(files(new Set(selected.map((r) => r.name))))),
    );
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
}

if (results.prodCt && results.prod)
  console.log(
    `\nControl Tower rules cost ${fmt(results.prodCt.cpu / results.prod.cpu, 2)}x the CPU of a plain prod synth (same run).`,
  );
if (results.guardAll && results.guardSelected)
  console.log(
    `cfn-guard CPU, all rules / selected rules: ${fmt(results.guardAll.cpu / results.guardSelected.cpu, 2)}x (same run).`,
  );
if (results.dev && results.staging && results.prod)
  console.log(
    `Targets: one environment < 15 s (slowest median: wall ${fmt(Math.max(results.dev.wall, results.staging.wall, results.prod.wall), 1)} s, CPU ${fmt(Math.max(results.dev.cpu, results.staging.cpu, results.prod.cpu), 1)} s).`,
  );
if (results.tests)
  console.log(
    `All infrastructure tests < 60 s: wall ${fmt(results.tests.wall, 1)} s, CPU ${fmt(results.tests.cpu, 1)} s.`,
  );
