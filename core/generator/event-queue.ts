// A binary min-heap of pending events ordered by delivery time, ties broken by insertion order so that the
// output never depends on the heap's internal layout. This is the simulation's clock: the generator pops
// events in the order a Kafka producer would send them.

export interface Scheduled {
  /** When the producer sends it: epoch microseconds. */
  at: number;
  /** Insertion sequence: the tie-breaker. Set by the queue. */
  seq: number;
}

export class EventQueue<T extends Scheduled> {
  readonly #heap: T[] = [];
  #seq = 0;

  get size(): number {
    return this.#heap.length;
  }

  /** The earliest delivery time, or Infinity when empty. */
  peekAt(): number {
    return this.#heap.length === 0 ? Infinity : this.#heap[0]!.at;
  }

  push(item: T): void {
    item.seq = this.#seq++;
    const h = this.#heap;
    let i = h.length;
    h.push(item);
    while (i > 0) {
      const parent = (i - 1) >> 1;
      const p = h[parent]!;
      if (!before(item, p)) break;
      h[i] = p;
      i = parent;
    }
    h[i] = item;
  }

  pop(): T | undefined {
    const h = this.#heap;
    const top = h[0];
    const last = h.pop();
    if (top === undefined || last === undefined || h.length === 0) return top;
    const n = h.length;
    let i = 0;
    for (;;) {
      const l = 2 * i + 1;
      if (l >= n) break;
      const r = l + 1;
      const c = r < n && before(h[r]!, h[l]!) ? r : l;
      if (!before(h[c]!, last)) break;
      h[i] = h[c]!;
      i = c;
    }
    h[i] = last;
    return top;
  }
}

function before(a: Scheduled, b: Scheduled): boolean {
  return a.at < b.at || (a.at === b.at && a.seq < b.seq);
}
