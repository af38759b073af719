// What the event builders share: the traffic PRNG, id sequences, the contracts' schema versions, and the state a
// storefront visit and an order carry from one event to the next. Builders read and update this state; the
// simulation decides when each builder runs.
import type { Faker } from '@faker-js/faker';
import type { Random } from '../random.js';
import type { Customer, Ids, People, Shop, Variant, Product } from '../shops.js';
import type { ShoplakeEvent } from '../../contracts/index.js';
import { flat, isAscii } from '../json-text.js';
import { latin1 } from '../random.js';
import { writeIsoMicros } from '../time-format.js';

export interface BuildContext {
  random: Random;
  faker: Faker;
  ids: Ids;
  /** The schema_version each event type is produced with (the contract's current one). */
  versions: Readonly<Record<string, number>>;
  /** Per event type, the bytes the envelope head is written in (see envelopeHead()). */
  headBytes: ReadonlyMap<string, HeadBytes>;
  /** Name and place pools for customers made on the hot path. */
  people: People;
}

/**
 * `{"event_id":"<uuid>","event_type":…,"schema_version":…,"event_time":"<time>` of one event type as bytes: the
 * constant parts are written once, each event writes its uuid and time into them and reads the whole back as one
 * flat string (one piece for the writer to copy instead of eight).
 */
export interface HeadBytes {
  bytes: Buffer;
  /** Where the time starts; the minute whose prefix the bytes hold there. */
  timeAt: number;
  minute: number;
}

export function buildContext(
  random: Random,
  faker: Faker,
  ids: Ids,
  versions: Readonly<Record<string, number>>,
  people: People,
): BuildContext {
  const headBytes = new Map(
    Object.entries(versions).map(([type, v]): [string, HeadBytes] => {
      const head = `","event_type":${JSON.stringify(type)},"schema_version":${v},"event_time":"`;
      const text = `{"event_id":"${' '.repeat(36)}${head}${' '.repeat(TIME_CHARS)}`;
      return [type, { bytes: Buffer.from(text, 'latin1'), timeAt: text.length - TIME_CHARS, minute: NaN }];
    }),
  );
  return { random, faker, ids, versions, headBytes, people };
}

const UUID_AT = '{"event_id":"'.length;
/** Length of isoMicros(): "2025-03-03T10:00:00.123456Z". */
const TIME_CHARS = 27;

/** `{"event_id":"…","event_type":"…","schema_version":…,"event_time":"…` (a storefront time), one flat string. */
export function envelopeHead(ctx: BuildContext, type: string, us: number): string {
  const h = ctx.headBytes.get(type);
  if (h === undefined) throw new Error(`generator: no contract for event type "${type}" in glue-schemas/events/`);
  ctx.random.uuidInto(h.bytes, UUID_AT);
  h.minute = writeIsoMicros(h.bytes, h.timeAt, us, h.minute);
  return latin1(h.bytes, 0, h.bytes.length);
}

/** The storefront envelope as JSON text, without the closing brace: `{"event_id":…,"source":"storefront"`. */
export function envelope(ctx: BuildContext, type: string, shop: Shop, us: number): string {
  return envelopeHead(ctx, type, us) + sourceTail(shop, 'storefront');
}

// `","shop_id":"…","source":"…"` per shop and source, as one flat string (fewer pieces for every event to copy).
const tails = new WeakMap<Shop, Map<string, string>>();

export function sourceTail(shop: Shop, source: string): string {
  let bySource = tails.get(shop);
  if (!bySource) tails.set(shop, (bySource = new Map()));
  let tail = bySource.get(source);
  if (tail === undefined) bySource.set(source, (tail = flat(`","shop_id":${shop.idJson},"source":"${source}"`)));
  return tail;
}

/** A built event: its JSON text and what the record around it needs. */
export interface Built {
  type: string;
  shop: Shop;
  /** The envelope's source: storefront events reach Kafka faster than webhooks. */
  source: string;
  json: string;
  /** `json` is pure ASCII (the text builders guarantee it; see json-text.ts). */
  ascii: boolean;
}

/** Serialises an event built as an object (the builders of the less frequent types), typed by its contract. */
export function fromObject(shop: Shop, e: ShoplakeEvent): Built {
  const json = JSON.stringify(e);
  return { type: e.event_type, shop, source: e.source, json, ascii: isAscii(json) };
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
  /** JSON text of the fields every behaviour event of the visit repeats (see behaviour.ts). */
  clientJson: string;
  deviceJson: string;
  /** `","shop_id":…` to `,"page_url":"`, for the customer id it was made with (undefined: not made yet). */
  midJson: string;
  midCustomerId: number | null | undefined;
  /** `","referrer":null` and `"` (after a referrer), each followed by deviceJson; '' until first used. */
  nullReferrerJson: string;
  referrerEndJson: string;
  /** The URL of the page currently shown (the next event's referrer inside the shop). */
  pageUrl: string;
  /** pageUrl followed by `","referrer":"` (the text before a referrer); '' until first used. */
  pageUrlJson: string;
  /** The product last viewed: what an add-to-cart adds. */
  lastProduct: Product | null;
  cart: Cart | null;
  checkoutToken: string | null;
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
