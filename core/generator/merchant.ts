// Merchant actions in the shop admin, in office hours: catalog edits (product_upserted for a new product, a price
// change, a status or tag change) and stock corrections (inventory_adjusted: cycle counts, damage, shrinkage).
import { productUpserted } from './events/catalog.js';
import { newProduct, setTitle } from './shops.js';
import { cumulative } from './random.js';
import { adjustStock } from './stock.js';
import type { Shop } from './shops.js';
import type { Built } from './events/context.js';
import type { Sim } from './task.js';

export function catalogEdit(sim: Sim, shop: Shop, at: number): Built {
  const { random: r, faker, ids } = sim.ctx;
  if (r.chance(0.12)) {
    const p = newProduct(r, faker, ids, at);
    shop.products.push(p);
    shop.productPopularity = cumulative(shop.products.map((_, k) => 1 / Math.pow(k + 1, 0.9)));
    return productUpserted(sim.ctx, shop, p, at);
  }
  const p = r.pick(shop.products);
  const what = r.float();
  if (what < 0.4) {
    const factor = r.chance(0.5) ? 1 + r.int(5, 20) / 100 : 1 - r.int(5, 30) / 100;
    for (const v of p.variants) v.priceCents = Math.max(99, Math.round((v.priceCents * factor) / 100) * 100 - 1);
    p.viewJson = null;
  } else if (what < 0.5) {
    p.status = p.status === 'active' ? r.pick(['draft', 'archived'] as const) : 'active';
  } else if (what < 0.7) {
    p.tags = r.chance(0.5) ? [] : [r.pick(['new', 'sale', 'bestseller', 'eco', 'limited'])];
  } else if (what < 0.8) {
    setTitle(p, faker.commerce.productName());
  }
  return productUpserted(sim.ctx, shop, p, at);
}

const CORRECTIONS = ['cycle_count', 'cycle_count', 'correction', 'damaged', 'shrinkage'] as const;

export function stockCorrection(sim: Sim, shop: Shop, at: number): Built {
  const r = sim.ctx.random;
  const v = r.pick(r.pick(shop.products).variants);
  const reason = r.pick(CORRECTIONS);
  const delta =
    reason === 'damaged' || reason === 'shrinkage' ? -r.int(1, 3) : r.chance(0.5) ? r.int(1, 6) : -r.int(1, 6);
  return adjustStock(sim, shop, v, at, delta, reason);
}
