// Storefront behaviour events (topic `behaviour`), shaped like Shopify's web pixel events: page_viewed,
// product_viewed, search_performed, cart_updated and checkout_started. Every builder takes the visit it belongs to
// and the event time (epoch microseconds) and returns the event's JSON text, fields in contract order. These are
// most of the traffic, so they write JSON text directly (json-text.ts) and reuse the visit's repeated fields.
import { cumulative } from '../random.js';
import { money } from '../time-format.js';
import { flat, num, q } from '../json-text.js';
import { envelopeHead, sourceTail } from './context.js';
import type { Shop, Product } from '../shops.js';
import type { BuildContext, Built, Cart, Visit } from './context.js';

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

// The device fields around the visit's IP, per user agent and per (user agent, source), escaped and flattened once:
// `,"user_agent":"…","ip":"` and `","device_type":"…","utm_source":…,"utm_medium":…,"utm_campaign":…`.
const DEVICE_HEADS = USER_AGENTS.map((u) => flat(`,"user_agent":${q(u[0])},"ip":"`));
const DEVICE_TAILS = USER_AGENTS.flatMap((u) =>
  SOURCES.map((s) =>
    flat(`","device_type":"${u[1]}","utm_source":${q(s[1])},"utm_medium":${q(s[2])},"utm_campaign":${q(s[3])}`),
  ),
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
  const uaIndex = r.weightedIndex(UA_CUM);
  const srcIndex = r.weightedIndex(SOURCE_CUM);
  const ua = USER_AGENTS[uaIndex]!;
  const src = SOURCES[srcIndex]!;
  const clientId = r.uuid();
  const sessionId = r.hex(32);
  const ip = r.chance(0.85)
    ? `${r.int(23, 223)}.${r.int(0, 255)}.${r.int(0, 255)}.${r.int(1, 254)}`
    : `2a02:${r.hex(4)}:${r.hex(4)}::${r.hex(4)}`;
  // The IP is digits, dots, hex and colons: nothing to escape.
  const deviceJson = DEVICE_HEADS[uaIndex]! + ip + DEVICE_TAILS[uaIndex * SOURCES.length + srcIndex]!;
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
    clientJson: `,"client_id":"${clientId}","session_id":"${sessionId}"`,
    deviceJson,
    midJson: '',
    midCustomerId: undefined,
    nullReferrerJson: '',
    referrerEndJson: '',
    pageUrl: `https://${shop.id}/`,
    pageUrlJson: '',
    lastProduct: null,
    cart: null,
    checkoutToken: null,
  };
}

/** The envelope and the fields every behaviour event starts with, in contract order. */
function visitHead(ctx: BuildContext, type: string, v: Visit, us: number, referrer: string | null): string {
  const customerId = v.customer === null ? null : v.customer.id;
  if (v.midCustomerId !== customerId) {
    v.midCustomerId = customerId;
    v.midJson = flat(
      sourceTail(v.shop, 'storefront') + v.clientJson + ',"customer_id":' + num(customerId) + ',"page_url":"',
    );
  }
  // Few, mostly flat pieces: the writer copies each event by walking its pieces, so fewer pieces copy faster.
  // URLs are built from URL-safe parts only (domains, handles, encodeURIComponent), so they need no escaping.
  return (
    envelopeHead(ctx, type, us) +
    v.midJson +
    (referrer === null
      ? v.pageUrl + (v.nullReferrerJson || (v.nullReferrerJson = flat('","referrer":null' + v.deviceJson)))
      : (v.pageUrlJson || (v.pageUrlJson = flat(v.pageUrl + '","referrer":"'))) +
        referrer +
        (v.referrerEndJson || (v.referrerEndJson = flat('"' + v.deviceJson))))
  );
}

/** The page the visit now shows, with its `…","referrer":"` form when cached ('' makes visitHead build it). */
function setPage(v: Visit, url: string, urlJson: string): void {
  v.pageUrl = url;
  v.pageUrlJson = urlJson;
}

function built(type: string, v: Visit, json: string): Built {
  return { type, shop: v.shop, source: 'storefront', json, ascii: true };
}

/** Per shop, each page's URL and the page_type/page_title fields (the same for every visit to the shop). */
const pageCache = new WeakMap<Shop, Page[]>();

/** A page of a shop: its URL, the URL followed by `","referrer":"` (see visitHead) and its last fields. */
interface Page {
  url: string;
  urlJson: string;
  tail: string;
}

function pageOf(shop: Shop, index: number): Page {
  let pages = pageCache.get(shop);
  if (!pages) {
    pages = PAGES.map(([type, path]) => ({
      url: flat(`https://${shop.id}${path}`),
      urlJson: flat(`https://${shop.id}${path}","referrer":"`),
      tail: flat(
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
  const referrer = landing ? v.referrer : v.pageUrl;
  if (landing && v.utmSource) setPage(v, flat(page.url + utmQuery(v)), '');
  else setPage(v, page.url, page.urlJson);
  return built('page_viewed', v, visitHead(ctx, 'page_viewed', v, us, referrer) + page.tail);
}

/**
 * The product fields of product_viewed, from product_id to the end of the event, with the collection or without:
 * cached on the product until a catalog edit changes it (merchant.ts clears `viewJson`).
 */
function productFields(shop: Shop, product: Product, collection: boolean): string {
  if (product.viewJson === null) {
    const variant = product.variants[0]!;
    const fields =
      `,"product_id":${product.id},"variant_id":${variant.id},"product_title":${product.titleJson}` +
      `,"product_type":${product.productTypeJson},"vendor":${product.vendorJson}` +
      `,"price":"${money(variant.priceCents)}","currency":"${shop.region.currency}","collection_id":`;
    product.viewJson = flat(`${fields}${collectionOf(product)}}`);
    product.viewJsonNoCollection = flat(`${fields}null}`);
    product.urlPath = flat(`https://${shop.id}/products/${product.handle}`);
    product.urlJson = flat(`${product.urlPath}","referrer":"`);
  }
  return collection ? product.viewJson : product.viewJsonNoCollection;
}

const collectionOf = (product: Product): number => 280_000_000_000 + (product.id % 40);

export function productViewed(ctx: BuildContext, v: Visit, us: number, product: Product): Built {
  const referrer = v.pageUrl;
  const fields = productFields(v.shop, product, ctx.random.chance(0.6));
  setPage(v, product.urlPath, product.urlJson);
  v.lastProduct = product;
  return built('product_viewed', v, visitHead(ctx, 'product_viewed', v, us, referrer) + fields);
}

export function searchPerformed(ctx: BuildContext, v: Visit, us: number, query: string, results: number): Built {
  const referrer = v.pageUrl;
  setPage(v, flat(`https://${v.shop.id}/search?q=${encodeURIComponent(query)}`), '');
  const type = results > 0 || ctx.random.chance(0.7) ? 'products' : 'all';
  return built(
    'search_performed',
    v,
    visitHead(ctx, 'search_performed', v, us, referrer) +
      ',"query":' +
      q(query) +
      ',"results_count":' +
      results +
      ',"search_type":"' +
      type +
      '"}',
  );
}

/** A cart change; `action` says what happened to the visit's cart just before this event. */
export function cartUpdated(ctx: BuildContext, v: Visit, us: number, action: 'add' | 'remove' | 'update'): Built {
  const cart = v.cart!;
  let items = 0;
  let total = 0;
  let lines = '';
  for (const l of cart.lines) {
    items += l.quantity;
    total += l.variant.priceCents * l.quantity;
    lines +=
      (lines === '' ? '{"key":"' : ',{"key":"') +
      l.variant.id +
      ':' +
      cart.token.slice(0, 8) +
      '","product_id":' +
      l.product.id +
      ',"variant_id":' +
      l.variant.id +
      ',"sku":' +
      l.variant.skuJson +
      ',"title":' +
      l.product.titleJson +
      ',"quantity":' +
      l.quantity +
      ',"price":"' +
      money(l.variant.priceCents) +
      '","line_price":"' +
      money(l.variant.priceCents * l.quantity) +
      '"}';
  }
  return built(
    'cart_updated',
    v,
    visitHead(ctx, 'cart_updated', v, us, null) +
      ',"cart_token":"' +
      cart.token +
      '","action":"' +
      action +
      '","currency":"' +
      v.shop.region.currency +
      '","total_price":"' +
      money(total) +
      '","item_count":' +
      items +
      ',"line_items":[' +
      lines +
      ']}',
  );
}

export function checkoutStarted(ctx: BuildContext, v: Visit, us: number, cart: Cart, taxRate: number): Built {
  const referrer = v.pageUrl;
  v.checkoutToken = ctx.random.hex(32);
  setPage(v, flat(`https://${v.shop.id}/checkouts/cn/${v.checkoutToken}`), '');
  let subtotal = 0;
  let lines = '';
  for (const l of cart.lines) {
    subtotal += l.variant.priceCents * l.quantity;
    lines +=
      (lines === '' ? '{"product_id":' : ',{"product_id":') +
      l.product.id +
      ',"variant_id":' +
      l.variant.id +
      ',"sku":' +
      l.variant.skuJson +
      ',"title":' +
      l.product.titleJson +
      ',"quantity":' +
      l.quantity +
      ',"price":"' +
      money(l.variant.priceCents) +
      '"}';
  }
  const tax = Math.round(subtotal * taxRate);
  return built(
    'checkout_started',
    v,
    visitHead(ctx, 'checkout_started', v, us, referrer) +
      ',"checkout_token":"' +
      v.checkoutToken +
      '","cart_token":"' +
      cart.token +
      '","email":' +
      q(v.customer?.email) +
      ',"currency":"' +
      v.shop.region.currency +
      '","subtotal_price":"' +
      money(subtotal) +
      '","total_tax":"' +
      money(tax) +
      '","total_price":"' +
      money(subtotal + tax) +
      '","discount_codes":[],"line_items":[' +
      lines +
      ']}',
  );
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
