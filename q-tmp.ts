import { Simulation } from './core/generator/simulation.js';
import { Random } from './core/generator/random.js';
import { resolveOptions } from './core/generator/options.js';
const o = resolveOptions({ events: 1_000_000 });
const v = { page_viewed: 1, product_viewed: 1, search_performed: 1, cart_updated: 1, checkout_started: 1, customer_logged_in: 1, customer_registered: 1, order_created: 1, order_updated: 1, order_cancelled: 1, refund_created: 1, product_upserted: 1, inventory_adjusted: 1 };
const sim = new Simulation(o, v, new Random(1));
for (let i = 0; i < 900_000; i++) { sim.nextEvent(); if (i % 100000 === 0) console.log(i, (sim as any).queueSize ?? 'n/a'); }
