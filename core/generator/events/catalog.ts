// Catalog events (topic `catalog`): product_upserted, Shopify's products/create and products/update webhooks with
// the whole Product resource and all its variants.
import { isoLocal } from '../time-format.js';
import { money } from '../time-format.js';
import type { Product, Shop } from '../shops.js';
import { fromObject } from './context.js';
import type { Built, BuildContext } from './context.js';

export function productUpserted(ctx: BuildContext, shop: Shop, p: Product, us: number): Built {
  const off = shop.region.utcOffsetMinutes;
  const optionName =
    p.variants.length === 1 ? 'Title' : /^(XS|S|M|L|XL)$/.test(p.variants[0]!.title) ? 'Size' : 'Color';
  return fromObject(shop, {
    event_id: ctx.random.uuid(),
    event_type: 'product_upserted',
    schema_version: ctx.versions.product_upserted!,
    event_time: isoLocal(us, off),
    shop_id: shop.id,
    source: 'shopify_webhook',
    product_id: p.id,
    title: p.title,
    handle: p.handle,
    product_type: p.productType,
    vendor: p.vendor,
    status: p.status,
    tags: p.tags.join(', '),
    created_at: isoLocal(p.createdUs, off),
    updated_at: isoLocal(us, off),
    published_at: p.status === 'active' ? isoLocal(p.createdUs, off) : null,
    options: [{ name: optionName, position: 1, values: p.variants.map((v) => v.title) }],
    variants: p.variants.map((v, i) => ({
      variant_id: v.id,
      sku: v.sku,
      title: v.title,
      price: money(v.priceCents),
      compare_at_price: p.tags.includes('sale') ? money(Math.round(v.priceCents * 1.25)) : null,
      position: i + 1,
      inventory_item_id: v.inventoryItemId,
      inventory_quantity: v.available,
      barcode: null,
      weight: Math.round((v.priceCents % 997) + 100) / 1000,
      weight_unit: 'kg',
      option1: v.title,
      option2: null,
      option3: null,
      taxable: true,
      requires_shipping: true,
    })),
  });
}
