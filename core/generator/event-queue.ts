// A binary min-heap of pending events ordered by delivery time, ties broken by insertion order so that the
// output never depends on the heap's internal layout. This is the simulation's clock: the generator pops
// events in the order a Kafka producer would send them. Keys live in typed arrays beside the items, so sifting
// compares numbers in contiguous memory instead of chasing item pointers.

export interface Scheduled {
  /** When it happens: epoch microseconds. */
  at: number;
  /** Insertion sequence: the tie-breaker. Set by the queue. */
  seq: number;
}

export class EventQueue<T extends Scheduled> {
  #items: T[] = [];
  #at = new Float64Array(1024);
  #seq = new Float64Array(1024);
  #size = 0;
  #next = 0;

  get size(): number {
    return this.#size;
  }

  /** The earliest time, or Infinity when empty. */
  peekAt(): number {
    return this.#size === 0 ? Infinity : this.#at[0]!;
  }

  push(item: T): void {
    if (this.#size === this.#at.length) this.#grow();
    const at = item.at;
    const seq = (item.seq = this.#next++);
    const A = this.#at;
    const S = this.#seq;
    const items = this.#items;
    let i = this.#size++;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      const pa = A[parent]!;
      if (pa < at || (pa === at && S[parent]! < seq)) break;
      A[i] = pa;
      S[i] = S[parent]!;
      items[i] = items[parent]!;
      i = parent;
    }
    A[i] = at;
    S[i] = seq;
    items[i] = item;
  }

  pop(): T | undefined {
    if (this.#size === 0) return undefined;
    const items = this.#items;
    const top = items[0]!;
    const n = --this.#size;
    const A = this.#at;
    const S = this.#seq;
    const last = items.pop()!;
    const at = A[n]!;
    const seq = S[n]!;
    if (n > 0) {
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        if (l >= n) break;
        const r = l + 1;
        const c = r < n && (A[r]! < A[l]! || (A[r] === A[l] && S[r]! < S[l]!)) ? r : l;
        const ca = A[c]!;
        if (at < ca || (at === ca && seq < S[c]!)) break;
        A[i] = ca;
        S[i] = S[c]!;
        items[i] = items[c]!;
        i = c;
      }
      A[i] = at;
      S[i] = seq;
      items[i] = last;
    }
    return top;
  }

  #grow(): void {
    const at = new Float64Array(this.#at.length * 2);
    const seq = new Float64Array(this.#seq.length * 2);
    at.set(this.#at);
    seq.set(this.#seq);
    this.#at = at;
    this.#seq = seq;
  }
}
