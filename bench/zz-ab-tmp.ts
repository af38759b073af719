import { readFileSync } from 'node:fs';
import { contracts } from '../core/contracts/index.js';
import { createValidator } from '../core/contracts/validate.js';
const evs = JSON.parse(readFileSync('/tmp/evs.json', 'utf8')) as object[];
const set = contracts();
const mode = process.argv[2] ?? 'x';
const v = createValidator(set);
const opts = { now: 1743465600000 };
const best: number[] = [];
for (let k = 0; k < 12; k++) {
  let ok = 0;
  const c0 = process.cpuUsage();
  for (let r = 0; r < 10; r++) for (const e of evs) if (v(e, opts).ok) ok++;
  const c = process.cpuUsage(c0);
  best.push(ok / ((c.user + c.system) / 1e6));
}
best.sort((a, b) => b - a);
console.log(mode, 'best', best[0]!.toFixed(0), 'median', best[6]!.toFixed(0), 'ev/cpu-s');
