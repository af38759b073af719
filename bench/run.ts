// `npm run bench [-- <name-filter>...]`: runs every bench/*.bench.ts in its own process, one after another,
// so that each gets a clean heap and its own peak RSS. Figures go to stdout; record them in docs/benchmarks.md.
import { readdirSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const filters = process.argv.slice(2);
const files = readdirSync(here)
  .filter((f) => f.endsWith('.bench.ts'))
  .filter((f) => filters.length === 0 || filters.some((x) => f.includes(x)))
  .sort();

if (files.length === 0) {
  console.error(`no benchmark matches ${filters.join(', ') || '(any)'}`);
  process.exit(1);
}
let failed = 0;
for (const f of files) {
  console.log(`\n## ${f}  (node ${process.version}, ${new Date().toISOString()})\n`);
  const r = spawnSync(process.execPath, ['--import', 'tsx', '--expose-gc', join(here, f)], { stdio: 'inherit' });
  if (r.status !== 0) {
    failed++;
    console.error(`${f} exited with ${r.status ?? r.signal}`);
  }
}
process.exit(failed ? 1 : 0);
