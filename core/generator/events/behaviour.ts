// Storefront behaviour events (topic `behaviour`), shaped like Shopify's web pixel events: page_viewed,
// product_viewed, search_performed, cart_updated and checkout_started. Every builder takes the visit it belongs to
// and the event time (epoch microseconds) and returns the wire event, envelope first.
import { cumulative } from '../random.js';
import { isoMicros, money } from '../time-format.js';
import type { Shop, Product } from '../shops.js';
import type { WireEvent } from '../record.js';
import type { BuildContext, Cart, Visit } from './context.js';

const USER_AGENTS: ReadonlyArray<readonly [string, Visit['deviceType'], number]> = [
  ['Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Mobile/15E148 Safari/604.1', 'mobile', 0.3],
  ['Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/122.0.0.0 Mobile Safari/537.36', 'mobile', 0.22],
  ['Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/122.0.0.0 Safari/537.36', 'desktop', 0.2],
  ['Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.3 Safari/605.1.15', 'desktop', 0.12],
  ['Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:123.0) Gecko/20100101 Firefox/123.0', 'desktop', 0.05],
  ['Mozilla/5.0 (iPad; CPU OS 17_3 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.3 Mobile/15E148 Safari/604.1', 'tablet', 0.06],
  ['Mozilla/5.0 (Linux; Android 13; SM-X200) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/121.0.0.0 Safari/537.36', 'tablet', 0.02],
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

export function newVisit(ctx: BuildContext, shop: Shop): Visit {
  const r = ctx.random;
  const ua = USER_AGENTS[r.weightedIndex(UA_CUM)]!;
  const src = SOURCES[r.weightedIndex(SOURCE_CUM)]!;
  return {
    shop,
    clientId: r.uuid(),
    sessionId: r.hex(32),
    customer: null,
    userAgent: ua[0],
    deviceType: ua[1],
    ip: r.chance(0.85)
      ? `${r.int(23, 223)}.${r.int(0, 255)}.${r.int(0, 255)}.${r.int(1, 254)}`
      : `2a02:${r.hex(4)}:${r.hex(4)}::${r.hex(4)}`,
    referrer: src[0],
    utmSource: src[1],
    utmMedium: src[2],
    utmCampaign: src[3],
    pageUrl: `https://${shop.id}/`,
    lastProduct: null,
    cart: null,
    checkoutToken: null,
  };
}

/** A page that is not a product page. The first page of a visit is its landing page. */
export function pageViewed(ctx: BuildContext, v: Visit, us: number, landing: boolean): WireEvent {
  const page = landing && ctx.random.chance(0.5) ? PAGES[1]! : PAGES[ctx.random.weightedIndex(PAGE_CUM)]!;
  const referrer = landing ? v.referrer : v.pageUrl;
  v.pageUrl = `https://${v.shop.id}${page[1]}${landing && v.utmSource ? utmQuery(v) : ''}`;
  return {
    event_id: ctx.random.uuid(),
    event_type: 'page_viewed',
    schema_version: ctx.versions.page_viewed!,
    event_time: isoMicros(us),
    shop_id: v.shop.id,
    source: 'storefront',
    client_id: v.clientId,
    session_id: v.sessionId,
    customer_id: v.customer?.id ?? null,
    page_url: v.pageUrl,
    referrer,
    user_agent: v.userAgent,
    ip: v.ip,
    device_type: v.deviceType,
    utm_source: v.utmSource,
    utm_medium: v.utmMedium,
    utm_campaign: v.utmCampaign,
    page_type: page[0],
    page_title: page[0] === 'home' ? v.shop.name : `${titleOf(page[1])} – ${v.shop.name}`,
  };
}

export function productViewed(ctx: BuildContext, v: Visit, us: number, product: Product): WireEvent {
  const referrer = v.pageUrl;
  const variant = product.variants[0]!;
  v.pageUrl = `https://${v.shop.id}/products/${product.handle}`;
  v.lastProduct = product;
  return {
    event_id: ctx.random.uuid(),
    event_type: 'product_viewed',
    schema_version: ctx.versions.product_viewed!,
    event_time: isoMicros(us),
    shop_id: v.shop.id,
    source: 'storefront',
    client_id: v.clientId,
    session_id: v.sessionId,
    customer_id: v.customer?.id ?? null,
    page_url: v.pageUrl,
    referrer,
    user_agent: v.userAgent,
    ip: v.ip,
    device_type: v.deviceType,
    utm_source: v.utmSource,
    utm_medium: v.utmMedium,
    utm_campaign: v.utmCampaign,
    product_id: product.id,
    variant_id: variant.id,
    product_title: product.title,
    product_type: product.productType,
    vendor: product.vendor,
    price: money(variant.priceCents),
    currency: v.shop.region.currency,
    collection_id: ctx.random.chance(0.6) ? 280_000_000_000 + (product.id % 40) : null,
  };
}

export function searchPerformed(ctx: BuildContext, v: Visit, us: number, query: string, results: number): WireEvent {
  const referrer = v.pageUrl;
  v.pageUrl = `https://${v.shop.id}/search?q=${encodeURIComponent(query)}`;
  return {
    event_id: ctx.random.uuid(),
    event_type: 'search_performed',
    schema_version: ctx.versions.search_performed!,
    event_time: isoMicros(us),
    shop_id: v.shop.id,
    source: 'storefront',
    client_id: v.clientId,
    session_id: v.sessionId,
    customer_id: v.customer?.id ?? null,
    page_url: v.pageUrl,
    referrer,
    user_agent: v.userAgent,
    ip: v.ip,
    device_type: v.deviceType,
    utm_source: v.utmSource,
    utm_medium: v.utmMedium,
    utm_campaign: v.utmCampaign,
    query,
    results_count: results,
    search_type: results > 0 || ctx.random.chance(0.7) ? 'products' : 'all',
  };
}

/** A cart change; `action` says what happened to `cart` just before this event. */
export function cartUpdated(ctx: BuildContext, v: Visit, us: number, action: 'add' | 'remove' | 'update'): WireEvent {
  const cart = v.cart!;
  let items = 0;
  let total = 0;
  const lines = cart.lines.map((l) => {
    items += l.quantity;
    total += l.variant.priceCents * l.quantity;
    return {
      key: `${l.variant.id}:${cart.token.slice(0, 8)}`,
      product_id: l.product.id,
      variant_id: l.variant.id,
      sku: l.variant.sku,
      title: l.product.title,
      quantity: l.quantity,
      price: money(l.variant.priceCents),
      line_price: money(l.variant.priceCents * l.quantity),
    };
  });
  return {
    event_id: ctx.random.uuid(),
    event_type: 'cart_updated',
    schema_version: ctx.versions.cart_updated!,
    event_time: isoMicros(us),
    shop_id: v.shop.id,
    source: 'storefront',
    client_id: v.clientId,
    session_id: v.sessionId,
    customer_id: v.customer?.id ?? null,
    page_url: v.pageUrl,
    referrer: null,
    user_agent: v.userAgent,
    ip: v.ip,
    device_type: v.deviceType,
    utm_source: v.utmSource,
    utm_medium: v.utmMedium,
    utm_campaign: v.utmCampaign,
    cart_token: cart.token,
    action,
    currency: v.shop.region.currency,
    total_price: money(total),
    item_count: items,
    line_items: lines,
  };
}

export function checkoutStarted(ctx: BuildContext, v: Visit, us: number, cart: Cart, taxRate: number): WireEvent {
  const referrer = v.pageUrl;
  v.checkoutToken = ctx.random.hex(32);
  v.pageUrl = `https://${v.shop.id}/checkouts/cn/${v.checkoutToken}`;
  let subtotal = 0;
  const lines = cart.lines.map((l) => {
    subtotal += l.variant.priceCents * l.quantity;
    return {
      product_id: l.product.id,
      variant_id: l.variant.id,
      sku: l.variant.sku,
      title: l.product.title,
      quantity: l.quantity,
      price: money(l.variant.priceCents),
    };
  });
  const tax = Math.round(subtotal * taxRate);
  return {
    event_id: ctx.random.uuid(),
    event_type: 'checkout_started',
    schema_version: ctx.versions.checkout_started!,
    event_time: isoMicros(us),
    shop_id: v.shop.id,
    source: 'storefront',
    client_id: v.clientId,
    session_id: v.sessionId,
    customer_id: v.customer?.id ?? null,
    page_url: v.pageUrl,
    referrer,
    user_agent: v.userAgent,
    ip: v.ip,
    device_type: v.deviceType,
    utm_source: v.utmSource,
    utm_medium: v.utmMedium,
    utm_campaign: v.utmCampaign,
    checkout_token: v.checkoutToken,
    cart_token: cart.token,
    email: v.customer?.email ?? null,
    currency: v.shop.region.currency,
    subtotal_price: money(subtotal),
    total_tax: money(tax),
    total_price: money(subtotal + tax),
    discount_codes: [],
    line_items: lines,
  };
}

function utmQuery(v: Visit): string {
  let q = `?utm_source=${v.utmSource}`;
  if (v.utmMedium) q += `&utm_medium=${v.utmMedium}`;
  if (v.utmCampaign) q += `&utm_campaign=${v.utmCampaign}`;
  return q;
}

function titleOf(path: string): string {
  const last = path.split('/').pop() ?? '';
  return last
    .split('-')
    .map((w) => w.charAt(0).toUpperCase() + w.slice(1))
    .join(' ');
}
