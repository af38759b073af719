/* eslint-disable @typescript-eslint/no-explicit-any -- the tests mutate arbitrary contract and event JSON */
import { describe, expect, it } from 'vitest';
import { contracts, createValidator, EVENT_TYPES, validate } from '../../../core/contracts/index.js';
import type { ContractField, EventType } from '../../../core/contracts/index.js';
import { decimalProblemText, decimalValue } from '../../../core/contracts/wire-values.js';
import { NOW, valid } from './fixtures.js';

const check = (event: unknown, topic?: string) => validate(event, { now: NOW, ...(topic ? { topic } : {}) });
const codes = (event: unknown) => {
  const r = check(event);
  return r.ok ? [] : r.errors.map((e) => `${e.code} ${e.path}`);
};
const strict = createValidator(contracts(), { unknownFields: 'reject' });
const strictCodes = (event: unknown) => {
  const r = strict(event, { now: NOW });
  return r.ok ? [] : r.errors.map((e) => `${e.code} ${e.path}`);
};

/** A JSON value of the wrong JSON type for a field. */
const wrongValue = (f: ContractField): unknown => {
  if (typeof f.type !== 'string') return f.type.type === 'list' ? { not: 'a list' } : ['not an object'];
  if (['int', 'long', 'double', 'float'].includes(f.type)) return '12';
  if (f.type === 'boolean') return 'true';
  if (f.type.startsWith('decimal')) return true;
  return 12345;
};

describe('validate: the valid table', () => {
  it.each(EVENT_TYPES)('%s: the fixture is valid, on its own topic', (type) => {
    const r = check(valid(type), contracts().events.get(type)!.topic);
    expect(r.ok ? 'ok' : r.errors).toBe('ok');
    expect(r.ok && r.eventType).toBe(type);
  });

  it('accepts optional fields absent or null alike, and decimals as strings or numbers', () => {
    const e = valid('order_created');
    delete e.customer;
    e.shipping_address = null;
    e.total_price = 127.04;
    e.total_tax = '0014.040';
    expect(codes(e)).toEqual([]);
  });
});

describe('validate: invalid events derived from every contract', () => {
  for (const type of EVENT_TYPES) {
    const fields = contracts().events.get(type)!.fields;
    it(`${type}: each required field missing or null -> missing_required at its path`, () => {
      for (const f of fields.filter((x) => x.required && x.name !== 'event_type')) {
        const e = valid(type);
        delete e[f.name];
        expect(codes(e), f.name).toEqual([`missing_required $.${f.name}`]);
        e[f.name] = null;
        expect(codes(e), f.name).toEqual([`missing_required $.${f.name}`]);
      }
    });
    it(`${type}: each field of the wrong JSON type -> wrong_type at its path`, () => {
      for (const f of fields.filter((x) => x.name !== 'event_type')) {
        const e = valid(type);
        e[f.name] = wrongValue(f);
        expect(codes(e), f.name).toEqual([`wrong_type $.${f.name}`]);
      }
    });
    it(`${type}: an undeclared key is ignored (flagged), or unknown_field when strict`, () => {
      const e = valid(type);
      expect(check(e)).toMatchObject({ ok: true, unknownFields: false });
      e.totalPrice = '1.00';
      expect(check(e)).toMatchObject({ ok: true, unknownFields: true });
      expect(strictCodes(e)).toEqual(['unknown_field $.totalPrice']);
    });
  }
});

type Case = [EventType, string, (e: Record<string, any>) => void, string[]];
const cases: Case[] = [
  [
    'order_created',
    'negative quantity',
    (e) => (e.line_items[1].quantity = -1),
    ['out_of_range $.line_items[1].quantity'],
  ],
  [
    'order_created',
    'fractional quantity',
    (e) => (e.line_items[0].quantity = 1.5),
    ['not_integer $.line_items[0].quantity'],
  ],
  [
    'order_created',
    'price with 3 decimals',
    (e) => (e.line_items[0].price = '49.001'),
    ['invalid_decimal $.line_items[0].price'],
  ],
  ['order_created', 'price in exponent notation', (e) => (e.total_price = '1e3'), ['invalid_decimal $.total_price']],
  [
    'order_created',
    'float noise in a number price',
    (e) => (e.total_price = 0.1 + 0.2),
    ['invalid_decimal $.total_price'],
  ],
  [
    'order_created',
    'too many integer digits',
    (e) => (e.total_price = '12345678901.00'),
    ['invalid_decimal $.total_price'],
  ],
  ['order_created', 'negative total', (e) => (e.total_price = '-1.00'), ['out_of_range $.total_price']],
  ['order_created', 'lower-case currency', (e) => (e.currency = 'cad'), ['pattern_mismatch $.currency']],
  [
    'order_created',
    'unknown financial_status',
    (e) => (e.financial_status = 'settled'),
    ['not_in_enum $.financial_status'],
  ],
  ['order_created', 'no line items', (e) => (e.line_items = []), ['too_few_items $.line_items']],
  ['order_created', 'null line item', (e) => (e.line_items[1] = null), ['missing_required $.line_items[1]']],
  ['order_created', 'line item not an object', (e) => (e.line_items[0] = 'x'), ['wrong_type $.line_items[0]']],
  ['order_created', 'nested required missing', (e) => delete e.customer.id, ['missing_required $.customer.id']],
  [
    'order_created',
    'nested prototype key',
    (e) => (e.customer.constructor = 'A'),
    ['forbidden_key $.customer.constructor'],
  ],
  [
    'order_created',
    'map value of wrong type',
    (e) => (e.note_attributes['gift note'] = 5),
    ['wrong_type $.note_attributes["gift note"]'],
  ],
  ['order_created', 'order_id beyond 2^53', (e) => (e.order_id = 2 ** 53 + 2), ['out_of_range $.order_id']],
  [
    'order_created',
    'impossible date',
    (e) => (e.processed_at = '2025-02-29T10:00:00Z'),
    ['invalid_timestamp $.processed_at'],
  ],
  [
    'order_created',
    'timestamp without offset',
    (e) => (e.processed_at = '2025-03-15T10:00:00'),
    ['invalid_timestamp $.processed_at'],
  ],
  [
    'order_created',
    'event_time a year ahead',
    (e) => (e.event_time = '2026-03-15T12:00:00Z'),
    ['future_timestamp $.event_time'],
  ],
  [
    'order_created',
    'event_time in year 3000',
    (e) => (e.event_time = '3000-01-01T00:00:00Z'),
    ['out_of_range $.event_time'],
  ],
  [
    'order_created',
    'newer schema_version',
    (e) => (e.schema_version = 2),
    ['unsupported_schema_version $.schema_version'],
  ],
  ['order_created', 'schema_version 0', (e) => (e.schema_version = 0), ['out_of_range $.schema_version']],
  ['order_created', 'unknown source', (e) => (e.source = 'email'), ['not_in_enum $.source']],
  ['order_created', 'empty shop_id', (e) => (e.shop_id = ''), ['too_short $.shop_id']],
  ['order_updated', 'updated_at malformed', (e) => (e.updated_at = 'yesterday'), ['invalid_timestamp $.updated_at']],
  [
    'order_updated',
    'updated_fields element null',
    (e) => (e.updated_fields = ['tags', null]),
    ['missing_required $.updated_fields[1]'],
  ],
  ['order_cancelled', 'unknown cancel_reason', (e) => (e.cancel_reason = 'bored'), ['not_in_enum $.cancel_reason']],
  [
    'refund_created',
    'zero refunded quantity',
    (e) => (e.refund_line_items[0].quantity = 0),
    ['out_of_range $.refund_line_items[0].quantity'],
  ],
  ['page_viewed', 'unknown page_type', (e) => (e.page_type = 'landing'), ['not_in_enum $.page_type']],
  ['product_viewed', 'price beyond precision', (e) => (e.price = 1e21), ['invalid_decimal $.price']],
  ['search_performed', 'query too long', (e) => (e.query = 'x'.repeat(1025)), ['too_long $.query']],
  ['search_performed', 'negative results_count', (e) => (e.results_count = -3), ['out_of_range $.results_count']],
  ['cart_updated', 'empty line key', (e) => (e.line_items[0].key = ''), ['too_short $.line_items[0].key']],
  [
    'checkout_started',
    'too many discount codes',
    (e) => (e.discount_codes = Array(51).fill('X')),
    ['too_many_items $.discount_codes'],
  ],
  [
    'customer_registered',
    'lower-case country code',
    (e) => (e.default_address.country_code = 'ca'),
    ['pattern_mismatch $.default_address.country_code'],
  ],
  ['customer_logged_in', 'unknown method', (e) => (e.method = 'magic'), ['not_in_enum $.method']],
  ['product_upserted', 'negative weight', (e) => (e.variants[0].weight = -0.5), ['out_of_range $.variants[0].weight']],
  [
    'product_upserted',
    'null option value',
    (e) => (e.options[0].values[1] = null),
    ['missing_required $.options[0].values[1]'],
  ],
  ['product_upserted', 'no variants', (e) => (e.variants = []), ['too_few_items $.variants']],
  ['inventory_adjusted', 'not a leap year', (e) => (e.expected_on = '2025-02-29'), ['invalid_date $.expected_on']],
  ['inventory_adjusted', 'available beyond int', (e) => (e.available = 2 ** 31), ['out_of_range $.available']],
];

describe('validate: the invalid table', () => {
  it.each(cases)('%s: %s', (type, _name, mutate, expected) => {
    const e = valid(type);
    mutate(e);
    expect(codes(e)).toEqual(expected);
  });

  it('reports every failure of one event, each with its path', () => {
    const e: Record<string, any> = valid('order_created');
    e.currency = 'cad';
    e.total_price = 'free';
    e.line_items[0].quantity = 0;
    e.line_items[1].price = -1;
    e.extra = 1;
    const expected = [
      'pattern_mismatch $.currency',
      'invalid_decimal $.total_price',
      'out_of_range $.line_items[0].quantity',
      'out_of_range $.line_items[1].price',
    ];
    expect(codes(e)).toEqual(expected);
    expect(strictCodes(e)).toEqual([...expected, 'unknown_field $.extra']);
  });

  it('ignores undeclared keys at any depth by default, flags them, and strict mode names each one', () => {
    const e: Record<string, any> = valid('order_created');
    e.customer.nickname = 'A';
    e.line_items[1].fulfillment_service = 'manual';
    e.admin_graphql_api_id = 'gid://shopify/Order/1';
    expect(check(e)).toMatchObject({ ok: true, eventType: 'order_created', unknownFields: true });
    expect(strictCodes(e)).toEqual([
      'unknown_field $.customer.nickname',
      'unknown_field $.line_items[1].fulfillment_service',
      'unknown_field $.admin_graphql_api_id',
    ]);
    expect(() => createValidator(contracts(), { unknownFields: 'drop' as 'ignore' })).toThrow(/unknownFields/);
  });

  it('dispatch failures: not an object, missing / wrong / unknown event_type, wrong topic', () => {
    for (const v of [null, [], 'order', 42, true]) expect(codes(v)).toEqual(['not_an_object $']);
    expect(codes({})).toEqual(['missing_required $.event_type']);
    expect(codes({ event_type: 7 })).toEqual(['wrong_type $.event_type']);
    expect(codes({ event_type: 'order_shipped' })).toEqual(['unknown_event_type $.event_type']);
    expect(codes({ event_type: '__proto__' })).toEqual(['unknown_event_type $.event_type']);
    const r = check(valid('page_viewed'), 'orders');
    expect(r.ok ? [] : r.errors.map((x) => x.code)).toEqual(['wrong_topic']);
  });

  it('future_timestamp follows the clock the caller passes', () => {
    const e = valid('order_created');
    e.event_time = '2025-03-15T12:59:00Z';
    expect(check(e).ok).toBe(true); // 59 min ahead of NOW: within max_future_seconds 3600
    e.event_time = '2025-03-15T13:01:00Z';
    expect(codes(e)).toEqual(['future_timestamp $.event_time']);
    expect(validate(e, { now: NOW + 3_600_000 }).ok).toBe(true);
  });
});

describe('validate: the fast paths answer as the general checks do', () => {
  it.each([
    'USD',
    'CAD',
    'usd',
    'US',
    'USDD',
    'U$D',
    'ÜSD',
    'U D',
    '',
    '\u{1F600}A',
    'A\u{1F600}',
    'USD\n',
    '@AZ',
    'Z[A',
  ])('currency %j: pattern_mismatch exactly when /^[A-Z]{3}$/u fails', (currency) => {
    const e = { ...valid('order_created'), currency };
    const r = check(e);
    const expected = /^[A-Z]{3}$/u.test(currency) ? [] : ['pattern_mismatch $.currency'];
    expect(r.ok ? [] : r.errors.map((x) => `${x.code} ${x.path}`)).toEqual(expected);
  });

  it.each([
    '122.44',
    '0',
    '-0.00',
    '-0.01',
    '1.234',
    '12345678901',
    '0000000000012.50',
    '1e3',
    ' 1',
    '.5',
    '5.',
    7.5,
    -3,
    0.1 + 0.2,
  ])('total_price %j: the reason and message of decimalValue, out_of_range below min 0', (total_price) => {
    const r = check({ ...valid('order_created'), total_price });
    const m = decimalValue(total_price, 10, 2);
    const expected =
      m !== m
        ? [`invalid_decimal $.total_price ${decimalProblemText()} for decimal(12,2)`]
        : m < 0
          ? [`out_of_range $.total_price ${total_price} is outside allowed range 0..Infinity`]
          : [];
    expect(r.ok ? [] : r.errors.map((x) => `${x.code} ${x.path} ${x.message}`)).toEqual(expected);
  });
});
