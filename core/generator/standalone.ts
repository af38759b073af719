// One event of a given type outside the simulated sessions: a visit from an app that was offline (delivered late),
// a webhook retried hours later, or the base a bad record is corrupted from. It uses the same builders, so it is
// as valid as the simulated events, and it schedules no follow-ups.
import {
  newVisit,
  pageViewed,
  productViewed,
  searchPerformed,
  cartUpdated,
  checkoutStarted,
} from './events/behaviour.js';
import { customerLoggedIn, customerRegistered } from './events/customers.js';
import { orderCancelled, orderCreated, orderUpdated, placeOrder, planRefund, refundCreated } from './events/orders.js';
import { productUpserted } from './events/catalog.js';
import { inventoryAdjusted } from './events/inventory.js';
import { newCustomer } from './shops.js';
import { pickProduct } from './session.js';
import type { Shop } from './shops.js';
import type { Built } from './events/context.js';
import type { Sim } from './task.js';

/** Event types in proportions close to the simulated mix: what late records are drawn from. */
export const LATE_TYPE_WEIGHTS: Readonly<Record<string, number>> = {
  page_viewed: 0.4,
  product_viewed: 0.24,
  search_performed: 0.05,
  cart_updated: 0.06,
  checkout_started: 0.02,
  customer_logged_in: 0.04,
  customer_registered: 0.01,
  order_created: 0.05,
  order_updated: 0.04,
  order_cancelled: 0.005,
  refund_created: 0.005,
  product_upserted: 0.02,
  inventory_adjusted: 0.05,
};

export function standaloneEvent(sim: Sim, type: string, shop: Shop, at: number): Built {
  const { ctx } = sim;
  const r = ctx.random;
  const v = newVisit(ctx, shop);
  const product = pickProduct(sim, shop);
  const variant = r.pick(product.variants);
  const cart = () => {
    v.cart = { token: r.hex(32), lines: [{ product, variant, quantity: r.int(1, 3) }] };
    return v.cart;
  };
  switch (type) {
    case 'page_viewed':
      return pageViewed(ctx, v, at, r.chance(0.5));
    case 'product_viewed':
      return productViewed(ctx, v, at, product);
    case 'search_performed':
      return searchPerformed(ctx, v, at, product.title.toLowerCase(), r.int(0, 30));
    case 'cart_updated':
      cart();
      return cartUpdated(ctx, v, at, 'add');
    case 'checkout_started':
      return checkoutStarted(ctx, v, at, cart(), 0);
    case 'customer_logged_in':
      return customerLoggedIn(ctx, v, r.pick(shop.customers), at);
    case 'customer_registered': {
      const c = newCustomer(r, ctx.people, ctx.ids, shop.region, at);
      shop.customers.push(c);
      return customerRegistered(ctx, v, c, at);
    }
    case 'product_upserted':
      return productUpserted(ctx, shop, product, at);
    case 'inventory_adjusted':
      return inventoryAdjusted(ctx, shop, variant, at, 0, 'cycle_count');
    case 'order_updated':
    case 'order_cancelled':
    case 'refund_created': {
      // Follow-ups of an order seen earlier in the run; copies, so the simulated order is not changed.
      const seen = sim.recentOrder();
      if (seen) {
        const o = { ...seen, lines: seen.lines.map((l) => ({ ...l })) };
        if (type === 'order_updated') return orderUpdated(ctx, o, at, ['tags']);
        if (type === 'order_cancelled') return orderCancelled(ctx, o, at, 'customer');
        return refundCreated(ctx, o, at, planRefund(ctx, o));
      }
      return orderCreated(ctx, placeOrder(ctx, shop, cart(), null, at, { checkout: null, cart: null, ip: null }), at);
    }
    default:
      return orderCreated(
        ctx,
        placeOrder(ctx, shop, cart(), r.chance(0.5) ? r.pick(shop.customers) : null, at, {
          checkout: r.hex(32),
          cart: v.cart!.token,
          ip: v.ip,
        }),
        at,
      );
  }
}
