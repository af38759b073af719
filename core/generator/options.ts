// Every knob of the generator, its default and its validation. The defaults describe a plausible day of a small
// multi-tenant Shopify-like platform; each number here is documented in core/generator/README.md.
import { BAD_KINDS } from './record.js';
import type { BadKind } from './record.js';

/** Step-to-step conversion of a storefront session (each share is of the sessions that reached the step before). */
export interface FunnelRates {
  /** Sessions that view at least one product, of all sessions (each starts with a page_viewed). */
  productView: number;
  /** Sessions that add to cart, of those that viewed a product. */
  addToCart: number;
  /** Sessions that start checkout, of those that added to cart. */
  checkout: number;
  /** Sessions that place the order, of those that started checkout. */
  purchase: number;
}

/** What else a session does, and what happens to orders afterwards. */
export interface BehaviourRates {
  /** Mean page_viewed events per session (geometric, at least the landing page). */
  pagesPerSession: number;
  /** Mean product_viewed events in a session that views products. */
  productsPerViewer: number;
  /** Sessions that search at least once; mean searches in such a session. */
  search: number;
  searchesPerSearcher: number;
  /** Sessions whose visitor logs in to an existing account (customer_logged_in). */
  login: number;
  /** Sessions whose visitor creates an account (customer_registered). */
  register: number;
  /** Orders later cancelled (within 10 minutes to a day). */
  cancel: number;
  /** Orders not cancelled that are fulfilled later (order_updated), within an hour to three days. */
  fulfil: number;
  /** Fulfilled orders refunded later (refund_created, then order_updated), within an hour to two weeks. */
  refund: number;
  /** Merchant catalog edits (product_upserted) per storefront session, in office hours. */
  catalogEditsPerSession: number;
  /** Merchant stock corrections (inventory_adjusted: cycle counts, damage, shrinkage) per storefront session. */
  stockCorrectionsPerSession: number;
}

export interface GenerateOptions {
  /** Seed of the PRNG: the same seed and options give byte-identical output. */
  seed: number;
  /** Exact number of records to emit. */
  events: number;
  /** Start of the simulated range (UTC). */
  start: Date;
  /** Length of the simulated range the traffic is spread over, in days (fractions allowed). */
  days: number;
  /** Number of shops (tenants); their sizes follow a Pareto law (a few large shops, many small ones). */
  shops: number;
  /** Partitions per topic: records are keyed by shop_id and partitioned like Kafka's default partitioner. */
  partitions: number;
  /** Share of records delivered late: their event_time is lateMinMinutes to lateMaxMinutes before their timestamp. */
  lateShare: number;
  lateMinMinutes: number;
  lateMaxMinutes: number;
  /** Share of records that resend an earlier record (same event_id, identical bytes). */
  duplicateShare: number;
  /** Share of records that are bad (tagged with their kind); badKinds weighs the kinds. */
  badShare: number;
  badKinds: Record<BadKind, number>;
  /** Encoded size an `oversized` bad record exceeds. */
  oversizedBytes: number;
  funnel: FunnelRates;
  behaviour: BehaviourRates;
}

export type GenerateOptionsInput = Partial<Omit<GenerateOptions, 'start' | 'funnel' | 'behaviour' | 'badKinds'>> & {
  start?: Date | string | number;
  funnel?: Partial<FunnelRates>;
  behaviour?: Partial<BehaviourRates>;
  badKinds?: Partial<Record<BadKind, number>>;
};

export const DEFAULT_FUNNEL: FunnelRates = { productView: 0.6, addToCart: 0.15, checkout: 0.45, purchase: 0.65 };

export const DEFAULT_BEHAVIOUR: BehaviourRates = {
  pagesPerSession: 3,
  productsPerViewer: 2.5,
  search: 0.25,
  searchesPerSearcher: 1.5,
  login: 0.18,
  register: 0.03,
  cancel: 0.03,
  fulfil: 0.92,
  refund: 0.06,
  catalogEditsPerSession: 0.01,
  stockCorrectionsPerSession: 0.004,
};

/** Oversized records are 1 MiB each: keep them rare so that the default output stays small. */
export const DEFAULT_BAD_KINDS: Record<BadKind, number> = {
  not_json: 1,
  invalid_utf8: 1,
  missing_required: 1,
  wrong_type: 1,
  negative_quantity: 1,
  unknown_event_type: 1,
  oversized: 0.05,
  future_timestamp: 1,
};

export const DEFAULT_OPTIONS: GenerateOptions = {
  seed: 42,
  events: 100_000,
  start: new Date('2025-03-03T00:00:00Z'),
  days: 1,
  shops: 25,
  partitions: 6,
  lateShare: 0.02,
  lateMinMinutes: 1,
  lateMaxMinutes: 3 * 24 * 60,
  duplicateShare: 0.01,
  badShare: 0.005,
  badKinds: DEFAULT_BAD_KINDS,
  oversizedBytes: 1024 * 1024 + 1024,
  funnel: DEFAULT_FUNNEL,
  behaviour: DEFAULT_BEHAVIOUR,
};

/** Fills in the defaults and checks every value; throws an Error naming the option and the cause. */
export function resolveOptions(input: GenerateOptionsInput = {}): GenerateOptions {
  const o: GenerateOptions = {
    ...DEFAULT_OPTIONS,
    ...stripUndefined(input),
    start: toDate(input.start ?? DEFAULT_OPTIONS.start),
    funnel: { ...DEFAULT_FUNNEL, ...stripUndefined(input.funnel ?? {}) },
    behaviour: { ...DEFAULT_BEHAVIOUR, ...stripUndefined(input.behaviour ?? {}) },
    badKinds: { ...DEFAULT_BAD_KINDS, ...stripUndefined(input.badKinds ?? {}) },
  };
  integer('seed', o.seed, 0, 0xffff_ffff);
  integer('events', o.events, 0, Number.MAX_SAFE_INTEGER);
  integer('shops', o.shops, 1, 100_000);
  integer('partitions', o.partitions, 1, 10_000);
  integer('oversizedBytes', o.oversizedBytes, 1024, 256 * 1024 * 1024);
  range('days', o.days, 1 / 1440, 3660);
  for (const k of ['lateShare', 'duplicateShare', 'badShare'] as const) range(k, o[k], 0, 1);
  if (o.lateShare + o.duplicateShare + o.badShare >= 1) {
    throw new Error(
      `lateShare + duplicateShare + badShare must stay below 1, got ${o.lateShare + o.duplicateShare + o.badShare}`,
    );
  }
  range('lateMinMinutes', o.lateMinMinutes, 0.01, 1e7);
  range('lateMaxMinutes', o.lateMaxMinutes, o.lateMinMinutes, 1e7);
  for (const [k, v] of Object.entries(o.funnel)) range(`funnel.${k}`, v, 0, 1);
  for (const [k, v] of Object.entries(o.behaviour)) {
    if (k === 'pagesPerSession' || k === 'productsPerViewer' || k === 'searchesPerSearcher')
      range(`behaviour.${k}`, v, 1, 1000);
    else if (k.endsWith('PerSession')) range(`behaviour.${k}`, v, 0, 1000);
    else range(`behaviour.${k}`, v, 0, 1);
  }
  for (const k of Object.keys(o.badKinds)) {
    if (!(BAD_KINDS as readonly string[]).includes(k))
      throw new Error(`badKinds: unknown kind "${k}" (known: ${BAD_KINDS.join(', ')})`);
    range(`badKinds.${k}`, o.badKinds[k as BadKind], 0, 1e6);
  }
  if (o.badShare > 0 && BAD_KINDS.every((k) => o.badKinds[k] === 0)) {
    throw new Error('badShare is above 0 but every badKinds weight is 0');
  }
  return o;
}

function toDate(v: Date | string | number): Date {
  const d = v instanceof Date ? new Date(v.getTime()) : new Date(v);
  if (Number.isNaN(d.getTime())) throw new Error(`start: not a date: ${String(v)}`);
  return d;
}

function integer(name: string, v: number, lo: number, hi: number): void {
  if (!Number.isInteger(v) || v < lo || v > hi)
    throw new Error(`${name} must be an integer in [${lo}, ${hi}], got ${String(v)}`);
}

function range(name: string, v: number, lo: number, hi: number): void {
  if (typeof v !== 'number' || !Number.isFinite(v) || v < lo || v > hi) {
    throw new Error(`${name} must be a number in [${lo}, ${hi}], got ${String(v)}`);
  }
}

function stripUndefined<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}
