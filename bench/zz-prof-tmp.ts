import { validate, contracts } from '../core/contracts/index.js';
import { readFileSync } from 'node:fs';
const evs = JSON.parse(readFileSync('/tmp/evs.json', 'utf8')) as object[];
contracts();
const opts = { now: 1743465600000 };
for (let k = 0; k < 3; k++) {
  let ok = 0;
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  for (let r = 0; r < 30; r++) for (const e of evs) if (validate(e, opts).ok) ok++;
  const c = process.cpuUsage(c0);
  const cpu = (c.user + c.system) / 1e6;
  console.log(ok, 'wall', (ok / (performance.now() - t0) * 1000).toFixed(0), 'ev/s; cpu', (ok / cpu).toFixed(0), 'ev/cpu-s');
}
