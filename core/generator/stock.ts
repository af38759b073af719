// Stock levels: every change goes through adjustStock, which applies it to the variant and emits the
// inventory_adjusted event with the level after it. A sale that takes a variant below the reorder point schedules
// a delivery (`received`) one to four days later, in the merchant's office hours.
import { inventoryAdjusted } from './events/inventory.js';
import type { AdjustReason } from './events/inventory.js';
import type { Shop, Variant } from './shops.js';
import type { Built } from './events/context.js';
import type { Sim } from './task.js';

const REORDER_POINT = 5;
const DAY_US = 86_400_000_000;

export function adjustStock(sim: Sim, shop: Shop, v: Variant, at: number, delta: number, reason: AdjustReason): Built {
  v.available += delta;
  const event = inventoryAdjusted(sim.ctx, shop, v, at, delta, reason);
  if (v.available < REORDER_POINT && !v.restockPending) {
    v.restockPending = true;
    const r = sim.ctx.random;
    const when = officeHours(at + r.int(1, 4) * DAY_US, shop.region.utcOffsetMinutes) + r.int(0, 7 * 3600) * 1_000_000;
    sim.later(when, (s, t) => {
      v.restockPending = false;
      return adjustStock(s, shop, v, t, s.ctx.random.int(24, 144), 'received');
    });
  }
  return event;
}

/** The same local day at 09:00 shop time. */
function officeHours(us: number, offsetMinutes: number): number {
  const local = us + offsetMinutes * 60_000_000;
  const dayStart = Math.floor(local / DAY_US) * DAY_US;
  return dayStart + 9 * 3_600_000_000 - offsetMinutes * 60_000_000;
}
