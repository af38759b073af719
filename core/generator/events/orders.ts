// Order lifecycle events (topic `orders`), shaped like Shopify's orders/create, orders/updated, orders/cancelled and
// refunds/create webhooks. placeOrder turns a checkout into an Order (and takes the stock); the builders render the
// order's state at the event time. Webhook timestamps carry the shop's local offset at second precision.
import { isoLocal, money } from '../time-format.js';
import type { Customer, Shop } from '../shops.js';
import { fromObject } from './context.js';
import type { Built, BuildContext, Cart, Order } from './context.js';
import type { OrderCancelledEvent } from '../../contracts/index.js';

/** Tax rate per currency (VAT-style prices include tax outside North America). */
export function taxRateOf(shop: Shop): number {
  switch (shop.region.currency) {
    case 'USD':
      return 0.0725;
    case 'CAD':
      return 0.13;
    case 'GBP':
      return 0.2;
    case 'EUR':
      return 0.19;
    case 'AUD':
      return 0.1;
    default:
      return 0.1;
  }
}

const DISCOUNT_CODES = ['WELCOME10', 'SPRING15', 'FREESHIP', 'VIP20'];

export function placeOrder(
  ctx: BuildContext,
  shop: Shop,
  cart: Cart,
  customer: Customer | null,
  us: number,
  tokens: { checkout: string | null; cart: string | null; ip: string | null },
): Order {
  const r = ctx.random;
  const taxesIncluded = shop.region.country !== 'US' && shop.region.country !== 'CA';
  const rate = taxRateOf(shop);
  const code = r.chance(0.18) ? r.pick(DISCOUNT_CODES) : null;
  const pct = code === 'VIP20' ? 0.2 : code === 'SPRING15' ? 0.15 : code === 'WELCOME10' ? 0.1 : 0;
  let subtotal = 0;
  let discount = 0;
  const lines = cart.lines.map((l) => {
    const d = Math.round(l.variant.priceCents * l.quantity * pct);
    subtotal += l.variant.priceCents * l.quantity - d;
    discount += d;
    return {
      lineItemId: ctx.ids.lineItem.next(),
      product: l.product,
      variant: l.variant,
      quantity: l.quantity,
      priceCents: l.variant.priceCents,
      discountCents: d,
      refunded: 0,
    };
  });
  const shipping = code === 'FREESHIP' || subtotal >= 7500 ? 0 : r.pick([499, 695, 995]);
  const tax = taxesIncluded ? Math.round((subtotal * rate) / (1 + rate)) : Math.round(subtotal * rate);
  const total = subtotal + shipping + (taxesIncluded ? 0 : tax);
  if (customer) customer.ordersCount++;
  const number = shop.nextOrderNumber++;
  return {
    shop,
    id: ctx.ids.order.next(),
    number,
    name: `#${number}`,
    customer,
    email: customer?.email ?? (r.chance(0.9) ? guestEmail(ctx) : null),
    currency: shop.region.currency,
    lines,
    subtotalCents: subtotal,
    discountCents: discount,
    taxCents: tax,
    shippingCents: shipping,
    totalCents: total,
    taxesIncluded,
    financialStatus: r.chance(0.85) ? 'paid' : r.chance(0.7) ? 'authorized' : 'pending',
    fulfillmentStatus: null,
    tags: r.chance(0.2) ? r.pick(['wholesale', 'gift', 'first-order', 'subscription']) : '',
    discountCode: code,
    createdUs: us,
    refundedCents: 0,
    checkoutToken: tokens.checkout,
    cartToken: tokens.cart,
    browserIp: tokens.ip,
    cancelled: false,
  };
}

function guestEmail(ctx: BuildContext): string {
  const r = ctx.random;
  return `${r.pick(ctx.people.firstNames)}${r.int(1, 9999)}@example.com`.toLowerCase().replace(/[^a-z0-9.@_-]/g, '');
}

export function orderCreated(ctx: BuildContext, o: Order, us: number): Built {
  const off = o.shop.region.utcOffsetMinutes;
  const c = o.customer;
  return fromObject(o.shop, {
    event_id: ctx.random.uuid(),
    event_type: 'order_created',
    schema_version: ctx.versions.order_created!,
    event_time: isoLocal(us, off),
    shop_id: o.shop.id,
    source: 'shopify_webhook',
    order_id: o.id,
    order_number: o.number,
    name: o.name,
    email: o.email,
    currency: o.currency,
    subtotal_price: money(o.subtotalCents),
    total_discounts: money(o.discountCents),
    total_tax: money(o.taxCents),
    total_shipping_price: money(o.shippingCents),
    total_price: money(o.totalCents),
    taxes_included: o.taxesIncluded,
    financial_status: o.financialStatus,
    fulfillment_status: null,
    processed_at: isoLocal(us, off),
    source_name: o.checkoutToken ? 'web' : 'pos',
    checkout_token: o.checkoutToken,
    cart_token: o.cartToken,
    browser_ip: o.browserIp,
    tags: o.tags,
    discount_codes: o.discountCode
      ? [
          {
            code: o.discountCode,
            amount: money(o.discountCode === 'FREESHIP' ? 0 : o.discountCents),
            type: o.discountCode === 'FREESHIP' ? 'shipping' : 'percentage',
          },
        ]
      : [],
    note_attributes: o.tags === 'gift' ? { gift_message: 'Happy birthday!' } : null,
    customer: c
      ? {
          id: c.id,
          email: c.email,
          phone: c.phone,
          first_name: c.firstName,
          last_name: c.lastName,
          accepts_marketing: c.acceptsMarketing,
          orders_count: c.ordersCount,
          created_at: isoLocal(c.createdUs, off),
        }
      : null,
    shipping_address: c
      ? {
          first_name: c.firstName,
          last_name: c.lastName,
          company: null,
          address1: c.address.address1,
          address2: null,
          city: c.address.city,
          province: null,
          province_code: c.address.province_code || null,
          country: null,
          country_code: c.address.country_code,
          zip: c.address.zip,
          phone: c.phone,
        }
      : null,
    line_items: o.lines.map((l) => ({
      line_item_id: l.lineItemId,
      product_id: l.product.id,
      variant_id: l.variant.id,
      sku: l.variant.sku,
      title: l.product.title,
      variant_title: l.variant.title === 'Default Title' ? null : l.variant.title,
      vendor: l.product.vendor,
      quantity: l.quantity,
      price: money(l.priceCents),
      total_discount: money(l.discountCents),
      requires_shipping: true,
      taxable: true,
      gift_card: false,
    })),
  });
}

/** The order's state after a change; `changed` lists what changed (Shopify's updated_fields). */
export function orderUpdated(ctx: BuildContext, o: Order, us: number, changed: string[]): Built {
  const off = o.shop.region.utcOffsetMinutes;
  const fulfilled = o.fulfillmentStatus === 'fulfilled';
  return fromObject(o.shop, {
    event_id: ctx.random.uuid(),
    event_type: 'order_updated',
    schema_version: ctx.versions.order_updated!,
    event_time: isoLocal(us, off),
    shop_id: o.shop.id,
    source: 'shopify_webhook',
    order_id: o.id,
    order_number: o.number,
    name: o.name,
    email: o.email,
    currency: o.currency,
    subtotal_price: money(o.subtotalCents),
    total_discounts: money(o.discountCents),
    total_tax: money(o.taxCents),
    total_price: money(o.totalCents),
    financial_status: o.financialStatus,
    fulfillment_status: o.fulfillmentStatus,
    updated_at: isoLocal(us, off),
    tags: o.tags,
    updated_fields: changed,
    line_items: o.lines.map((l) => ({
      line_item_id: l.lineItemId,
      product_id: l.product.id,
      variant_id: l.variant.id,
      sku: l.variant.sku,
      quantity: l.quantity - l.refunded,
      price: money(l.priceCents),
      fulfillable_quantity: fulfilled || o.cancelled ? 0 : l.quantity - l.refunded,
      fulfillment_status: fulfilled ? 'fulfilled' : null,
    })),
  });
}

export function orderCancelled(
  ctx: BuildContext,
  o: Order,
  us: number,
  reason: OrderCancelledEvent['cancel_reason'],
): Built {
  const off = o.shop.region.utcOffsetMinutes;
  return fromObject(o.shop, {
    event_id: ctx.random.uuid(),
    event_type: 'order_cancelled',
    schema_version: ctx.versions.order_cancelled!,
    event_time: isoLocal(us, off),
    shop_id: o.shop.id,
    source: 'shopify_webhook',
    order_id: o.id,
    order_number: o.number,
    name: o.name,
    email: o.email,
    cancelled_at: isoLocal(us, off),
    cancel_reason: reason,
    currency: o.currency,
    total_price: money(o.totalCents),
    financial_status: o.financialStatus,
    restock: true,
    notify_customer: ctx.random.chance(0.8),
  });
}

/** A refund of `units` units of each line in `lines` (all of them when `full`), as refunds/create sends it. */
export function refundCreated(ctx: BuildContext, o: Order, us: number, refund: RefundPlan): Built {
  const off = o.shop.region.utcOffsetMinutes;
  return fromObject(o.shop, {
    event_id: ctx.random.uuid(),
    event_type: 'refund_created',
    schema_version: ctx.versions.refund_created!,
    event_time: isoLocal(us, off),
    shop_id: o.shop.id,
    source: 'shopify_webhook',
    refund_id: refund.id,
    order_id: o.id,
    processed_at: isoLocal(us, off),
    currency: o.currency,
    total_refunded: money(refund.totalCents),
    shipping_refunded: money(refund.shippingCents),
    restock: refund.restock,
    note: refund.note,
    refund_line_items: refund.lines.map((l) => ({
      refund_line_item_id: l.refundLineItemId,
      line_item_id: l.line.lineItemId,
      product_id: l.line.product.id,
      variant_id: l.line.variant.id,
      quantity: l.quantity,
      restock_type: refund.restock ? 'return' : 'no_restock',
      subtotal: money(l.subtotalCents),
      total_tax: money(l.taxCents),
    })),
  });
}

export interface RefundPlan {
  id: number;
  totalCents: number;
  shippingCents: number;
  restock: boolean;
  note: string | null;
  lines: Array<{
    refundLineItemId: number;
    line: Order['lines'][number];
    quantity: number;
    subtotalCents: number;
    taxCents: number;
  }>;
}

const REFUND_NOTES = ['Wrong size', 'Arrived damaged', 'Changed my mind', 'Item not as described', null, null];

/** Refunds some or all of the order's units and updates the order's financial status. */
export function planRefund(ctx: BuildContext, o: Order): RefundPlan {
  const r = ctx.random;
  const rate = taxRateOf(o.shop);
  const full = r.chance(0.55);
  const lines: RefundPlan['lines'] = [];
  let total = 0;
  for (const line of o.lines) {
    const left = line.quantity - line.refunded;
    if (left <= 0 || (!full && lines.length > 0)) continue;
    const quantity = full ? left : r.int(1, left);
    const unit = line.priceCents - Math.round(line.discountCents / line.quantity);
    const subtotal = unit * quantity;
    const tax = o.taxesIncluded ? Math.round((subtotal * rate) / (1 + rate)) : Math.round(subtotal * rate);
    line.refunded += quantity;
    total += subtotal + (o.taxesIncluded ? 0 : tax);
    lines.push({ refundLineItemId: ctx.ids.refund.next(), line, quantity, subtotalCents: subtotal, taxCents: tax });
  }
  const everything = o.lines.every((l) => l.refunded >= l.quantity);
  const shipping = everything && r.chance(0.5) ? o.shippingCents : 0;
  total = Math.min(total + shipping, o.totalCents - o.refundedCents);
  o.refundedCents += total;
  o.financialStatus = everything ? 'refunded' : 'partially_refunded';
  return {
    id: ctx.ids.refund.next(),
    totalCents: total,
    shippingCents: shipping,
    restock: r.chance(0.7),
    note: r.pick(REFUND_NOTES),
    lines,
  };
}
