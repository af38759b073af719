// What the event builders share: the traffic PRNG, id sequences, the contracts' schema versions, and the state a
// storefront visit and an order carry from one event to the next. Builders read and update this state; the
// simulation decides when each builder runs.
import type { Faker } from '@faker-js/faker';
import type { Random } from '../random.js';
import type { Customer, Ids, People, Shop, Variant, Product } from '../shops.js';
import type { ShoplakeEvent } from '../../contracts/index.js';
import { JsonBytes, lit } from '../json-bytes.js';

export interface BuildContext {
  random: Random;
  faker: Faker;
  ids: Ids;
  /** The schema_version each event type is produced with (the contract's current one). */
  versions: Readonly<Record<string, number>>;
  /** Per event type, the JSON bytes between the event_id and the event_time values (see envelope()). */
  heads: Readonly<Record<string, Buffer>>;
  /** Name and place pools for customers made on the hot path. */
  people: People;
  /** Where every event is written (json-bytes.ts). */
  out: JsonBytes;
}

export function buildContext(
  random: Random,
  faker: Faker,
  ids: Ids,
  versions: Readonly<Record<string, number>>,
  people: People,
): BuildContext {
  const heads = Object.fromEntries(
    Object.entries(versions).map(([type, v]) => [
      type,
      lit(`","event_type":${JSON.stringify(type)},"schema_version":${v},"event_time":"`),
    ]),
  );
  return { random, faker, ids, versions, heads, people, out: new JsonBytes() };
}

const EVENT_ID = lit('{"event_id":"');

/**
 * Starts an event in `ctx.out` with a storefront envelope (event_time in UTC with microseconds), without the
 * closing brace: `{"event_id":…,"source":"storefront"`.
 */
export function envelope(ctx: BuildContext, type: string, shop: Shop, us: number): void {
  const out = ctx.out;
  out.begin();
  out.bytes(EVENT_ID);
  out.uuid(ctx.random);
  out.bytes(ctx.heads[type]!);
  out.isoMicros(us);
  out.bytes(storefrontTail(shop));
}

// `","shop_id":"…","source":"storefront"` per shop.
const tails = new WeakMap<Shop, Buffer>();

export function storefrontTail(shop: Shop): Buffer {
  let tail = tails.get(shop);
  if (tail === undefined) tails.set(shop, (tail = lit(`","shop_id":${shop.idJson},"source":"storefront"`)));
  return tail;
}

/** A built event: its bytes and what the record around it needs. */
export interface Built {
  type: string;
  shop: Shop;
  /** The envelope's source: storefront events reach Kafka faster than webhooks. */
  source: string;
  /** The event's UTF-8 JSON bytes (a view of the slab it was written to: see json-bytes.ts). */
  value: Buffer;
}

/** Serialises an event built as an object (the builders of the less frequent types), typed by its contract. */
export function fromObject(ctx: BuildContext, shop: Shop, e: ShoplakeEvent): Built {
  const out = ctx.out;
  out.begin();
  out.utf8(JSON.stringify(e));
  return { type: e.event_type, shop, source: e.source, value: out.end() };
}

/** One storefront visit: what every behaviour event of the visit repeats. */
export interface Visit {
  shop: Shop;
  clientId: string;
  sessionId: string;
  customer: Customer | null;
  userAgent: string;
  deviceType: 'desktop' | 'mobile' | 'tablet' | 'other';
  ip: string;
  referrer: string | null;
  utmSource: string | null;
  utmMedium: string | null;
  utmCampaign: string | null;
  /** JSON bytes of the fields every behaviour event of the visit repeats (see behaviour.ts). */
  clientJson: Buffer;
  deviceJson: Buffer;
  /** Where the visit came from: `","referrer":"<url>"` or `","referrer":null` (behaviour.ts). */
  externalReferrer: Buffer;
  /** The page currently shown: its URL and the referrer field of the next event inside the shop. */
  page: PageRef;
  /**
   * The bytes from after event_time to the page URL, for `headCustomer` (behaviour.ts rebuilds them when the
   * visit's customer changes): `","shop_id":…,"source":"storefront","client_id":…,"customer_id":…,"page_url":"`.
   */
  head: Buffer | null;
  headCustomer: Customer | null;
  /** The product last viewed: what an add-to-cart adds. */
  lastProduct: Product | null;
  cart: Cart | null;
  checkoutToken: string | null;
}

/** A page's URL, and the same as the referrer field of the event that follows it: `","referrer":"<url>"`. */
export interface PageRef {
  url: Buffer;
  asReferrer: Buffer;
}

export interface CartLine {
  product: Product;
  variant: Variant;
  quantity: number;
}

export interface Cart {
  token: string;
  lines: CartLine[];
}

export interface OrderLine {
  lineItemId: number;
  product: Product;
  variant: Variant;
  quantity: number;
  priceCents: number;
  discountCents: number;
  /** Units refunded so far. */
  refunded: number;
}

export interface Order {
  shop: Shop;
  id: number;
  number: number;
  name: string;
  customer: Customer | null;
  email: string | null;
  currency: string;
  lines: OrderLine[];
  subtotalCents: number;
  discountCents: number;
  taxCents: number;
  shippingCents: number;
  totalCents: number;
  taxesIncluded: boolean;
  financialStatus: 'pending' | 'authorized' | 'paid' | 'partially_paid' | 'partially_refunded' | 'refunded' | 'voided';
  fulfillmentStatus: 'fulfilled' | 'partial' | 'restocked' | null;
  tags: string;
  discountCode: string | null;
  createdUs: number;
  refundedCents: number;
  checkoutToken: string | null;
  cartToken: string | null;
  browserIp: string | null;
  cancelled: boolean;
}
