// The traffic model: shops, a clock and a queue of tasks. Time advances in one-minute slots; in each slot every
// timezone region draws a Poisson number of visits (and of merchant actions) whose rate follows the shopper (or
// merchant) seasonality curve in that region's local time, and each is assigned to a shop of the region in
// proportion to its size. nextEvent() pops tasks in time order and returns the next simulated event.
import { cumulative } from './random.js';
import type { Random } from './random.js';
import { EventQueue } from './event-queue.js';
import { buildPeople, buildShops, newIds } from './shops.js';
import { MERCHANT, SHOPPER, seasonalWeight } from './seasonality.js';
import type { SeasonalCurve } from './seasonality.js';
import { SessionTask } from './session.js';
import { catalogEdit, stockCorrection } from './merchant.js';
import { FnTask } from './task.js';
import type { GenerateOptions } from './options.js';
import type { Shop } from './shops.js';
import { buildContext } from './events/context.js';
import type { BuildContext, Built, Order } from './events/context.js';
import type { FunnelCounts, Sim, Task } from './task.js';

const SLOT_US = 60_000_000;
const RECENT_ORDERS = 64;

interface RegionGroup {
  offsetMinutes: number;
  weight: number;
  shops: Shop[];
  cumulative: Float64Array;
  /** Mean shopper and merchant seasonal weight over the simulated range, in this region's local time. */
  shopperMean: number;
  merchantMean: number;
}

export class Simulation implements Sim {
  readonly ctx: BuildContext;
  readonly shops: Shop[];
  readonly funnel: FunnelCounts = { sessions: 0, productViewers: 0, carts: 0, checkouts: 0, orders: 0 };
  readonly #queue = new EventQueue<Task>();
  readonly #groups: RegionGroup[];
  readonly #sessionsPerSlot: number;
  readonly #shopCumulative: Float64Array;
  readonly #recentOrders: Order[] = [];
  #slotStart: number;
  /** Time of the last event popped (epoch microseconds): the simulation's "now". */
  now: number;

  constructor(
    readonly options: GenerateOptions,
    versions: Readonly<Record<string, number>>,
    random: Random,
  ) {
    const startUs = options.start.getTime() * 1000;
    const population = random.fork();
    const ids = newIds();
    const people = buildPeople(population.faker());
    this.shops = buildShops(population, options.shops, startUs, ids, people);
    this.ctx = buildContext(random, random.faker(), ids, versions, people);
    this.#shopCumulative = cumulative(this.shops.map((s) => s.weight));
    const byOffset = new Map<number, Shop[]>();
    for (const s of this.shops) {
      const list = byOffset.get(s.region.utcOffsetMinutes) ?? [];
      list.push(s);
      byOffset.set(s.region.utcOffsetMinutes, list);
    }
    this.#groups = [...byOffset.entries()]
      .sort((a, b) => a[0] - b[0])
      .map(([offsetMinutes, shops]) => ({
        offsetMinutes,
        shops,
        weight: shops.reduce((a, s) => a + s.weight, 0),
        cumulative: cumulative(shops.map((s) => s.weight)),
        shopperMean: meanOverRange(SHOPPER, startUs, options.days, offsetMinutes),
        merchantMean: meanOverRange(MERCHANT, startUs, options.days, offsetMinutes),
      }));
    const simulated = options.events * (1 - options.lateShare - options.duplicateShare - options.badShare);
    const sessions = simulated / expectedEventsPerSession(options);
    this.#sessionsPerSlot = sessions / ((options.days * 86_400_000_000) / SLOT_US);
    this.#slotStart = startUs;
    this.now = startUs;
  }

  schedule(task: Task): void {
    this.#queue.push(task);
  }

  later(at: number, fn: (sim: Sim, at: number) => Built | null): void {
    this.#queue.push(new FnTask(at, fn));
  }

  rememberOrder(order: Order): void {
    if (this.#recentOrders.length < RECENT_ORDERS) this.#recentOrders.push(order);
    else this.#recentOrders[this.ctx.random.int(0, RECENT_ORDERS - 1)] = order;
  }

  recentOrder(): Order | undefined {
    return this.#recentOrders.length === 0 ? undefined : this.ctx.random.pick(this.#recentOrders);
  }

  /** A shop drawn in proportion to its traffic. */
  pickShop(): Shop {
    return this.shops[this.ctx.random.weightedIndex(this.#shopCumulative)]!;
  }

  /** The next simulated event in time order; `now` becomes its time. Never runs dry. */
  nextEvent(): Built {
    for (;;) {
      while (this.#queue.peekAt() >= this.#slotStart + SLOT_US) this.#fillSlot();
      const task = this.#queue.pop()!;
      this.now = task.at;
      const event = task.fire(this);
      if (event !== null) return event;
    }
  }

  /** Draws the visits and merchant actions that start in the current slot, then moves to the next slot. */
  #fillSlot(): void {
    const r = this.ctx.random;
    const { behaviour } = this.options;
    const start = this.#slotStart;
    const mid = start + SLOT_US / 2;
    const merchantPerSession = behaviour.catalogEditsPerSession + behaviour.stockCorrectionsPerSession;
    const catalogShare = merchantPerSession > 0 ? behaviour.catalogEditsPerSession / merchantPerSession : 0;
    for (const g of this.#groups) {
      const local = mid + g.offsetMinutes * 60_000_000;
      const base = this.#sessionsPerSlot * g.weight;
      for (let n = r.poisson((base * seasonalWeight(SHOPPER, local)) / g.shopperMean); n > 0; n--) {
        const shop = g.shops[r.weightedIndex(g.cumulative)]!;
        this.#queue.push(SessionTask.start(this, shop, start + Math.floor(r.float() * SLOT_US)));
      }
      for (
        let n = r.poisson((base * merchantPerSession * seasonalWeight(MERCHANT, local)) / g.merchantMean);
        n > 0;
        n--
      ) {
        const shop = g.shops[r.weightedIndex(g.cumulative)]!;
        const at = start + Math.floor(r.float() * SLOT_US);
        this.later(
          at,
          r.chance(catalogShare) ? (s, t) => catalogEdit(s, shop, t) : (s, t) => stockCorrection(s, shop, t),
        );
      }
    }
    this.#slotStart += SLOT_US;
  }
}

/**
 * The mean of a seasonal curve over [start, start + days) in a region's local time (sampled every 10 minutes), so
 * that the rate divided by it spreads exactly the planned visits over the range, whatever weekdays it covers.
 */
function meanOverRange(curve: SeasonalCurve, startUs: number, days: number, offsetMinutes: number): number {
  const step = 10 * 60_000_000;
  const n = Math.max(1, Math.round((days * 86_400_000_000) / step));
  let sum = 0;
  for (let i = 0; i < n; i++) sum += seasonalWeight(curve, startUs + (i + 0.5) * step + offsetMinutes * 60_000_000);
  return sum / n;
}

/**
 * Events one visit leads to on average (its own steps, its order's follow-ups and the merchant activity that
 * scales with traffic): what turns the requested event count into a visit rate. The run stops at exactly
 * `events` records, so an error here only moves the simulated end a little off `start + days`.
 */
export function expectedEventsPerSession(o: GenerateOptions): number {
  const f = o.funnel;
  const b = o.behaviour;
  const carts = f.productView * f.addToCart;
  const orders = carts * f.checkout * f.purchase;
  const lines = 1.15;
  const perOrder =
    1 + lines + b.cancel * (2 + lines) + (1 - b.cancel) * b.fulfil * (1 + b.refund * (2 + 0.7 * lines)) + 0.15 * lines;
  return (
    b.pagesPerSession +
    f.productView * b.productsPerViewer +
    b.search * b.searchesPerSearcher +
    b.login +
    b.register +
    carts * 1.4 +
    carts * f.checkout +
    orders * perOrder +
    b.catalogEditsPerSession +
    b.stockCorrectionsPerSession
  );
}
