import { Simulation } from './core/generator/simulation.js';
import { Random } from './core/generator/random.js';
import { resolveOptions } from './core/generator/options.js';
const parts = Array.from({length: 25}, (_, i) => 'abcdefghij0123456789abcdefghij0123'.slice(0, 20 + (i % 15)));
function cons(k: number) { let s = '{"a":"' + k; for (const p of parts) s += p; return s + '}'; }
const N = 200000;
function t(label: string) { const c0 = process.cpuUsage(); let x = 0; for (let i = 0; i < N; i++) x += cons(i).charCodeAt(3); const c = process.cpuUsage(c0); console.log(label, ((c.user + c.system) / N).toFixed(3)); }
t('before sim');
const o = resolveOptions({ events: 3_000_000 });
const v = { page_viewed: 1, product_viewed: 1, search_performed: 1, cart_updated: 1, checkout_started: 1, customer_logged_in: 1, customer_registered: 1, order_created: 1, order_updated: 1, order_cancelled: 1, refund_created: 1, product_upserted: 1, inventory_adjusted: 1 };
const sim = new Simulation(o, v, new Random(1));
t('after sim built');
for (let i = 0; i < 50000; i++) sim.nextEvent();
t('after 50k events');
console.log(process.memoryUsage());
