import { describe, expect, it } from 'vitest';
import { EventQueue } from '../../../core/generator/event-queue.js';
import { Random } from '../../../core/generator/random.js';

interface Item {
  at: number;
  seq: number;
  id: number;
}

describe('EventQueue', () => {
  it('pops in time order, equal times in insertion order', () => {
    const q = new EventQueue<Item>();
    const r = new Random(2);
    const items: Item[] = Array.from({ length: 2_000 }, (_, id) => ({ at: r.int(0, 50), seq: 0, id }));
    for (const it of items) q.push(it);
    expect(q.size).toBe(items.length);
    const out: Item[] = [];
    for (let x = q.pop(); x; x = q.pop()) out.push(x);
    const expected = [...items].sort((a, b) => a.at - b.at || a.id - b.id);
    expect(out.map((x) => x.id)).toEqual(expected.map((x) => x.id));
    expect(q.peekAt()).toBe(Infinity);
  });

  it('interleaves pushes and pops', () => {
    const q = new EventQueue<Item>();
    q.push({ at: 10, seq: 0, id: 1 });
    q.push({ at: 5, seq: 0, id: 2 });
    expect(q.peekAt()).toBe(5);
    expect(q.pop()!.id).toBe(2);
    q.push({ at: 7, seq: 0, id: 3 });
    q.push({ at: 10, seq: 0, id: 4 });
    expect([q.pop()!.id, q.pop()!.id, q.pop()!.id]).toEqual([3, 1, 4]);
    expect(q.pop()).toBeUndefined();
  });
});
