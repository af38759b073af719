import { generateEvents } from './core/generator/generate-events.js';
import { loadContractsFromDir } from './core/contracts/load-dir.js';
import { createValidator } from './core/contracts/validate.js';
const set = loadContractsFromDir('glue-schemas');
const validate = createValidator(set);
const s = generateEvents({ events: 100_000, seed: 3 });
const errs = new Map<string, number>();
const badByKind = new Map<string, Map<string, number>>();
for (const r of s) {
  let parsed: unknown;
  try { parsed = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(r.value)); } catch { parsed = undefined; }
  if (r.kind === 'good' || r.kind === 'late' || r.kind === 'duplicate') {
    const res = validate(parsed, { now: r.timestamp, topic: r.topic });
    if (!res.ok) for (const e of res.errors) { const k = `${r.eventType} ${e.path} ${e.code} ${e.message}`.slice(0, 200); errs.set(k, (errs.get(k) ?? 0) + 1); }
  } else {
    const m = badByKind.get(r.kind) ?? new Map(); badByKind.set(r.kind, m);
    if (parsed === undefined) { m.set('unparseable', (m.get('unparseable') ?? 0) + 1); continue; }
    const res = validate(parsed, { now: r.timestamp, topic: r.topic });
    const k = res.ok ? 'VALID!' : res.errors.map((e) => e.code).join(',');
    m.set(k, (m.get(k) ?? 0) + 1);
  }
}
console.log([...errs].sort((a, b) => b[1] - a[1]).slice(0, 40));
console.log(badByKind);
