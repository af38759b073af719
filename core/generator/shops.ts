// The simulated tenants: shops of Zipf-distributed (heavy-tailed) size, each with a timezone, a currency, a catalog of
// products and variants with stock, and a customer base that grows as visitors register. All of it is drawn
// from its own PRNG stream, so the population depends only on the seed and the shop count.
import type { Faker } from '@faker-js/faker';
import { cumulative } from './random.js';
import { q } from './json-text.js';
import type { Random } from './random.js';

export interface Variant {
  id: number;
  productId: number;
  title: string;
  sku: string;
  /** `sku` as a JSON string literal (the hot builders write JSON text). */
  skuJson: string;
  priceCents: number;
  inventoryItemId: number;
  /** Units available at the shop's location; sales decrement it, restocks and cancellations raise it. */
  available: number;
  /** A restock (`received`) is already scheduled. */
  restockPending: boolean;
}

export interface Product {
  id: number;
  title: string;
  /** JSON string literals of title, vendor and productType; setTitle keeps titleJson in step. */
  titleJson: string;
  /**
   * Cached JSON text of the product's product_viewed fields to the end of the event, with its collection_id and
   * with a null one (behaviour.ts); viewJson is null after any edit (and viewJsonNoCollection then stale).
   */
  viewJson: string | null;
  viewJsonNoCollection: string;
  /** Its storefront URL (set with viewJson). */
  urlPath: string;
  /** urlPath followed by `","referrer":"` (set with viewJson). */
  urlJson: string;
  vendorJson: string;
  productTypeJson: string;
  handle: string;
  vendor: string;
  productType: string;
  tags: string[];
  status: 'active' | 'draft' | 'archived';
  createdUs: number;
  variants: Variant[];
}

export interface Address {
  address1: string;
  city: string;
  province_code: string;
  country_code: string;
  zip: string;
}

export interface Customer {
  id: number;
  email: string;
  firstName: string;
  lastName: string;
  phone: string | null;
  acceptsMarketing: boolean;
  address: Address;
  createdUs: number;
  ordersCount: number;
}

export interface Region {
  utcOffsetMinutes: number;
  currency: string;
  country: string;
  /** Share of shops in the region. */
  share: number;
}

/** Shop home regions (fixed offsets: daylight saving time is not modelled). */
export const REGIONS: readonly Region[] = [
  { utcOffsetMinutes: -300, currency: 'USD', country: 'US', share: 0.32 },
  { utcOffsetMinutes: -480, currency: 'USD', country: 'US', share: 0.16 },
  { utcOffsetMinutes: -300, currency: 'CAD', country: 'CA', share: 0.08 },
  { utcOffsetMinutes: 0, currency: 'GBP', country: 'GB', share: 0.14 },
  { utcOffsetMinutes: 60, currency: 'EUR', country: 'DE', share: 0.2 },
  { utcOffsetMinutes: 600, currency: 'AUD', country: 'AU', share: 0.1 },
];

export interface Shop {
  /** The tenant id and Kafka key: its myshopify domain. */
  id: string;
  /** `id` as a JSON string literal. */
  idJson: string;
  name: string;
  /** `name` escaped for use inside a JSON string literal (no surrounding quotes). */
  nameInJson: string;
  region: Region;
  /** Relative traffic (Pareto); the weights of all shops sum to 1. */
  weight: number;
  locationId: number;
  products: Product[];
  /** Cumulative product popularity (Zipf-like), for Random.weightedIndex. */
  productPopularity: Float64Array;
  customers: Customer[];
  nextOrderNumber: number;
}

/** Zipf exponent of shop sizes: with 25 shops the largest has about a quarter of the traffic, the top 5 about 60%. */
export const SHOP_SIZE_EXPONENT = 1;

/** Ids are drawn from Shopify-like ranges (13-14 digit integers, below 2^53). */
export class IdSequence {
  #next: number;
  constructor(
    base: number,
    private readonly stride: number,
  ) {
    this.#next = base;
  }
  next(): number {
    const id = this.#next;
    this.#next += this.stride;
    return id;
  }
}

export interface Ids {
  product: IdSequence;
  variant: IdSequence;
  inventoryItem: IdSequence;
  customer: IdSequence;
  order: IdSequence;
  lineItem: IdSequence;
  refund: IdSequence;
  checkout: IdSequence;
}

export function newIds(): Ids {
  return {
    product: new IdSequence(7_100_000_000_000, 7),
    variant: new IdSequence(41_200_000_000_000, 3),
    inventoryItem: new IdSequence(43_300_000_000_000, 3),
    customer: new IdSequence(6_400_000_000_000, 11),
    order: new IdSequence(5_500_000_000_000, 13),
    lineItem: new IdSequence(14_600_000_000_000, 5),
    refund: new IdSequence(920_000_000_000, 17),
    checkout: new IdSequence(32_000_000_000_000, 9),
  };
}

/** Builds `count` shops; products and customers are scaled with each shop's weight. */
export function buildShops(random: Random, count: number, startUs: number, ids: Ids, people: People): Shop[] {
  const faker = random.faker();
  // Zipf by rank (the k-th largest shop gets 1/k of the largest one's traffic), jittered so that sizes are not
  // exact ratios, in a shuffled order so that shop ids say nothing about size.
  const raw = Array.from(
    { length: count },
    (_, k) => Math.pow(k + 1, -SHOP_SIZE_EXPONENT) * Math.exp(0.25 * random.normal()),
  );
  for (let i = raw.length - 1; i > 0; i--) {
    const j = random.int(0, i);
    [raw[i], raw[j]] = [raw[j]!, raw[i]!];
  }
  const smallest = Math.min(...raw);
  const total = raw.reduce((a, b) => a + b, 0);
  const regionCum = cumulative(REGIONS.map((r) => r.share));
  const used = new Set<string>();
  const shops: Shop[] = [];
  for (let i = 0; i < count; i++) {
    const weight = raw[i]! / total;
    const relative = raw[i]! / smallest; // 1 for the smallest shop
    const name = faker.company.name();
    const id = uniqueDomain(name, used);
    const region = REGIONS[random.weightedIndex(regionCum)]!;
    const productCount = Math.min(3000, Math.round(12 * Math.pow(relative, 0.8)) + random.int(0, 8));
    const products: Product[] = [];
    for (let p = 0; p < productCount; p++)
      products.push(newProduct(random, faker, ids, startUs - random.int(1, 900) * 86_400_000_000));
    const customerCount = Math.min(50_000, Math.round(60 * relative) + random.int(0, 30));
    const customers: Customer[] = [];
    for (let c = 0; c < customerCount; c++)
      customers.push(newCustomer(random, people, ids, region, startUs - random.int(1, 1500) * 86_400_000_000));
    shops.push({
      id,
      idJson: JSON.stringify(id),
      name,
      nameInJson: q(name).slice(1, -1),
      region,
      weight,
      locationId: 60_000_000_000 + i * 1_031,
      products,
      productPopularity: cumulative(products.map((_, k) => 1 / Math.pow(k + 1, 0.9))),
      customers,
      nextOrderNumber: 1001 + random.int(0, 4000) * Math.ceil(relative),
    });
  }
  return shops;
}

const TYPES = [
  'Apparel',
  'Shoes',
  'Accessories',
  'Home',
  'Kitchen',
  'Beauty',
  'Toys',
  'Outdoor',
  'Electronics',
  'Grocery',
];
const SIZES = ['XS', 'S', 'M', 'L', 'XL'];
const COLOURS = ['Black', 'White', 'Navy', 'Olive', 'Sand', 'Red'];

export function newProduct(random: Random, faker: Faker, ids: Ids, createdUs: number): Product {
  const id = ids.product.next();
  const title = faker.commerce.productName();
  const base = Math.round(random.logUniform(400, 40_000) / 100) * 100 - 1; // 3.99 .. 399.99, priced to .99
  const kind = random.float();
  const names =
    kind < 0.45
      ? ['Default Title']
      : kind < 0.75
        ? random.pick([SIZES.slice(1, 4), SIZES])
        : COLOURS.slice(0, random.int(2, 4));
  const skuStem = title
    .split(' ')
    .map((w) => w.slice(0, 3).toUpperCase())
    .join('-');
  const variants: Variant[] = names.map((vt, i) => {
    const sku = `${skuStem}-${String(id % 100000).padStart(5, '0')}-${i + 1}`;
    return {
      id: ids.variant.next(),
      productId: id,
      title: vt,
      sku,
      skuJson: q(sku),
      priceCents: base + (vt === 'XL' ? 200 : 0),
      inventoryItemId: ids.inventoryItem.next(),
      available: random.int(0, 120),
      restockPending: false,
    };
  });
  const vendor = faker.company.name();
  const productType = random.pick(TYPES);
  return {
    id,
    title,
    titleJson: q(title),
    viewJson: null,
    viewJsonNoCollection: '',
    urlPath: '',
    urlJson: '',
    vendorJson: q(vendor),
    productTypeJson: q(productType),
    handle: `${title.toLowerCase().replace(/[^a-z0-9]+/g, '-')}-${id % 10000}`,
    vendor,
    productType,
    tags: random.chance(0.4) ? [random.pick(['new', 'sale', 'bestseller', 'eco', 'limited'])] : [],
    status: random.chance(0.94) ? 'active' : 'draft',
    createdUs,
    variants,
  };
}

/** Renames a product (and keeps its JSON literal in step). */
export function setTitle(p: Product, title: string): void {
  p.title = title;
  p.titleJson = q(title);
  p.viewJson = null;
}

const MAIL_DOMAINS = ['gmail.com', 'yahoo.com', 'outlook.com', 'icloud.com', 'hotmail.com', 'proton.me', 'example.com'];
const POOL = 400;

/** Names and places drawn once from faker, then combined at random: fakes people fast enough for the hot path. */
export interface People {
  firstNames: string[];
  lastNames: string[];
  streets: string[];
  places: Array<{ city: string; state: string; zip: string }>;
}

export function buildPeople(faker: Faker): People {
  const n = <T>(f: () => T): T[] => Array.from({ length: POOL }, f);
  return {
    firstNames: n(() => faker.person.firstName()),
    lastNames: n(() => faker.person.lastName()),
    streets: n(() => faker.location.streetAddress()),
    places: n(() => ({
      city: faker.location.city(),
      state: faker.location.state({ abbreviated: true }),
      zip: faker.location.zipCode('#####'),
    })),
  };
}

export function newCustomer(random: Random, people: People, ids: Ids, region: Region, createdUs: number): Customer {
  const id = ids.customer.next();
  const firstName = random.pick(people.firstNames);
  const lastName = random.pick(people.lastNames);
  const email = `${firstName}.${lastName}${random.int(1, 999)}@${random.pick(MAIL_DOMAINS)}`
    .toLowerCase()
    .replace(/[^a-z0-9.@_-]/g, '');
  const place = random.pick(people.places);
  return {
    id,
    email,
    firstName,
    lastName,
    phone: random.chance(0.55) ? `+1${random.int(201, 989)}${random.int(200, 999)}${random.int(1000, 9999)}` : null,
    acceptsMarketing: random.chance(0.35),
    address: {
      address1: random.pick(people.streets),
      city: place.city,
      province_code: region.country === 'US' ? place.state : '',
      country_code: random.chance(0.9) ? region.country : random.pick(['US', 'GB', 'DE', 'FR', 'CA', 'AU', 'NL']),
      zip: place.zip,
    },
    createdUs,
    ordersCount: random.chance(0.6) ? random.int(0, 12) : 0,
  };
}

function uniqueDomain(name: string, used: Set<string>): string {
  const stem = name
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 40);
  let domain = `${stem}.myshopify.com`;
  for (let n = 2; used.has(domain); n++) domain = `${stem}-${n}.myshopify.com`;
  used.add(domain);
  return domain;
}
