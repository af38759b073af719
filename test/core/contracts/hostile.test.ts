// The validator never throws, whatever the value: any JSON value, deep nesting, huge strings, prototype keys,
// wrong types, throwing getters. It answers with reason codes. conform() never throws on an event it accepted.
import { describe, expect, it } from 'vitest';
import {
  conform,
  contracts,
  createValidator,
  EVENT_TYPES,
  MAX_ERRORS,
  REASON_CODES,
  validate,
} from '../../../core/contracts/index.js';
import type { ValidationResult } from '../../../core/contracts/index.js';
import { NOW, valid } from './fixtures.js';
import { prng as rng } from '../../support/prng.js';

const run = (event: unknown): ValidationResult => {
  let r: ValidationResult | undefined;
  expect(() => (r = validate(event, { now: NOW }))).not.toThrow();
  return r!;
};
const strictValidate = createValidator(contracts(), { unknownFields: 'reject' });
const codesOf = (r: ValidationResult) => (r.ok ? [] : r.errors.map((e) => e.code));
const deepArray = (n: number) => JSON.parse('['.repeat(n) + ']'.repeat(n)) as unknown;
const deepObject = (n: number) => JSON.parse('{"a":'.repeat(n) + '1' + '}'.repeat(n)) as unknown;
const FIVE_MB = 'x'.repeat(5 * 1024 * 1024);

function randomJson(r: () => number, depth = 0): unknown {
  const k = Math.floor(r() * (depth > 3 ? 6 : 8));
  switch (k) {
    case 0:
      return null;
    case 1:
      return r() < 0.5;
    case 2:
      return [0, -1, 1.5, 2 ** 31, 2 ** 53, -0, 1e308, 5e-324][Math.floor(r() * 8)];
    case 3:
      return ['', 'x', '2025-03-15T12:00:00Z', '12.30', '__proto__', 'constructor', '\u0000\ud800', 'order_created'][
        Math.floor(r() * 8)
      ];
    case 4:
      return Math.floor(r() * 1e6);
    case 5:
      return 'é'.repeat(Math.floor(r() * 300));
    case 6:
      return Array.from({ length: Math.floor(r() * 4) }, () => randomJson(r, depth + 1));
    default: {
      const o: Record<string, unknown> = {};
      for (let i = Math.floor(r() * 4); i > 0; i--)
        o[['__proto__', 'constructor', 'a', 'event_type', 'quantity'][Math.floor(r() * 5)]!] = randomJson(r, depth + 1);
      return JSON.parse(JSON.stringify(o)) as unknown;
    }
  }
}

/** Replaces one random node of a JSON tree with v; returns the tree. */
function mutate(root: Record<string, unknown>, r: () => number, v: unknown): Record<string, unknown> {
  let node: unknown = root;
  for (;;) {
    const keys = node && typeof node === 'object' ? Object.keys(node) : [];
    if (keys.length === 0) return root;
    const key = keys[Math.floor(r() * keys.length)]!;
    const child = (node as Record<string, unknown>)[key];
    if (child && typeof child === 'object' && r() < 0.6) node = child;
    else {
      (node as Record<string, unknown>)[key] = v;
      return root;
    }
  }
}

describe('hostile input never throws', () => {
  it('any JSON value as the event', () => {
    const r = rng(1);
    for (let i = 0; i < 2000; i++) {
      const res = run(randomJson(r));
      expect(res.ok).toBe(false);
      for (const code of codesOf(res)) expect(REASON_CODES).toHaveProperty(code);
    }
  });

  it('10,000-deep nesting as the event and in every kind of field', () => {
    expect(codesOf(run(deepArray(10_000)))).toEqual(['not_an_object']);
    expect(codesOf(run(deepObject(10_000)))).toEqual(['missing_required']);
    const e = valid('order_created');
    e.customer = deepObject(10_000);
    e.line_items = deepArray(10_000);
    e.note_attributes = deepObject(10_000);
    e.name = deepArray(10_000);
    e.deep = deepObject(10_000);
    expect(codesOf(run(e)).sort()).toEqual(['missing_required', 'wrong_type', 'wrong_type', 'wrong_type'].sort());
    const strict = codesOf(strictValidate(e, { now: NOW }));
    expect(strict.sort()).toEqual(
      ['missing_required', 'unknown_field', 'unknown_field', 'wrong_type', 'wrong_type', 'wrong_type'].sort(),
    );
  });

  it('5 MB strings in string, decimal, timestamp, enum, key and event_type positions', () => {
    const e = valid('order_created');
    e.name = FIVE_MB;
    e.total_price = FIVE_MB;
    e.processed_at = FIVE_MB;
    e.financial_status = FIVE_MB;
    e.note_attributes = { [FIVE_MB]: 'v' };
    e[FIVE_MB] = 1;
    const res = run(e);
    expect(codesOf(res)).toEqual(['too_long', 'invalid_decimal', 'not_in_enum', 'invalid_timestamp']);
    expect(codesOf(strictValidate(e, { now: NOW }))).toEqual([
      'too_long',
      'invalid_decimal',
      'not_in_enum',
      'invalid_timestamp',
      'unknown_field',
    ]);
    if (!res.ok) for (const err of res.errors) expect(err.path.length + err.message.length).toBeLessThan(300);
    expect(codesOf(run({ event_type: FIVE_MB }))).toEqual(['unknown_event_type']);
    const r2 = run({ event_type: FIVE_MB });
    expect(!r2.ok && r2.errors[0]!.message.length).toBeLessThan(200);
  });

  it('__proto__, constructor and prototype-member keys are plain unknown keys; nothing is polluted', () => {
    const text = JSON.stringify(valid('order_created')).replace(
      /^\{/,
      '{"__proto__":{"event_type":"page_viewed","polluted":true},"constructor":{"prototype":{"polluted":true}},"hasOwnProperty":1,',
    );
    const e = JSON.parse(text) as Record<string, unknown>;
    (e.customer as Record<string, unknown>) = JSON.parse('{"id":1,"__proto__":{"email":"x"}}');
    const res = run(e);
    expect(res.ok ? [] : res.errors.map((x) => `${x.code} ${x.path}`)).toEqual([
      'forbidden_key $.customer.__proto__',
      'forbidden_key $.constructor',
      'forbidden_key $.hasOwnProperty',
      'forbidden_key $.__proto__',
    ]);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(codesOf(run(JSON.parse('{"__proto__":{"event_type":"order_created"}}')))).toEqual(['missing_required']);
  });

  it('numbers where strings belong, strings where numbers belong, non-finite numbers', () => {
    const e = valid('product_upserted');
    e.title = 42;
    e.product_id = '44001';
    (e.variants as Record<string, unknown>[])[0]!.weight = Number.NaN;
    (e.variants as Record<string, unknown>[])[1]!.price = Number.POSITIVE_INFINITY;
    expect(codesOf(run(e))).toEqual(['wrong_type', 'wrong_type', 'out_of_range', 'invalid_decimal']);
  });

  it('throwing getters and proxies give internal_error, not an exception', () => {
    const e = valid('order_created');
    Object.defineProperty(e, 'currency', {
      enumerable: true,
      get: () => {
        throw new Error('boom');
      },
    });
    expect(codesOf(run(e))).toEqual(['internal_error']);
    const p = new Proxy(
      {},
      {
        get: () => {
          throw new Error('trap');
        },
      },
    );
    expect(codesOf(run(p))).toEqual(['internal_error']);
  });

  it('stops after MAX_ERRORS errors with one too_many_errors entry', () => {
    const e = valid('order_created');
    for (let i = 0; i < 100_000; i++) e[`k${i}`] = i;
    expect(run(e)).toMatchObject({ ok: true, unknownFields: true }); // ignored by default
    const res = strictValidate(e, { now: NOW });
    expect(res.ok).toBe(false);
    if (!res.ok) {
      expect(res.errors).toHaveLength(MAX_ERRORS + 1);
      expect(res.errors.at(-1)!.code).toBe('too_many_errors');
    }
    const f = valid('checkout_started');
    f.discount_codes = null;
    f.line_items = Array(50_000).fill({ quantity: 'many' });
    expect(run(f).ok).toBe(false);
  });

  it('fuzz: random mutations of every valid event; accepted ones conform without throwing', () => {
    const r = rng(42);
    let accepted = 0;
    for (let i = 0; i < 4000; i++) {
      const type = EVENT_TYPES[i % EVENT_TYPES.length]!;
      const e = mutate(valid(type), r, randomJson(r));
      const res = run(e);
      for (const code of codesOf(res)) expect(REASON_CODES).toHaveProperty(code);
      if (res.ok) {
        accepted++;
        const out = conform(e, { ingest_time: NOW * 1000, is_late: false }, (v) => v);
        expect(out.table).toBe(`silver.${type}`);
      }
    }
    expect(accepted).toBeGreaterThan(100); // some mutations hit optional fields with null and stay valid
  });
});
