// One storefront visit as a task: its plan (the funnel steps it will reach) is drawn when it starts, then each
// firing emits the next step's event and reschedules the task a think-time later. The plan follows the funnel
// rates in options.funnel and the extras in options.behaviour (searches, logins, registrations).
import {
  newVisit,
  pageViewed,
  productViewed,
  searchPerformed,
  cartUpdated,
  checkoutStarted,
} from './events/behaviour.js';
import { customerLoggedIn, customerRegistered } from './events/customers.js';
import { orderCreated, placeOrder, taxRateOf } from './events/orders.js';
import { scheduleOrderLifecycle } from './order-lifecycle.js';
import { newCustomer } from './shops.js';
import type { Shop, Product } from './shops.js';
import type { Built, Visit } from './events/context.js';
import type { Sim, Task } from './task.js';

const LANDING = 0;
const PAGE = 1;
const PRODUCT = 2;
const SEARCH = 3;
const LOGIN = 4;
const REGISTER = 5;
const CART_ADD = 6;
const CART_UPDATE = 7;
const CHECKOUT = 8;
const ORDER = 9;

/** Searches that find nothing in most shops. */
const MISSES = ['gift card', 'returns', 'size guide', 'discount code', 'track order', 'sale', 'black friday', 'vegan'];

/** Mean think time between two steps of a visit, and between checkout and order. */
const STEP_MEAN_US = 35_000_000;
const PAY_MEAN_US = 120_000_000;

export class SessionTask implements Task {
  seq = 0;
  #step = 0;

  constructor(
    public at: number,
    private readonly visit: Visit,
    private readonly plan: Uint8Array,
  ) {}

  /** Draws a visit to `shop` starting at `at` and its plan; counts it in the funnel tallies. */
  static start(sim: Sim, shop: Shop, at: number): SessionTask {
    const r = sim.ctx.random;
    const { funnel, behaviour } = sim.options;
    const visit = newVisit(sim.ctx, shop);
    const viewsProducts = r.chance(funnel.productView);
    const carts = viewsProducts && r.chance(funnel.addToCart);
    const checkout = carts && r.chance(funnel.checkout);
    const order = checkout && r.chance(funnel.purchase);
    const login = shop.customers.length > 0 && r.chance(behaviour.login);
    const register = !login && r.chance(behaviour.register);
    const t = sim.funnel;
    t.sessions++;
    if (viewsProducts) t.productViewers++;
    if (carts) t.carts++;
    if (checkout) t.checkouts++;
    if (order) t.orders++;

    const middle: number[] = [];
    for (let i = r.geometric(behaviour.pagesPerSession) - 1; i > 0; i--) middle.push(PAGE);
    if (r.chance(behaviour.search))
      for (let i = r.geometric(behaviour.searchesPerSearcher); i > 0; i--) middle.push(SEARCH);
    const products = viewsProducts ? r.geometric(behaviour.productsPerViewer) : 0;
    for (let i = 0; i < products; i++) middle.push(PRODUCT);
    shuffle(sim, middle);
    if (carts) {
      // Add to cart right after a product view; sometimes a second product, sometimes a quantity change.
      insertAfterNth(middle, PRODUCT, r.int(1, products), CART_ADD);
      if (products > 1 && r.chance(0.3)) insertAfterNth(middle, PRODUCT, products, CART_ADD);
      if (r.chance(0.15)) middle.push(CART_UPDATE);
    }
    const plan = [LANDING];
    if (login) plan.push(LOGIN);
    plan.push(...middle);
    // A registration happens anywhere in the visit before checkout, not only at its start.
    if (register) plan.splice(1 + r.int(0, middle.length), 0, REGISTER);
    if (checkout) plan.push(CHECKOUT);
    if (order) plan.push(ORDER);
    return new SessionTask(at, visit, new Uint8Array(plan));
  }

  fire(sim: Sim): Built | null {
    const step = this.plan[this.#step++]!;
    const event = this.#run(sim, step);
    if (this.#step < this.plan.length) {
      const next = this.plan[this.#step]!;
      this.at += 1_000_000 + Math.round(sim.ctx.random.exp(next === ORDER ? PAY_MEAN_US : STEP_MEAN_US));
      sim.schedule(this);
    }
    return event;
  }

  #run(sim: Sim, step: number): Built {
    const { ctx } = sim;
    const v = this.visit;
    const r = ctx.random;
    switch (step) {
      case LANDING:
        return pageViewed(ctx, v, this.at, true);
      case PAGE:
        return pageViewed(ctx, v, this.at, false);
      case PRODUCT:
        return productViewed(ctx, v, this.at, pickProduct(sim, v.shop));
      case SEARCH: {
        const p = pickProduct(sim, v.shop);
        const words = searchWords(p.title);
        const query = r.chance(0.1) ? r.pick(MISSES) : words.slice(r.int(0, words.length - 1)).join(' ');
        return searchPerformed(ctx, v, this.at, query, r.chance(0.12) ? 0 : r.int(1, 48));
      }
      case LOGIN: {
        v.customer = r.pick(v.shop.customers);
        return customerLoggedIn(ctx, v, v.customer, this.at);
      }
      case REGISTER: {
        const c = newCustomer(r, ctx.people, ctx.ids, v.shop.region, this.at);
        c.ordersCount = 0;
        v.shop.customers.push(c);
        v.customer = c;
        return customerRegistered(ctx, v, c, this.at);
      }
      case CART_ADD: {
        const product = v.lastProduct ?? pickProduct(sim, v.shop);
        const variant = r.pick(product.variants);
        v.cart ??= { token: r.hex(32), lines: [] };
        const line = v.cart.lines.find((l) => l.variant === variant);
        if (line) line.quantity++;
        else v.cart.lines.push({ product, variant, quantity: r.chance(0.85) ? 1 : r.int(2, 4) });
        return cartUpdated(ctx, v, this.at, 'add');
      }
      case CART_UPDATE: {
        const line = v.cart!.lines[v.cart!.lines.length - 1]!;
        line.quantity = line.quantity > 1 && r.chance(0.5) ? line.quantity - 1 : line.quantity + 1;
        return cartUpdated(ctx, v, this.at, 'update');
      }
      case CHECKOUT:
        return checkoutStarted(
          ctx,
          v,
          this.at,
          v.cart!,
          v.shop.region.currency === 'USD' || v.shop.region.currency === 'CAD' ? taxRateOf(v.shop) : 0,
        );
      default: {
        const order = placeOrder(ctx, v.shop, v.cart!, v.customer, this.at, {
          checkout: v.checkoutToken,
          cart: v.cart!.token,
          ip: v.ip,
        });
        const event = orderCreated(ctx, order, this.at);
        scheduleOrderLifecycle(sim, order);
        return event;
      }
    }
  }
}

/** A product by popularity (a few bestsellers, a long tail). */
export function pickProduct(sim: Sim, shop: Shop): Product {
  return shop.products[sim.ctx.random.weightedIndex(shop.productPopularity)]!;
}

// A product title's lowercase words, per title (titles are few: one per product, plus renames).
const WORDS = new Map<string, readonly string[]>();

function searchWords(title: string): readonly string[] {
  let words = WORDS.get(title);
  if (words === undefined) WORDS.set(title, (words = title.toLowerCase().split(' ')));
  return words;
}

function shuffle(sim: Sim, xs: number[]): void {
  for (let i = xs.length - 1; i > 0; i--) {
    const j = sim.ctx.random.int(0, i);
    const t = xs[i]!;
    xs[i] = xs[j]!;
    xs[j] = t;
  }
}

/** Inserts `value` right after the n-th (1-based) occurrence of `marker`. */
function insertAfterNth(xs: number[], marker: number, n: number, value: number): void {
  let seen = 0;
  for (let i = 0; i < xs.length; i++) {
    if (xs[i] === marker && ++seen === n) {
      xs.splice(i + 1, 0, value);
      return;
    }
  }
  xs.push(value);
}
