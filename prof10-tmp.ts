import { Simulation } from './core/generator/simulation.js';
import { Random } from './core/generator/random.js';
import { resolveOptions } from './core/generator/options.js';
const o = resolveOptions({ events: 3_000_000 });
const v = { page_viewed: 1, product_viewed: 1, search_performed: 1, cart_updated: 1, checkout_started: 1, customer_logged_in: 1, customer_registered: 1, order_created: 1, order_updated: 1, order_cancelled: 1, refund_created: 1, product_upserted: 1, inventory_adjusted: 1 };
const sim = new Simulation(o, v, new Random(1));
for (let i = 0; i < 20000; i++) sim.nextEvent();
const tot = new Map<string, [number, number]>();
let x = 0;
for (let i = 0; i < 200000; i++) {
  const b = sim.nextEvent();
  const t0 = process.hrtime.bigint();
  x += b.json.charCodeAt(3);
  const dt = Number(process.hrtime.bigint() - t0);
  const e = tot.get(b.type) ?? [0, 0]; e[0] += dt; e[1]++; tot.set(b.type, e);
}
for (const [t, [ns, n]] of tot) console.log(t.padEnd(20), n, (ns / n / 1000).toFixed(2), 'us');
