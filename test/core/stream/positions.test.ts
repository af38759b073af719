// Positions: the gap-free guard of the consumer's micro-batches (a batch's offsets claim everything below them).
import { describe, expect, it } from 'vitest';
import type { KafkaMessage } from '../../../core/kafka/index.js';
import { Positions } from '../../../core/stream/index.js';

const msgs = (from: number, to: number): KafkaMessage[] =>
  Array.from({ length: to - from + 1 }, (_, i) => ({
    key: null,
    value: Buffer.from(`v${from + i}`),
    timestamp: '0',
    attributes: 0,
    offset: String(from + i),
    headers: {},
  }));
const offsets = (v: ReturnType<Positions['judge']>) =>
  v.kind === 'take' ? v.messages.map((m) => Number(m.offset)) : v;

function positions(): Positions {
  const p = new Positions();
  // orders/0 has a checkpoint at 9 (resume at 10); orders/1 has none (resume at 0).
  p.reset({ orders: [0, 1] }, new Map([['orders', new Map([[0, 9]])]]));
  return p;
}

describe('Positions', () => {
  it('starts every assigned partition at its checkpoint + 1, or 0 without one', () => {
    const p = positions();
    expect(p.get('orders', 0)).toMatchObject({ next: 10, committed: 10, hadCheckpoint: true });
    expect(p.get('orders', 1)).toMatchObject({ next: 0, committed: 0, hadCheckpoint: false });
    expect(p.get('orders', 2)).toBeUndefined();
    expect(p.assigned()).toEqual([{ topic: 'orders', partitions: [0, 1] }]);
  });

  it('takes a fetch from at or below the next offset, dropping what is below it, and moves on', () => {
    const p = positions();
    expect(offsets(p.judge('orders', 0, 5, msgs(5, 14), 20))).toEqual([10, 11, 12, 13, 14]);
    expect(p.get('orders', 0)!.next).toBe(15);
    // A redelivery of what was taken is dropped whole.
    expect(offsets(p.judge('orders', 0, 12, msgs(12, 14), 20))).toEqual([]);
    expect(offsets(p.judge('orders', 0, 15, msgs(15, 16), 20))).toEqual([15, 16]);
  });

  it('refuses a fetch that starts beyond the next offset (never a silent gap)', () => {
    const p = positions();
    expect(p.judge('orders', 0, 12, msgs(12, 14), 20)).toEqual({ kind: 'beyond', next: 10, seekedTo: null });
    expect(p.get('orders', 0)!.next).toBe(10);
    p.sought('orders', 0, 10);
    expect(p.judge('orders', 0, 12, msgs(12, 14), 20)).toEqual({ kind: 'beyond', next: 10, seekedTo: 10 });
    // Only the caller's proof that Kafka no longer has 10 and 11 moves it on.
    expect(p.skipTo('orders', 0, 12)).toBe(2);
    expect(offsets(p.judge('orders', 0, 12, msgs(12, 14), 20))).toEqual([12, 13, 14]);
    expect(p.skipTo('orders', 0, 3)).toBe(0);
  });

  it('drops fetches of partitions it does not own', () => {
    expect(positions().judge('orders', 7, 0, msgs(0, 1), 2)).toEqual({ kind: 'unassigned' });
    expect(positions().judge('behaviour', 0, 0, msgs(0, 1), 2)).toEqual({ kind: 'unassigned' });
  });

  it('lag: records in Kafka beyond the committed position, over partitions with a known log end', () => {
    const p = positions();
    expect(p.lag()).toBe(0);
    p.judge('orders', 0, 10, msgs(10, 19), 30); // log end 30, committed 10
    p.judge('orders', 1, 0, msgs(0, 4), 5); // log end 5, committed 0
    expect(p.lag()).toBe(20 + 5);
    p.committedUpTo({ orders: { 0: 19, 1: 4 }, behaviour: { 0: 100 } });
    expect(p.lag()).toBe(10);
    expect(p.get('orders', 0)!.committed).toBe(20);
  });

  it('reset forgets the previous assignment', () => {
    const p = positions();
    p.reset({ behaviour: [3] }, new Map());
    expect(p.get('orders', 0)).toBeUndefined();
    expect(p.all().map((x) => [x.topic, x.partition, x.next])).toEqual([['behaviour', 3, 0]]);
  });
});
