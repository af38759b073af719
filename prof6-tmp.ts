import { Simulation } from './core/generator/simulation.js';
import { Random } from './core/generator/random.js';
import { resolveOptions } from './core/generator/options.js';
const o = resolveOptions({ events: 3_000_000 });
const v = { page_viewed: 1, product_viewed: 1, search_performed: 1, cart_updated: 1, checkout_started: 1, customer_logged_in: 1, customer_registered: 1, order_created: 1, order_updated: 1, order_cancelled: 1, refund_created: 1, product_upserted: 1, inventory_adjusted: 1 };
const sim = new Simulation(o, v, new Random(1));
for (let i = 0; i < 20000; i++) sim.nextEvent();
const byType = new Map<string, string[]>();
for (let i = 0; i < 50000; i++) { const b = sim.nextEvent(); (byType.get(b.type) ?? byType.set(b.type, []).get(b.type)!).push(b.json); }
for (const [t, arr] of byType) {
  if (arr.length < 500) continue;
  const c0 = process.cpuUsage(); let x = 0;
  for (const s of arr) x += s.charCodeAt(3);
  const c = process.cpuUsage(c0);
  console.log(t, arr.length, 'flatten us', ((c.user + c.system) / arr.length).toFixed(2), 'len', arr[0]!.length);
}
