// Inventory events (topic `inventory`): inventory_adjusted, Shopify's inventory_levels/update webhook for one
// inventory item at one location, with the change and the level after it.
import { isoLocal } from '../time-format.js';
import type { Shop, Variant } from '../shops.js';
import { fromObject } from './context.js';
import type { Built, BuildContext } from './context.js';

export type AdjustReason =
  'received' | 'sold' | 'returned' | 'correction' | 'damaged' | 'shrinkage' | 'restock' | 'cycle_count' | 'other';

/** The variant's `available` must already include `delta`. */
export function inventoryAdjusted(
  ctx: BuildContext,
  shop: Shop,
  v: Variant,
  us: number,
  delta: number,
  reason: AdjustReason,
): Built {
  const off = shop.region.utcOffsetMinutes;
  return fromObject(shop, {
    event_id: ctx.random.uuid(),
    event_type: 'inventory_adjusted',
    schema_version: ctx.versions.inventory_adjusted!,
    event_time: isoLocal(us, off),
    shop_id: shop.id,
    source: reason === 'sold' || reason === 'returned' ? 'shopify_webhook' : 'admin',
    inventory_item_id: v.inventoryItemId,
    location_id: shop.locationId,
    variant_id: v.id,
    product_id: v.productId,
    sku: v.sku,
    available_delta: delta,
    available: v.available,
    reason,
    updated_at: isoLocal(us, off),
  });
}
