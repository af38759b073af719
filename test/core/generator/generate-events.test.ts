import { createHash } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { generateEvents } from '../../../core/generator/generate-events.js';
import { KafkaPartitioner } from '../../../core/generator/partition.js';
import { BAD_KINDS, GOOD_KINDS, TEST_KIND_HEADER, isGoodKind } from '../../../core/generator/record.js';
import { DEFAULT_OPTIONS } from '../../../core/generator/options.js';
import { SHOPPER_HOURLY } from '../../../core/generator/seasonality.js';
import { contracts, validate, parseTimestamptz } from '../../../core/contracts/index.js';
import type { GeneratedRecord, WireEvent } from '../../../core/generator/record.js';
import type { GenerateOptionsInput } from '../../../core/generator/options.js';
import type { EventStream } from '../../../core/generator/generate-events.js';

const utf8 = new TextDecoder('utf-8', { fatal: true });

function run(options: GenerateOptionsInput): { stream: EventStream; records: GeneratedRecord[] } {
  const stream = generateEvents(options);
  return { stream, records: [...stream] };
}

function digest(records: GeneratedRecord[]): string {
  const h = createHash('sha256');
  for (const r of records) {
    h.update(`${r.topic}|${r.partition}|${r.offset}|${r.key}|${r.timestamp}|${JSON.stringify(r.headers)}|`);
    h.update(r.value);
  }
  return h.digest('hex');
}

/** Microseconds of an event's event_time. */
const eventUs = (e: WireEvent): number => parseTimestamptz(e.event_time);

/** |observed - expected| within `sigmas` binomial standard deviations. */
function expectShare(observed: number, n: number, share: number, sigmas = 5): void {
  const expected = n * share;
  const sd = Math.sqrt(n * share * (1 - share));
  expect(
    Math.abs(observed - expected),
    `observed ${observed}, expected ${expected.toFixed(1)} ± ${sigmas}σ (${sd.toFixed(1)})`,
  ).toBeLessThan(sigmas * sd + 1);
}

describe('generateEvents: determinism', () => {
  it('gives byte-identical records for the same seed and options', () => {
    const a = run({ seed: 11, events: 15_000 });
    const b = run({ seed: 11, events: 15_000 });
    expect(a.records).toHaveLength(15_000);
    expect(digest(a.records)).toBe(digest(b.records));
    expect(a.stream.stats).toEqual(b.stream.stats);
  });

  it('gives different records for a different seed', () => {
    const a = run({ seed: 11, events: 2_000 });
    const b = run({ seed: 12, events: 2_000 });
    expect(digest(a.records)).not.toBe(digest(b.records));
    expect(a.records[0]!.value.equals(b.records[0]!.value)).toBe(false);
    expect(a.stream.shops.map((s) => s.id)).not.toEqual(b.stream.shops.map((s) => s.id));
  });

  it('derives event ids from the seed (UUID v4 form, unique per event)', () => {
    const { records } = run({ seed: 5, events: 5_000, duplicateShare: 0, badShare: 0 });
    const ids = records.map((r) => r.event!.event_id);
    const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
    expect(ids.filter((id) => !uuid.test(id))).toEqual([]);
    expect(new Set(ids).size).toBe(ids.length);
  });
});

describe('generateEvents: a default day', () => {
  const N = 60_000;
  let stream: EventStream;
  let records: GeneratedRecord[];
  beforeAll(() => {
    ({ stream, records } = run({ seed: 42, events: N }));
  });

  it('emits exactly the requested number of records, and stats that count them', () => {
    expect(records).toHaveLength(N);
    const byKind = Object.fromEntries(
      [...GOOD_KINDS, ...BAD_KINDS].map((k) => [k, records.filter((r) => r.kind === k).length]),
    );
    expect(stream.stats.byKind).toEqual(byKind);
    expect(stream.stats.records).toBe(N);
    expect(stream.stats.bytes).toBe(records.reduce((a, r) => a + r.value.length, 0));
    const byTopic: Record<string, number> = {};
    for (const r of records) byTopic[r.topic] = (byTopic[r.topic] ?? 0) + 1;
    expect(stream.stats.byTopic).toEqual(byTopic);
  });

  it('makes every good, late and duplicate record valid per the contracts validator, on its contract topic', () => {
    const failures: string[] = [];
    let checked = 0;
    for (const r of records) {
      if (!isGoodKind(r.kind)) continue;
      const text = utf8.decode(r.value);
      // The text builders' output is copied as Latin-1 when flagged ASCII: a character that is not would change.
      if (text !== r.text) failures.push(`${r.kind} ${r.eventType}: value bytes do not decode to its text`);
      const event = JSON.parse(text) as WireEvent;
      const res = validate(event, { now: r.timestamp, topic: r.topic });
      if (!res.ok) failures.push(`${r.kind} ${r.eventType}: ${JSON.stringify(res.errors.slice(0, 3))}`);
      if (event.event_type !== r.eventType)
        failures.push(`${r.kind}: eventType ${r.eventType} but the value says ${event.event_type}`);
      if (checked++ % 97 === 0) expect(r.event).toEqual(event);
    }
    expect(failures.slice(0, 10)).toEqual([]);
  });

  it('keys every record by its shop_id, partitions it like Kafka and numbers offsets per topic-partition', () => {
    const partitioner = new KafkaPartitioner(DEFAULT_OPTIONS.partitions);
    const next = new Map<string, number>();
    const problems: string[] = [];
    for (const r of records) {
      const tp = `${r.topic}-${r.partition}`;
      if (r.partition !== partitioner.partitionOf(r.key)) problems.push(`${tp}@${r.offset}: partition of ${r.key}`);
      if (r.offset !== (next.get(tp) ?? 0)) problems.push(`${tp}@${r.offset}: expected offset ${next.get(tp) ?? 0}`);
      next.set(tp, r.offset + 1);
      if (r.headers[TEST_KIND_HEADER] !== r.kind)
        problems.push(`${tp}@${r.offset}: header ${r.headers[TEST_KIND_HEADER]}`);
      if (isGoodKind(r.kind) && r.event!.shop_id !== r.key) problems.push(`${tp}@${r.offset}: key ${r.key}`);
    }
    expect(problems.slice(0, 10)).toEqual([]);
    const topics = new Set(records.map((r) => r.topic));
    expect([...topics].sort()).toEqual(
      contracts()
        .topics.map((t) => t.topic)
        .sort(),
    );
  });

  it('produces late, duplicate and bad records at the configured shares', () => {
    expectShare(stream.stats.byKind.late, N, DEFAULT_OPTIONS.lateShare);
    expectShare(stream.stats.byKind.duplicate, N, DEFAULT_OPTIONS.duplicateShare);
    const bad = BAD_KINDS.reduce((a, k) => a + stream.stats.byKind[k], 0);
    expectShare(bad, N, DEFAULT_OPTIONS.badShare);
  });

  it('delivers good records within seconds of their event_time, late ones minutes to days after it', () => {
    const lag = (kind: string) =>
      records.filter((r) => r.kind === kind).map((r) => r.timestamp - eventUs(r.event!) / 1000);
    const good = lag('good');
    expect(Math.min(...good)).toBeGreaterThanOrEqual(-1);
    expect(Math.max(...good)).toBeLessThanOrEqual(31_000);
    const late = lag('late');
    expect(Math.min(...late)).toBeGreaterThanOrEqual(DEFAULT_OPTIONS.lateMinMinutes * 60_000 - 1_000);
    expect(Math.max(...late)).toBeLessThanOrEqual(DEFAULT_OPTIONS.lateMaxMinutes * 60_000 + 1_000);
    const lates = records.filter((r) => r.kind === 'late').map((r) => r.timestamp - eventUs(r.event!) / 1000);
    expect(lates.some((l) => l > 24 * 3_600_000)).toBe(true);
    expect(lates.some((l) => l < 10 * 60_000)).toBe(true);
  });

  it('resends duplicates with the bytes and event_id of an earlier record, never earlier than it', () => {
    const seen = new Map<string, GeneratedRecord>();
    const problems: string[] = [];
    let duplicates = 0;
    for (const r of records) {
      if (r.kind === 'duplicate') {
        const id = r.event!.event_id;
        const original = seen.get(id);
        if (!original) problems.push(`duplicate ${id} has no earlier original`);
        else if (!r.value.equals(original.value)) problems.push(`duplicate ${id} differs from its original`);
        else if (r.topic !== original.topic || r.key !== original.key || r.partition !== original.partition)
          problems.push(`duplicate ${id} moved`);
        else if (r.timestamp < original.timestamp) problems.push(`duplicate ${id} is older than its original`);
        duplicates++;
      } else if (r.kind === 'good' || r.kind === 'late') {
        if (seen.has(r.event!.event_id)) problems.push(`event_id ${r.event!.event_id} reused by a ${r.kind} record`);
        seen.set(r.event!.event_id, r);
      }
    }
    expect(problems.slice(0, 10)).toEqual([]);
    expect(duplicates).toBeGreaterThan(0);
  });

  it('moves visits through the funnel at the default conversion rates', () => {
    const f = DEFAULT_OPTIONS.funnel;
    const good = records.filter((r) => r.kind === 'good').map((r) => r.event!);
    const sessionsWith = (type: string): Set<string> =>
      new Set(good.filter((e) => e.event_type === type).map((e) => e.session_id as string));
    const visits = sessionsWith('page_viewed');
    const viewers = sessionsWith('product_viewed');
    const carts = sessionsWith('cart_updated');
    const checkouts = good.filter((e) => e.event_type === 'checkout_started');
    const checkoutTokens = new Set(checkouts.map((e) => e.checkout_token as string));
    const orders = good.filter(
      (e) => e.event_type === 'order_created' && checkoutTokens.has(e.checkout_token as string),
    );
    expect(visits.size).toBeGreaterThan(5_000);
    for (const s of viewers) expect(visits.has(s)).toBe(true);
    for (const s of carts) expect(viewers.has(s)).toBe(true);
    expect(viewers.size / visits.size).toBeCloseTo(f.productView, 1);
    expect(Math.abs(carts.size / viewers.size - f.addToCart)).toBeLessThan(0.02);
    expect(Math.abs(checkouts.length / carts.size - f.checkout)).toBeLessThan(0.06);
    expect(Math.abs(orders.length / checkouts.length - f.purchase)).toBeLessThan(0.08);
    // The stats count the planned funnel the same way.
    const s = stream.stats.funnel;
    expect(s.productViewers / s.sessions).toBeCloseTo(f.productView, 1);
  });

  it('refers every order follow-up to an order created earlier in the stream', () => {
    const created = new Map<number, WireEvent>();
    let followUps = 0;
    for (const r of records) {
      if (!isGoodKind(r.kind)) continue;
      const e = r.event!;
      if (e.event_type === 'order_created') created.set(e.order_id as number, e);
      if (e.event_type === 'order_updated' || e.event_type === 'order_cancelled' || e.event_type === 'refund_created') {
        const order = created.get(e.order_id as number);
        expect(order, `${e.event_type} for unknown order ${String(e.order_id)}`).toBeDefined();
        expect(order!.shop_id).toBe(e.shop_id);
        if (r.kind === 'good') expect(eventUs(e)).toBeGreaterThanOrEqual(eventUs(order!));
        if (e.event_type === 'refund_created') {
          expect(Number(e.total_refunded)).toBeLessThanOrEqual(Number(order!.total_price));
          const lineIds = new Set((order!.line_items as Array<{ line_item_id: number }>).map((l) => l.line_item_id));
          for (const l of e.refund_line_items as Array<{ line_item_id: number }>)
            expect(lineIds.has(l.line_item_id)).toBe(true);
        }
        followUps++;
      }
    }
    expect(followUps).toBeGreaterThan(50);
  });

  it('emits searches, logins, registrations, catalog and inventory changes', () => {
    const types = stream.stats.byEventType;
    for (const t of [
      'search_performed',
      'customer_logged_in',
      'customer_registered',
      'product_upserted',
      'inventory_adjusted',
      'order_cancelled',
    ]) {
      expect(types[t] ?? 0, t).toBeGreaterThan(0);
    }
    const reasons = new Set(
      records.filter((r) => r.kind === 'good' && r.eventType === 'inventory_adjusted').map((r) => r.event!.reason),
    );
    expect(reasons.has('sold')).toBe(true);
    expect(reasons.size).toBeGreaterThan(2);
  });

  it('gives shops heavy-tailed sizes', () => {
    const perShop = new Map<string, number>();
    for (const r of records) perShop.set(r.key, (perShop.get(r.key) ?? 0) + 1);
    const counts = [...perShop.values()].sort((a, b) => b - a);
    expect(counts).toHaveLength(DEFAULT_OPTIONS.shops);
    const median = counts[Math.floor(counts.length / 2)]!;
    expect(counts[0]! / median).toBeGreaterThan(5);
    expect(stream.shops[0]!.weight).toBeGreaterThan(stream.shops.at(-1)!.weight * 10);
  });
});

describe('generateEvents: a week', () => {
  let stream: EventStream;
  let records: GeneratedRecord[];
  beforeAll(() => {
    ({ stream, records } = run({ seed: 3, events: 70_000, days: 7, start: '2025-03-03T00:00:00Z' }));
  });

  it('follows the hour-of-day curve in each shop’s local time', () => {
    const offset = new Map(stream.shops.map((s) => [s.id, s.utcOffsetMinutes]));
    const perHour = new Array<number>(24).fill(0);
    for (const r of records) {
      if (r.kind !== 'good' || r.eventType !== 'page_viewed') continue;
      const localMs = eventUs(r.event!) / 1000 + offset.get(r.key)! * 60_000;
      perHour[new Date(localMs).getUTCHours()]!++;
    }
    expect(pearson(perHour, SHOPPER_HOURLY)).toBeGreaterThan(0.9);
    const evening = perHour[20]! + perHour[21]!;
    const night = perHour[3]! + perHour[4]!;
    expect(evening / night).toBeGreaterThan(4);
  });

  it('has quieter Saturdays than Mondays', () => {
    const perDay = new Array<number>(7).fill(0);
    for (const r of records)
      if (r.kind === 'good' && r.eventType === 'page_viewed') perDay[new Date(eventUs(r.event!) / 1000).getUTCDay()]!++;
    expect(perDay[1]! / perDay[6]!).toBeGreaterThan(1.12);
  });

  it('covers the range and every event type of the contracts', () => {
    const first = eventUs(records.find((r) => r.kind === 'good')!.event!);
    const last = eventUs(records.findLast((r) => r.kind === 'good')!.event!);
    expect(first / 1000).toBeLessThan(Date.parse('2025-03-03T01:00:00Z'));
    expect(Math.abs(last / 1000 - Date.parse('2025-03-10T00:00:00Z'))).toBeLessThan(12 * 3_600_000);
    const goodTypes = new Set(records.filter((r) => r.kind === 'good').map((r) => r.eventType));
    expect([...goodTypes].sort()).toEqual([...contracts().events.keys()].sort());
  });
});

describe('generateEvents: configured shares and rates', () => {
  it('follows custom funnel rates and shares', () => {
    const funnel = { productView: 0.85, addToCart: 0.35, checkout: 0.7, purchase: 0.9 };
    const N = 30_000;
    const { stream, records } = run({
      seed: 9,
      events: N,
      funnel,
      lateShare: 0.1,
      duplicateShare: 0.05,
      badShare: 0.03,
    });
    expectShare(stream.stats.byKind.late, N, 0.1);
    expectShare(stream.stats.byKind.duplicate, N, 0.05);
    expectShare(
      BAD_KINDS.reduce((a, k) => a + stream.stats.byKind[k], 0),
      N,
      0.03,
    );
    const good = records.filter((r) => r.kind === 'good').map((r) => r.event!);
    const sessions = (type: string) => new Set(good.filter((e) => e.event_type === type).map((e) => e.session_id)).size;
    expect(sessions('product_viewed') / sessions('page_viewed')).toBeCloseTo(funnel.productView, 1);
    expect(Math.abs(sessions('cart_updated') / sessions('product_viewed') - funnel.addToCart)).toBeLessThan(0.03);
  });

  it('produces every bad kind, each failing for its own reason', () => {
    const oversizedBytes = 64 * 1024;
    const { records } = run({
      seed: 21,
      events: 6_000,
      badShare: 0.25,
      oversizedBytes,
      badKinds: Object.fromEntries(BAD_KINDS.map((k) => [k, 1])),
    });
    const seen = new Map<string, number>();
    for (const r of records) {
      if (isGoodKind(r.kind)) continue;
      seen.set(r.kind, (seen.get(r.kind) ?? 0) + 1);
      expect(r.event).toBeUndefined();
      expect(r.value.includes(0x0a)).toBe(false);
      if (r.kind === 'invalid_utf8') {
        expect(() => utf8.decode(r.value)).toThrow();
        continue;
      }
      const text = utf8.decode(r.value);
      if (r.kind === 'not_json') {
        expect(() => JSON.parse(text) as unknown).toThrow();
        continue;
      }
      const event = JSON.parse(text) as Record<string, unknown>;
      if (r.kind === 'oversized') {
        expect(r.value.length).toBeGreaterThan(oversizedBytes);
        continue;
      }
      const res = validate(event, { now: r.timestamp, topic: r.topic });
      expect(res.ok, `${r.kind} passed validation`).toBe(false);
      const codes = res.ok ? [] : res.errors.map((e) => `${e.code} ${e.path}`);
      const expected: Record<string, RegExp> = {
        missing_required: /^missing_required /,
        wrong_type: /^wrong_type /,
        negative_quantity: /^out_of_range \$\.line_items\[0\]\.quantity$/,
        unknown_event_type: /^unknown_event_type /,
        future_timestamp: /^future_timestamp \$\.event_time$/,
      };
      expect(
        codes.some((c) => expected[r.kind]!.test(c)),
        `${r.kind}: ${codes.join(', ')}`,
      ).toBe(true);
    }
    expect([...seen.keys()].sort()).toEqual([...BAD_KINDS].sort());
  });

  it('rejects bad options with a message naming the option', () => {
    expect(() => generateEvents({ events: -1 })).toThrow(/events must be an integer/);
    expect(() => generateEvents({ lateShare: 0.6, duplicateShare: 0.5 })).toThrow(
      /lateShare \+ duplicateShare \+ badShare/,
    );
  });
});

function pearson(xs: readonly number[], ys: readonly number[]): number {
  const n = xs.length;
  const mx = xs.reduce((a, b) => a + b, 0) / n;
  const my = ys.reduce((a, b) => a + b, 0) / n;
  let sxy = 0;
  let sxx = 0;
  let syy = 0;
  for (let i = 0; i < n; i++) {
    sxy += (xs[i]! - mx) * (ys[i]! - my);
    sxx += (xs[i]! - mx) ** 2;
    syy += (ys[i]! - my) ** 2;
  }
  return sxy / Math.sqrt(sxx * syy);
}
