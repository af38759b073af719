// Storefront behaviour events (topic `behaviour`), shaped like Shopify's web pixel events: page_viewed,
// product_viewed, search_performed, cart_updated and checkout_started. Every builder takes the visit it belongs to
// and the event time (epoch microseconds), writes the event's JSON into ctx.out, fields in contract order, and
// returns its bytes. These are most of the traffic, so they write bytes directly (json-bytes.ts) and copy the
// visit's, page's and product's repeated fields from bytes made once.
import { cumulative } from '../random.js';
import { money } from '../time-format.js';
import { q } from '../json-text.js';
import { lit } from '../json-bytes.js';
import type { JsonBytes } from '../json-bytes.js';
import { storefrontTail } from './context.js';
import type { Shop, Product } from '../shops.js';
import type { BuildContext, Built, Cart, PageRef, Visit } from './context.js';

const USER_AGENTS: ReadonlyArray<readonly [string, Visit['deviceType'], number]> = [
  [
    'Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Mobile/15E148 Safari/604.1',
    'mobile',
    0.3,
  ],
  [
    'Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/122.0.0.0 Mobile Safari/537.36',
    'mobile',
    0.22,
  ],
  [
    'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/122.0.0.0 Safari/537.36',
    'desktop',
    0.2,
  ],
  [
    'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.3 Safari/605.1.15',
    'desktop',
    0.12,
  ],
  ['Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:123.0) Gecko/20100101 Firefox/123.0', 'desktop', 0.05],
  [
    'Mozilla/5.0 (iPad; CPU OS 17_3 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.3 Mobile/15E148 Safari/604.1',
    'tablet',
    0.06,
  ],
  [
    'Mozilla/5.0 (Linux; Android 13; SM-X200) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/121.0.0.0 Safari/537.36',
    'tablet',
    0.02,
  ],
  ['Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)', 'other', 0.03],
];
const UA_CUM = cumulative(USER_AGENTS.map((u) => u[2]));

/** Where visits come from: [referrer, utm_source, utm_medium, utm_campaign], weighted. */
const SOURCES: ReadonlyArray<readonly [string | null, string | null, string | null, string | null, number]> = [
  [null, null, null, null, 0.3],
  ['https://www.google.com/', null, null, null, 0.25],
  ['https://www.google.com/', 'google', 'cpc', 'brand_search', 0.1],
  ['https://l.facebook.com/', 'facebook', 'paid_social', 'spring_collection', 0.1],
  ['https://www.instagram.com/', 'instagram', 'social', null, 0.08],
  [null, 'klaviyo', 'email', 'weekly_newsletter', 0.09],
  ['https://www.tiktok.com/', 'tiktok', 'paid_social', 'creator_collab', 0.05],
  ['https://www.bing.com/', null, null, null, 0.03],
];
const SOURCE_CUM = cumulative(SOURCES.map((s) => s[4]));

// The JSON text of each user agent and each source's utm fields, escaped once.
const UA_JSON = new Map(USER_AGENTS.map((u) => [u, q(u[0])]));
const SOURCE_JSON = new Map(
  SOURCES.map((s) => [s, `,"utm_source":${q(s[1])},"utm_medium":${q(s[2])},"utm_campaign":${q(s[3])}`]),
);

const PAGES: ReadonlyArray<readonly [string, string, number]> = [
  ['collection', '/collections/all', 0.35],
  ['home', '/', 0.2],
  ['page', '/pages/about-us', 0.08],
  ['blog', '/blogs/news', 0.05],
  ['cart', '/cart', 0.12],
  ['account', '/account', 0.06],
  ['collection', '/collections/new-arrivals', 0.1],
  ['other', '/policies/shipping-policy', 0.04],
];
const PAGE_CUM = cumulative(PAGES.map((p) => p[2]));
const HOME = PAGES.findIndex((p) => p[0] === 'home');

export function newVisit(ctx: BuildContext, shop: Shop): Visit {
  const r = ctx.random;
  const ua = USER_AGENTS[r.weightedIndex(UA_CUM)]!;
  const src = SOURCES[r.weightedIndex(SOURCE_CUM)]!;
  const clientId = r.uuid();
  const sessionId = r.hex(32);
  const ip = r.chance(0.85)
    ? `${r.int(23, 223)}.${r.int(0, 255)}.${r.int(0, 255)}.${r.int(1, 254)}`
    : `2a02:${r.hex(4)}:${r.hex(4)}::${r.hex(4)}`;
  return {
    shop,
    clientId,
    sessionId,
    customer: null,
    userAgent: ua[0],
    deviceType: ua[1],
    ip,
    referrer: src[0],
    utmSource: src[1],
    utmMedium: src[2],
    utmCampaign: src[3],
    clientJson: lit(`,"client_id":"${clientId}","session_id":"${sessionId}"`),
    // The IP is digits, dots, hex and colons: nothing to escape.
    deviceJson: lit(`,"user_agent":${UA_JSON.get(ua)!},"ip":"${ip}","device_type":"${ua[1]}"${SOURCE_JSON.get(src)!}`),
    externalReferrer: EXTERNAL_REFERRER.get(src)!,
    page: pageOf(shop, HOME).ref,
    head: null,
    headCustomer: null,
    lastProduct: null,
    cart: null,
    checkoutToken: null,
  };
}

const EVENT_ID = lit('{"event_id":"');
const CUSTOMER_ID = lit(',"customer_id":');
const PAGE_URL = lit(',"page_url":"');
const NO_REFERRER = lit('","referrer":null');
const EXTERNAL_REFERRER = new Map(SOURCES.map((s) => [s, s[0] === null ? NO_REFERRER : referrerField(s[0])]));

function referrerField(url: string): Buffer {
  return lit(`","referrer":"${url}"`);
}

/** A page of the shop (URLs are built from URL-safe parts only, so they need no escaping). */
function pageRef(url: string): PageRef {
  return { url: lit(url), asReferrer: referrerField(url) };
}

/**
 * Starts a behaviour event in `ctx.out`: the envelope and the fields every behaviour event starts with, in contract
 * order, up to the referrer (`referrer` is a referrer field: PageRef.asReferrer, the visit's, or NO_REFERRER).
 * Eight copies: the pieces that repeat within a visit are joined once (`v.head`, `v.deviceJson`).
 */
function visitHead(ctx: BuildContext, type: string, v: Visit, us: number, referrer: Buffer): JsonBytes {
  const out = ctx.out;
  out.begin();
  out.bytes(EVENT_ID);
  out.uuid(ctx.random);
  out.bytes(ctx.heads[type]!);
  out.isoMicros(us);
  if (v.head === null || v.headCustomer !== v.customer) {
    v.headCustomer = v.customer;
    v.head = Buffer.concat([
      storefrontTail(v.shop),
      v.clientJson,
      CUSTOMER_ID,
      lit(v.customer === null ? 'null' : String(v.customer.id)),
      PAGE_URL,
    ]);
  }
  out.bytes(v.head);
  out.bytes(v.page.url);
  out.bytes(referrer);
  out.bytes(v.deviceJson);
  return out;
}

function built(type: string, v: Visit, out: JsonBytes): Built {
  return { type, shop: v.shop, source: 'storefront', value: out.end() };
}

/** Per shop, each page and its page_type/page_title fields (the same for every visit to the shop). */
const pageCache = new WeakMap<Shop, Array<{ url: string; ref: PageRef; tail: Buffer }>>();

function pageOf(shop: Shop, index: number): { url: string; ref: PageRef; tail: Buffer } {
  let pages = pageCache.get(shop);
  if (!pages) {
    pages = PAGES.map(([type, path]) => ({
      url: `https://${shop.id}${path}`,
      ref: pageRef(`https://${shop.id}${path}`),
      tail: lit(
        `,"page_type":"${type}","page_title":"${type === 'home' ? shop.nameInJson : `${titleOf(path)} | ${shop.nameInJson}`}"}`,
      ),
    }));
    pageCache.set(shop, pages);
  }
  return pages[index]!;
}

/** A page that is not a product page. The first page of a visit is its landing page. */
export function pageViewed(ctx: BuildContext, v: Visit, us: number, landing: boolean): Built {
  const page = pageOf(v.shop, landing && ctx.random.chance(0.5) ? HOME : ctx.random.weightedIndex(PAGE_CUM));
  const referrer = landing ? v.externalReferrer : v.page.asReferrer;
  v.page = landing && v.utmSource ? pageRef(page.url + utmQuery(v)) : page.ref;
  const out = visitHead(ctx, 'page_viewed', v, us, referrer);
  out.bytes(page.tail);
  return built('page_viewed', v, out);
}

/**
 * The product fields of product_viewed, from product_id to `"collection_id":`; cached on the product until a
 * catalog edit changes it (merchant.ts clears `viewJson`).
 */
function productFields(shop: Shop, product: Product): Buffer {
  if (product.viewJson === null) {
    const variant = product.variants[0]!;
    product.viewJson = lit(
      `,"product_id":${product.id},"variant_id":${variant.id},"product_title":${product.titleJson}` +
        `,"product_type":${product.productTypeJson},"vendor":${product.vendorJson}` +
        `,"price":"${money(variant.priceCents)}","currency":"${shop.region.currency}","collection_id":`,
    );
    product.page = pageRef(`https://${shop.id}/products/${product.handle}`);
  }
  return product.viewJson;
}

export function productViewed(ctx: BuildContext, v: Visit, us: number, product: Product): Built {
  const referrer = v.page.asReferrer;
  const fields = productFields(v.shop, product);
  v.page = product.page!;
  v.lastProduct = product;
  const collection = ctx.random.chance(0.6) ? 280_000_000_000 + (product.id % 40) : null;
  const out = visitHead(ctx, 'product_viewed', v, us, referrer);
  out.bytes(fields);
  out.int(collection);
  out.ascii('}');
  return built('product_viewed', v, out);
}

const QUERY = lit(',"query":');
const RESULTS_COUNT = lit(',"results_count":');
const SEARCH_TYPE = lit(',"search_type":"');

export function searchPerformed(ctx: BuildContext, v: Visit, us: number, query: string, results: number): Built {
  const referrer = v.page.asReferrer;
  v.page = pageRef(`https://${v.shop.id}/search?q=${encodeURIComponent(query)}`);
  const type = results > 0 || ctx.random.chance(0.7) ? 'products' : 'all';
  const out = visitHead(ctx, 'search_performed', v, us, referrer);
  out.bytes(QUERY);
  out.str(query);
  out.bytes(RESULTS_COUNT);
  out.int(results);
  out.bytes(SEARCH_TYPE);
  out.ascii(type);
  out.ascii('"}');
  return built('search_performed', v, out);
}

/** A cart change; `action` says what happened to the visit's cart just before this event. */
export function cartUpdated(ctx: BuildContext, v: Visit, us: number, action: 'add' | 'remove' | 'update'): Built {
  const cart = v.cart!;
  let items = 0;
  let total = 0;
  for (const l of cart.lines) {
    items += l.quantity;
    total += l.variant.priceCents * l.quantity;
  }
  const out = visitHead(ctx, 'cart_updated', v, us, NO_REFERRER);
  out.ascii(',"cart_token":"');
  out.ascii(cart.token);
  out.ascii('","action":"');
  out.ascii(action);
  out.ascii('","currency":"');
  out.ascii(v.shop.region.currency);
  out.ascii('","total_price":"');
  out.money(total);
  out.ascii('","item_count":');
  out.int(items);
  out.ascii(',"line_items":[');
  const keySuffix = cart.token.slice(0, 8);
  let first = true;
  for (const l of cart.lines) {
    out.ascii(first ? '{"key":"' : ',{"key":"');
    first = false;
    out.int(l.variant.id);
    out.ascii(':');
    out.ascii(keySuffix);
    out.ascii('","product_id":');
    out.int(l.product.id);
    out.ascii(',"variant_id":');
    out.int(l.variant.id);
    out.ascii(',"sku":');
    out.ascii(l.variant.skuJson);
    out.ascii(',"title":');
    out.ascii(l.product.titleJson);
    out.ascii(',"quantity":');
    out.int(l.quantity);
    out.ascii(',"price":"');
    out.money(l.variant.priceCents);
    out.ascii('","line_price":"');
    out.money(l.variant.priceCents * l.quantity);
    out.ascii('"}');
  }
  out.ascii(']}');
  return built('cart_updated', v, out);
}

export function checkoutStarted(ctx: BuildContext, v: Visit, us: number, cart: Cart, taxRate: number): Built {
  const referrer = v.page.asReferrer;
  v.checkoutToken = ctx.random.hex(32);
  v.page = pageRef(`https://${v.shop.id}/checkouts/cn/${v.checkoutToken}`);
  let subtotal = 0;
  for (const l of cart.lines) subtotal += l.variant.priceCents * l.quantity;
  const tax = Math.round(subtotal * taxRate);
  const out = visitHead(ctx, 'checkout_started', v, us, referrer);
  out.ascii(',"checkout_token":"');
  out.ascii(v.checkoutToken);
  out.ascii('","cart_token":"');
  out.ascii(cart.token);
  out.ascii('","email":');
  out.str(v.customer?.email);
  out.ascii(',"currency":"');
  out.ascii(v.shop.region.currency);
  out.ascii('","subtotal_price":"');
  out.money(subtotal);
  out.ascii('","total_tax":"');
  out.money(tax);
  out.ascii('","total_price":"');
  out.money(subtotal + tax);
  out.ascii('","discount_codes":[],"line_items":[');
  let first = true;
  for (const l of cart.lines) {
    out.ascii(first ? '{"product_id":' : ',{"product_id":');
    first = false;
    out.int(l.product.id);
    out.ascii(',"variant_id":');
    out.int(l.variant.id);
    out.ascii(',"sku":');
    out.ascii(l.variant.skuJson);
    out.ascii(',"title":');
    out.ascii(l.product.titleJson);
    out.ascii(',"quantity":');
    out.int(l.quantity);
    out.ascii(',"price":"');
    out.money(l.variant.priceCents);
    out.ascii('"}');
  }
  out.ascii(']}');
  return built('checkout_started', v, out);
}

function utmQuery(v: Visit): string {
  let query = `?utm_source=${v.utmSource}`;
  if (v.utmMedium) query += `&utm_medium=${v.utmMedium}`;
  if (v.utmCampaign) query += `&utm_campaign=${v.utmCampaign}`;
  return query;
}

const TITLES = new Map<string, string>();

function titleOf(path: string): string {
  let t = TITLES.get(path);
  if (t === undefined) {
    t = (path.split('/').pop() ?? '')
      .split('-')
      .map((w) => w.charAt(0).toUpperCase() + w.slice(1))
      .join(' ');
    TITLES.set(path, t);
  }
  return t;
}
