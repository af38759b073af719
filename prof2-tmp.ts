import { Simulation } from './core/generator/simulation.js';
import { Random } from './core/generator/random.js';
import { resolveOptions } from './core/generator/options.js';
const o = resolveOptions({ events: 2_000_000 });
const N = 400_000;
function cpu(f: () => void): number { const c0 = process.cpuUsage(); f(); const c = process.cpuUsage(c0); return (c.user + c.system) / N; }
const res: Record<string, number> = {};
for (let rep = 0; rep < 3; rep++) {
  const sim = new Simulation(o, { page_viewed: 1, product_viewed: 1, search_performed: 1, cart_updated: 1, checkout_started: 1, customer_logged_in: 1, customer_registered: 1, order_created: 1, order_updated: 1, order_cancelled: 1, refund_created: 1, product_upserted: 1, inventory_adjusted: 1 }, new Random(rep + 1));
  let L = 0;
  res.sim = Math.min(res.sim ?? 1e9, cpu(() => { for (let i = 0; i < N; i++) L += sim.nextEvent().json.length; }));
  res.simFlat = Math.min(res.simFlat ?? 1e9, cpu(() => { for (let i = 0; i < N; i++) L += Buffer.from(sim.nextEvent().json).length; }));
  const slab = Buffer.allocUnsafe(1 << 20); let pos = 0;
  res.simUtf8Write = Math.min(res.simUtf8Write ?? 1e9, cpu(() => { for (let i = 0; i < N; i++) { const j = sim.nextEvent().json; if (pos + 3 * j.length > slab.length) pos = 0; pos += slab.utf8Write(j, pos); } }));
  res.simLatin1Write = Math.min(res.simLatin1Write ?? 1e9, cpu(() => { for (let i = 0; i < N; i++) { const j = sim.nextEvent().json; if (pos + 3 * j.length > slab.length) pos = 0; pos += slab.latin1Write(j, pos); } }));
}
console.log(Object.fromEntries(Object.entries(res).map(([k, v]) => [k, v.toFixed(2) + 'us'])));
