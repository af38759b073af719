// What the event builders share: the traffic PRNG, id sequences, the contracts' schema versions, and the state a
// storefront visit and an order carry from one event to the next. Builders read and update this state; the
// simulation decides when each builder runs.
import type { Faker } from '@faker-js/faker';
import type { Random } from '../random.js';
import type { Customer, Ids, Shop, Variant, Product } from '../shops.js';

export interface BuildContext {
  random: Random;
  faker: Faker;
  ids: Ids;
  /** The schema_version each event type is produced with (the contract's current one). */
  versions: Readonly<Record<string, number>>;
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
  /** The URL of the page currently shown (the next event's referrer inside the shop). */
  pageUrl: string;
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
