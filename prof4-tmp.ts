import { Simulation } from './core/generator/simulation.js';
import { Random } from './core/generator/random.js';
import { resolveOptions } from './core/generator/options.js';
const o = resolveOptions({ events: 3_000_000 });
const v = { page_viewed: 1, product_viewed: 1, search_performed: 1, cart_updated: 1, checkout_started: 1, customer_logged_in: 1, customer_registered: 1, order_created: 1, order_updated: 1, order_cancelled: 1, refund_created: 1, product_upserted: 1, inventory_adjusted: 1 };
const N = 300_000;
let best = 1e9; let bestW = 1e9;
for (let rep = 0; rep < 4; rep++) {
  const sim = new Simulation(o, v, new Random(rep + 1));
  for (let i = 0; i < 20000; i++) sim.nextEvent();
  const slab = Buffer.allocUnsafe(1 << 22); let pos = 0;
  const c0 = process.cpuUsage();
  for (let i = 0; i < N; i++) sim.nextEvent();
  const c = process.cpuUsage(c0); best = Math.min(best, (c.user + c.system) / N);
  const c1 = process.cpuUsage();
  for (let i = 0; i < N; i++) { const j = sim.nextEvent().json; if (pos + 3 * j.length > slab.length) pos = 0; pos += slab.utf8Write(j, pos); }
  const c2 = process.cpuUsage(c1); bestW = Math.min(bestW, (c2.user + c2.system) / N);
}
console.log('sim us/event', best.toFixed(2), 'sim+utf8Write', bestW.toFixed(2));
