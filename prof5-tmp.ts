import { Simulation } from './core/generator/simulation.js';
import { Random } from './core/generator/random.js';
import { resolveOptions } from './core/generator/options.js';
const o = resolveOptions({ events: 3_000_000 });
const v = { page_viewed: 1, product_viewed: 1, search_performed: 1, cart_updated: 1, checkout_started: 1, customer_logged_in: 1, customer_registered: 1, order_created: 1, order_updated: 1, order_cancelled: 1, refund_created: 1, product_upserted: 1, inventory_adjusted: 1 };
const N = 200_000;
const res: Record<string, number> = {};
const slab = Buffer.allocUnsafe(1 << 22); let pos = 0;
const strs: string[] = [];
for (let rep = 0; rep < 3; rep++) {
  const sim = new Simulation(o, v, new Random(rep + 1));
  for (let i = 0; i < 20000; i++) sim.nextEvent();
  const m = (k: string, f: () => void) => { const c0 = process.cpuUsage(); f(); const c = process.cpuUsage(c0); res[k] = Math.min(res[k] ?? 1e9, (c.user + c.system) / N); };
  m('sim', () => { for (let i = 0; i < N; i++) sim.nextEvent(); });
  m('sim+charCodeAt', () => { let x = 0; for (let i = 0; i < N; i++) x += sim.nextEvent().json.charCodeAt(5); });
  m('sim+utf8Write', () => { for (let i = 0; i < N; i++) { const j = sim.nextEvent().json; if (pos + 3 * j.length > slab.length) pos = 0; pos += slab.utf8Write(j, pos); } });
  m('sim+latin1Write', () => { for (let i = 0; i < N; i++) { const j = sim.nextEvent().json; if (pos + 3 * j.length > slab.length) pos = 0; pos += slab.latin1Write(j, pos); } });
  strs.length = 0; for (let i = 0; i < 20000; i++) strs.push(sim.nextEvent().json);
  m('utf8Write of prebuilt x10', () => { for (let k = 0; k < N / 20000; k++) for (const j of strs) { if (pos + 3 * j.length > slab.length) pos = 0; pos += slab.utf8Write(j, pos); } });
}
console.log(Object.fromEntries(Object.entries(res).map(([k, v]) => [k, v.toFixed(2)])));
