// Customer events (topic `customers`): customer_registered (Shopify's customers/create webhook with the new
// Customer resource) and customer_logged_in (a storefront sign-in).
import { isoLocal } from '../time-format.js';
import type { Customer } from '../shops.js';
import { envelope, fromObject } from './context.js';
import { flat, q } from '../json-text.js';
import type { Built, BuildContext, Visit } from './context.js';

const COUNTRY_NAMES: Record<string, string> = {
  US: 'United States',
  CA: 'Canada',
  GB: 'United Kingdom',
  DE: 'Germany',
  FR: 'France',
  AU: 'Australia',
  NL: 'Netherlands',
};

const LOCALES: Record<string, string> = { US: 'en', CA: 'en-CA', GB: 'en-GB', DE: 'de', AU: 'en-AU' };

export function customerRegistered(ctx: BuildContext, v: Visit, c: Customer, us: number): Built {
  const shop = v.shop;
  return fromObject(v.shop, {
    event_id: ctx.random.uuid(),
    event_type: 'customer_registered',
    schema_version: ctx.versions.customer_registered!,
    event_time: isoLocal(us, shop.region.utcOffsetMinutes),
    shop_id: shop.id,
    source: 'shopify_webhook',
    customer_id: c.id,
    email: c.email,
    phone: c.phone,
    first_name: c.firstName,
    last_name: c.lastName,
    state: 'enabled',
    verified_email: ctx.random.chance(0.7),
    accepts_marketing: c.acceptsMarketing,
    marketing_opt_in_level: c.acceptsMarketing ? 'single_opt_in' : null,
    tags: '',
    locale: LOCALES[shop.region.country] ?? 'en',
    currency: shop.region.currency,
    session_id: v.sessionId,
    client_id: v.clientId,
    default_address: {
      city: c.address.city,
      province: null,
      province_code: c.address.province_code || null,
      country: COUNTRY_NAMES[c.address.country_code] ?? null,
      country_code: c.address.country_code,
      zip: c.address.zip,
    },
  });
}

// `","user_agent":"…"}` per user agent (a handful), escaped and flattened once.
const UA_TAILS = new Map<string, string>();

function userAgentTail(ua: string): string {
  let tail = UA_TAILS.get(ua);
  if (tail === undefined) UA_TAILS.set(ua, (tail = flat(`","user_agent":${q(ua)}}`)));
  return tail;
}

const METHODS = ['password', 'password', 'password', 'shop_pay', 'shop_pay', 'social', 'passwordless'] as const;

/** JSON text, as the storefront sends it (one of the frequent events: see behaviour.ts). */
export function customerLoggedIn(ctx: BuildContext, v: Visit, c: Customer, us: number): Built {
  return {
    type: 'customer_logged_in',
    shop: v.shop,
    source: 'storefront',
    ascii: true,
    json:
      envelope(ctx, 'customer_logged_in', v.shop, us) +
      ',"customer_id":' +
      c.id +
      ',"session_id":"' +
      v.sessionId +
      '","client_id":"' +
      v.clientId +
      '","method":"' +
      ctx.random.pick(METHODS) +
      '","ip":"' +
      v.ip +
      userAgentTail(v.userAgent),
  };
}
